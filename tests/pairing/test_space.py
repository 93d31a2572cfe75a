"""The pair space over HTTP: agreement (either proposes, both confirm), the conflict-safe meeting log, shared
plan steps, the help request, a good ending, export and erase — and that nobody but the two members (not a
third learner, not the facilitator) reaches any of it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from lti_tool.activities.models import PlanHorizon, PlanStep
from lti_tool.extensions import db
from lti_tool.models import User
from lti_tool.pairing.models import PUBLISHED, PairingPair
from lti_tool.pairing.space_models import CHILD_TABLES, PairLogEntry, PairSpace
from tests.pairing.conftest import Course, Launch, answer

SECRET_TOPIC = "We talked about the diploma recognition letter"
SECRET_STEP = "Call the credential office in Utrecht"
MENTEE_REFLECTION = "I take with me that my lab years count here too"
MENTOR_REFLECTION = "I learned to ask before advising"
AGREEMENT_TEXT = "Every second Tuesday by video, in English and Ukrainian"


@dataclass
class Pair:
    course: Course
    mentor: Launch
    mentee: Launch
    third: Launch
    facilitator: Launch
    space_id: int
    step_id: int


def _url(launch: Launch, path: str = "") -> str:
    return f"/s/{launch.token}/pair/{path}"


def _token(client, launch: Launch) -> str:
    page = client.get(f"/s/{launch.token}/pairing/a/mentee-capacity")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)


def _post(client, launch: Launch, path: str, **data):
    return client.post(_url(launch, path), data={"csrf_token": _token(client, launch), **data})


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def pair(app, client) -> Pair:
    course = Course(app)
    mentor = course.person("Maria")
    mentee = course.person("Olena")
    third = course.person("Iryna")
    fac = course.person("Fran", role="instructor")
    with app.app_context():
        db.session.add(PairingPair(context_pk=course.context_pk, stage=PUBLISHED, mentor_user_id=mentor.user_id,
                                   mentee_user_id=mentee.user_id, status="accepted", reasons=[]))
        horizon = PlanHorizon(user_id=mentee.user_id, context_pk=course.context_pk, days=30, goal="", support="")
        horizon.steps.append(PlanStep(text=SECRET_STEP, position=0, done=True))
        db.session.add(horizon)
        db.session.commit()
        step_id = horizon.steps[0].id
    opened = client.get(_url(mentee))
    assert opened.status_code == 303
    space_id = int(re.search(r"/pair/(\d+)/", opened.headers["Location"]).group(1))
    return Pair(course, mentor, mentee, third, fac, space_id, step_id)


def _agree(client, p: Pair) -> None:
    assert _post(client, p.mentor, f"{p.space_id}/agreement", **{"a-how-we-meet": AGREEMENT_TEXT,
                                                                   "base_version": "0"}).status_code == 303
    assert _post(client, p.mentee, f"{p.space_id}/agreement/confirm", version="1").status_code == 303


def _log(client, p: Pair, who: Launch, topics: str = SECRET_TOPIC) -> int:
    assert _post(client, who, f"{p.space_id}/log", met_on="2026-11-20", topics=topics, next_step="Draft the letter",
                 step_owner="mentee").status_code == 303
    with client.application.app_context():
        return db.session.scalars(select(PairLogEntry.id).where(PairLogEntry.space_id == p.space_id)
                                  .order_by(PairLogEntry.id.desc())).first()


def _page(client, launch: Launch, space_id: int) -> str:
    response = client.get(_url(launch, f"{space_id}/"))
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- agreement ----------------------------------------------------------------------------------------------
def test_agreement_holds_only_once_both_confirmed_and_a_change_needs_both_again(client, pair):
    p = pair
    assert _post(client, p.mentor, f"{p.space_id}/agreement", **{"a-how-we-meet": AGREEMENT_TEXT,
                                                                   "base_version": "0"}).status_code == 303
    mentee_page = _page(client, p.mentee, p.space_id)
    assert "waiting for confirmation" in mentee_page and "I confirm this agreement" in mentee_page
    assert "In force" not in mentee_page
    assert "I confirm this agreement" not in _page(client, p.mentor, p.space_id)  # proposing was his confirmation
    assert _post(client, p.mentee, f"{p.space_id}/agreement/confirm", version="1").status_code == 303
    page = _page(client, p.mentor, p.space_id)
    assert "In force (version 1" in page and AGREEMENT_TEXT in page

    # A change by the mentee: version 1 stays in force until the mentor confirms version 2.
    changed = "Every Tuesday by phone"
    assert _post(client, p.mentee, f"{p.space_id}/agreement", **{"a-how-we-meet": changed,
                                                                   "base_version": "1"}).status_code == 303
    page = _page(client, p.mentor, p.space_id)
    assert "In force (version 1" in page and "version 2" in page and "I confirm this agreement" in page
    assert _post(client, p.mentor, f"{p.space_id}/agreement/confirm", version="2").status_code == 303
    assert "In force (version 2" in _page(client, p.mentee, p.space_id)


def test_a_proposal_written_on_an_old_version_is_refused_and_nothing_is_lost(client, pair):
    p = pair
    assert _post(client, p.mentor, f"{p.space_id}/agreement", **{"a-how-we-meet": "The mentor idea",
                                                                   "base_version": "0"}).status_code == 303
    late = _post(client, p.mentee, f"{p.space_id}/agreement", **{"a-how-we-meet": "The mentee idea",
                                                                   "base_version": "0"})
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    assert "The mentor idea" in text and "The mentee idea" in text  # the newest version and her unsaved text
    stale_confirm = _post(client, p.mentee, f"{p.space_id}/agreement/confirm", version="7")
    assert stale_confirm.status_code == 409


def test_two_proposals_at_the_same_moment_collide_in_the_database_and_one_is_refused(app, client, pair, monkeypatch):
    """The mentee read the agreement before the mentor's proposal was committed (simulated: the version
    check passes), so both insert version 1: the unique version number refuses hers with 409."""
    from lti_tool.domain import pair_space as rules

    p = pair
    assert _post(client, p.mentor, f"{p.space_id}/agreement", **{"a-how-we-meet": "First in", "base_version": "0"}
                 ).status_code == 303
    monkeypatch.setattr(rules, "next_proposal", lambda state, base: base + 1)
    late = _post(client, p.mentee, f"{p.space_id}/agreement", **{"a-how-we-meet": "Second in", "base_version": "0"})
    assert late.status_code == 409 and "Second in" in late.get_data(as_text=True)
    from lti_tool.pairing.space_models import PairAgreementVersion

    with app.app_context():
        rows = db.session.scalars(select(PairAgreementVersion).where(PairAgreementVersion.space_id == p.space_id)).all()
        assert [(r.version, r.answers) for r in rows] == [(1, {"how-we-meet": "First in"})]


def test_an_edit_racing_the_partners_save_is_caught_by_the_compare_and_set(app, client, pair, monkeypatch):
    """The mentor's request read version 1 just before the mentee's save committed (simulated: the version
    check passes): the database update on version 1 then matches nothing, and he gets both texts."""
    from lti_tool.domain import pair_space as rules

    p = pair
    entry = _log(client, p, p.mentor)
    assert _post(client, p.mentee, f"{p.space_id}/log/{entry}", met_on="2026-11-20", version="1",
                 topics="Her addition", next_step="Draft the letter", step_owner="mentee").status_code == 303
    monkeypatch.setattr(rules, "edit_entry", lambda current, cur_v, base, sub: rules.EntrySaved(base + 1, True))
    late = _post(client, p.mentor, f"{p.space_id}/log/{entry}", met_on="2026-11-20", version="1",
                 topics="His addition", next_step="Draft the letter", step_owner="mentee")
    assert late.status_code == 409
    body = late.get_data(as_text=True)
    assert "Her addition" in body and "His addition" in body
    with app.app_context():
        saved = db.session.get(PairLogEntry, entry)
        assert (saved.topics, saved.version) == ("Her addition", 2)


def test_only_the_mentor_comments_on_shared_steps(client, pair):
    p = pair
    assert _post(client, p.mentee, f"{p.space_id}/steps", share=str(p.step_id)).status_code == 303
    assert _post(client, p.mentee, f"{p.space_id}/steps/{p.step_id}/comment", text="Me").status_code == 403


def test_an_empty_agreement_is_refused(client, pair):
    response = _post(client, pair.mentor, f"{pair.space_id}/agreement", base_version="0")
    assert response.status_code == 400 and "at least one part" in response.get_data(as_text=True)


# -- meeting log --------------------------------------------------------------------------------------------
def test_both_can_log_and_add_and_a_concurrent_edit_is_detected(app, client, pair):
    p = pair
    entry = _log(client, p, p.mentor)
    assert SECRET_TOPIC in _page(client, p.mentee, p.space_id)
    # Both open the entry at version 1; the mentee saves first, then the mentor saves his older copy.
    mine = _post(client, p.mentee, f"{p.space_id}/log/{entry}", met_on="2026-11-20", version="1",
                 topics=SECRET_TOPIC + " and the language course", next_step="Draft the letter", step_owner="both")
    assert mine.status_code == 303
    theirs = _post(client, p.mentor, f"{p.space_id}/log/{entry}", met_on="2026-11-20", version="1",
                   topics=SECRET_TOPIC + " and networking", next_step="Draft the letter", step_owner="mentee")
    assert theirs.status_code == 409
    body = theirs.get_data(as_text=True)
    assert "and the language course" in body and "and networking" in body
    with app.app_context():
        saved = db.session.get(PairLogEntry, entry)
        assert saved.topics.endswith("and the language course") and saved.version == 2
    # Saving the same text again on an old version is no conflict (nothing would be lost).
    same = _post(client, p.mentor, f"{p.space_id}/log/{entry}", met_on="2026-11-20", version="1",
                 topics=SECRET_TOPIC + " and the language course", next_step="Draft the letter", step_owner="both")
    assert same.status_code == 303


def test_a_meeting_needs_a_date_and_some_words(client, pair):
    p = pair
    no_date = _post(client, p.mentor, f"{p.space_id}/log", met_on="next week", topics="x")
    assert no_date.status_code == 400 and "date of the meeting" in no_date.get_data(as_text=True)
    empty = _post(client, p.mentor, f"{p.space_id}/log", met_on="2026-11-20")
    assert empty.status_code == 400
    no_date = _post(client, p.mentor, f"{p.space_id}/log", met_on="", topics="Kept")
    assert no_date.status_code == 400 and "date of the meeting" in no_date.get_data(as_text=True)


# -- shared steps -------------------------------------------------------------------------------------------
def test_the_mentee_shares_steps_the_mentor_reads_and_encourages_and_she_can_unshare(client, pair):
    p = pair
    assert SECRET_STEP not in _page(client, p.mentor, p.space_id)
    assert _post(client, p.mentor, f"{p.space_id}/steps", share=str(p.step_id)).status_code == 403
    assert _post(client, p.mentee, f"{p.space_id}/steps", share=str(p.step_id)).status_code == 303
    page = _page(client, p.mentor, p.space_id)
    assert SECRET_STEP in page and "done" in page
    assert _post(client, p.mentor, f"{p.space_id}/steps/{p.step_id}/comment",
                 text="Well done on the call!").status_code == 303
    assert "Well done on the call!" in _page(client, p.mentee, p.space_id)
    assert _post(client, p.mentee, f"{p.space_id}/steps").status_code == 303  # nothing ticked: unshare
    page = _page(client, p.mentor, p.space_id)
    assert SECRET_STEP not in page and "Well done on the call!" not in page
    assert _post(client, p.mentor, f"{p.space_id}/steps/{p.step_id}/comment", text="x").status_code == 404


def test_a_step_of_somebody_else_cannot_be_shared(app, client, pair):
    p = pair
    with app.app_context():
        other = PlanHorizon(user_id=p.third.user_id, context_pk=p.course.context_pk, days=30, goal="", support="")
        other.steps.append(PlanStep(text="The own step of Iryna", position=0))
        db.session.add(other)
        db.session.commit()
        foreign = other.steps[0].id
    assert _post(client, p.mentee, f"{p.space_id}/steps", share=str(foreign)).status_code == 303
    assert "The own step of Iryna" not in _page(client, p.mentor, p.space_id)


# -- support and facilitators -------------------------------------------------------------------------------
def test_help_request_reaches_the_facilitator_without_any_content(client, pair):
    p = pair
    _agree(client, p)
    _log(client, p, p.mentor)
    assert "112" in _page(client, p.mentor, p.space_id)  # the referral routes of the support text
    assert _post(client, p.mentor, f"{p.space_id}/help").status_code == 303
    page = client.get(_url(p.facilitator, "facilitator"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Maria asked on" in text and "Olena" in text
    for secret in (SECRET_TOPIC, AGREEMENT_TEXT, "Draft the letter", SECRET_STEP):
        assert secret not in text
    row = re.search(r'<tr id="pair-\d+">(.*?)</tr>', text, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[2:5] == ["Active", "Yes", "1"]
    handled = re.search(r'action="([^"]+/facilitator/help/\d+)"', text).group(1)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', text).group(1)
    assert client.post(handled, data={"csrf_token": token}).status_code == 303
    assert "Mark as handled" not in client.get(_url(p.facilitator, "facilitator")).get_data(as_text=True)


def test_learners_cannot_open_the_facilitator_page(client, pair):
    assert client.get(_url(pair.mentor, "facilitator")).status_code == 403


def test_course_figures_are_withheld_below_five_people(app, client, pair):
    from lti_tool.pairing.space import pair_activity

    with app.app_context():
        figures = pair_activity(pair.course.context_pk)
        assert figures.withheld and figures.active_pairs is None and figures.pairs == 1
    _agree(client, pair)
    _log(client, pair, pair.mentee)
    with app.app_context():
        for n in range(2):
            a = User(issuer="https://lms.example", sub=f"m{n}-{pair.space_id}", name=f"M{n}")
            b = User(issuer="https://lms.example", sub=f"e{n}-{pair.space_id}", name=f"E{n}")
            db.session.add_all([a, b])
            db.session.flush()
            db.session.add(PairSpace(context_pk=pair.course.context_pk, mentor_user_id=a.id, mentee_user_id=b.id))
        db.session.commit()
        figures = pair_activity(pair.course.context_pk)
    assert not figures.withheld
    assert (figures.pairs, figures.active_pairs, figures.agreements_confirmed, figures.meetings_logged) == (3, 1, 1, 1)


# -- nobody else --------------------------------------------------------------------------------------------
SPACE_ROUTES = [
    ("get", "{space}/"),
    ("post", "{space}/agreement"),
    ("post", "{space}/agreement/confirm"),
    ("post", "{space}/log"),
    ("post", "{space}/log/{entry}"),
    ("post", "{space}/steps"),
    ("post", "{space}/steps/{step}/comment"),
    ("post", "{space}/help"),
    ("post", "{space}/reflection"),
    ("post", "{space}/close"),
    ("get", "{space}/export.json"),
    ("post", "{space}/erase"),
]


@pytest.mark.parametrize("who", ["third", "facilitator"])
@pytest.mark.parametrize(("method", "path"), SPACE_ROUTES)
def test_nobody_but_the_pair_reaches_any_route(app, client, pair, who, method, path):
    p = pair
    _agree(client, p)
    entry = _log(client, p, p.mentor)
    assert _post(client, p.mentee, f"{p.space_id}/steps", share=str(p.step_id)).status_code == 303
    assert _post(client, p.mentee, f"{p.space_id}/reflection", text=MENTEE_REFLECTION, shared="1").status_code == 303
    outsider = p.third if who == "third" else p.facilitator
    url = _url(outsider, path.format(space=p.space_id, entry=entry, step=p.step_id))
    data = {"csrf_token": _token(client, outsider), "a-how-we-meet": "x", "base_version": "1", "version": "1",
            "met_on": "2026-11-21", "topics": "intruder", "share": str(p.step_id), "text": "intruder",
            "confirm": "yes"}
    response = client.get(url) if method == "get" else client.post(url, data=data)
    assert response.status_code in (403, 404)
    body = response.get_data(as_text=True)
    for secret in (SECRET_TOPIC, AGREEMENT_TEXT, SECRET_STEP, MENTEE_REFLECTION):
        assert secret not in body
    # Nothing changed and nothing was erased.
    assert _count(app, PairSpace, PairSpace.id == p.space_id) == 1
    assert _count(app, PairLogEntry, PairLogEntry.space_id == p.space_id) == 1
    with app.app_context():
        space = db.session.get(PairSpace, p.space_id)
        assert space.mentor_erase_at is None and space.mentee_erase_at is None and space.status == "open"
    # The outsider's own index lists no space of this pair.
    index = client.get(_url(outsider))
    assert index.status_code == 200 and f"/pair/{p.space_id}/" not in index.get_data(as_text=True)


def test_a_member_of_another_course_cannot_reach_the_space(app, client, pair, other_course):
    # The same person launched from another course: the space belongs to the first course only.
    elsewhere = other_course.person(user_id=pair.mentor.user_id)
    assert client.get(_url(elsewhere, f"{pair.space_id}/")).status_code == 404
    assert client.get(_url(elsewhere, f"{pair.space_id}/export.json")).status_code == 404


# -- ending, export, erase ----------------------------------------------------------------------------------
def test_closing_needs_a_reflection_and_both(app, client, pair):
    p = pair
    refused = _post(client, p.mentor, f"{p.space_id}/close")
    assert refused.status_code == 400 and "reflection first" in refused.get_data(as_text=True)
    assert _post(client, p.mentor, f"{p.space_id}/reflection", text=MENTOR_REFLECTION).status_code == 303
    assert _post(client, p.mentor, f"{p.space_id}/close").status_code == 303
    assert "Maria is ready to close the space." in _page(client, p.mentee, p.space_id)
    assert _post(client, p.mentee, f"{p.space_id}/reflection", text=MENTEE_REFLECTION).status_code == 303
    assert _post(client, p.mentee, f"{p.space_id}/close").status_code == 303
    page = _page(client, p.mentee, p.space_id)
    assert "This space is closed." in page and MENTOR_REFLECTION not in page  # not shared by him
    refused = _post(client, p.mentor, f"{p.space_id}/log", met_on="2026-12-01", topics="late")
    assert refused.status_code == 409


def test_each_export_holds_exactly_the_persons_part_and_the_shared_log(client, pair):
    p = pair
    _agree(client, p)
    _log(client, p, p.mentor)
    _log(client, p, p.mentee, topics="Second meeting: the network event")
    assert _post(client, p.mentee, f"{p.space_id}/steps", share=str(p.step_id)).status_code == 303
    assert _post(client, p.mentor, f"{p.space_id}/steps/{p.step_id}/comment", text="Proud of you").status_code == 303
    assert _post(client, p.mentor, f"{p.space_id}/help").status_code == 303
    assert _post(client, p.mentee, f"{p.space_id}/reflection", text=MENTEE_REFLECTION, shared="1").status_code == 303
    assert _post(client, p.mentor, f"{p.space_id}/reflection", text=MENTOR_REFLECTION).status_code == 303

    def export(launch):
        response = client.get(_url(launch, f"{p.space_id}/export.json"))
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        return json.loads(response.get_data(as_text=True))

    mentor, mentee = export(p.mentor), export(p.mentee)
    for data in (mentor, mentee):  # the shared part is the same for both
        assert [e["topics"] for e in data["shared"]["meeting_log"]] == [SECRET_TOPIC, "Second meeting: the network event"]
        assert data["shared"]["agreement"][0]["answers"] == {"how-we-meet": AGREEMENT_TEXT}
    assert mentor["my_side"] == "mentor" and mentor["partner"] == "Olena"
    assert mentor["mine"]["reflection"]["text"] == MENTOR_REFLECTION
    assert [c["text"] for c in mentor["mine"]["comments_on_shared_steps"]] == ["Proud of you"]
    assert len(mentor["mine"]["help_requests"]) == 1
    assert "shared_steps" not in mentor["mine"]
    assert MENTEE_REFLECTION not in json.dumps(mentor) and SECRET_STEP not in json.dumps(mentor)

    assert mentee["mine"]["reflection"]["text"] == MENTEE_REFLECTION
    assert mentee["mine"]["shared_steps"] == [{"horizon_days": 30, "text": SECRET_STEP, "done": True}]
    assert mentee["mine"]["comments_on_shared_steps"] == [] and mentee["mine"]["help_requests"] == []
    assert MENTOR_REFLECTION not in json.dumps(mentee) and "Proud of you" not in json.dumps(mentee)


def test_erase_needs_both_and_then_leaves_nothing(app, client, pair):
    p = pair
    _agree(client, p)
    _log(client, p, p.mentor)
    assert _post(client, p.mentee, f"{p.space_id}/erase").status_code == 400  # the box was not ticked
    assert _post(client, p.mentee, f"{p.space_id}/erase", confirm="yes").status_code == 303
    assert "Olena asked to erase this space" in _page(client, p.mentor, p.space_id)
    assert _count(app, PairLogEntry, PairLogEntry.space_id == p.space_id) == 1
    gone = _post(client, p.mentor, f"{p.space_id}/erase", confirm="yes")
    assert gone.status_code == 303 and "done=erased" in gone.headers["Location"]
    assert _count(app, PairSpace, PairSpace.id == p.space_id) == 0
    for table in CHILD_TABLES:
        assert _count(app, table, table.space_id == p.space_id) == 0
    assert client.get(_url(p.mentor, f"{p.space_id}/")).status_code == 404


def test_the_tool_wide_erasure_of_one_member_removes_the_space_and_the_partners_rows(app, client, pair):
    from lti_tool.privacy import erase_user

    p = pair
    _agree(client, p)
    _log(client, p, p.mentee)
    _log(client, p, p.mentor)
    assert _post(client, p.mentee, f"{p.space_id}/reflection", text=MENTEE_REFLECTION).status_code == 303
    with app.app_context():
        erase_user(db.session.get(User, p.mentor.user_id))
        db.session.commit()
    assert _count(app, PairSpace, PairSpace.id == p.space_id) == 0
    for table in CHILD_TABLES:
        assert _count(app, table, table.space_id == p.space_id) == 0, table.__tablename__


def test_the_assessment_page_links_to_the_pair_space(client, pair):
    assert answer(client, pair.mentee, q_languages=["uk"]).status_code == 303
    page = client.get(f"/s/{pair.mentee.token}/pairing/a/mentee-capacity").get_data(as_text=True)
    assert f"/s/{pair.mentee.token}/pair/" in page


@pytest.mark.parametrize("who", ["third", "facilitator"])
@pytest.mark.parametrize("export", ["my-data/export.json", "pairing/export.json", "journal/export.json"])
def test_no_export_of_an_outsider_holds_anything_of_the_pair(client, pair, who, export):
    p = pair
    _agree(client, p)
    _log(client, p, p.mentor)
    assert _post(client, p.mentee, f"{p.space_id}/steps", share=str(p.step_id)).status_code == 303
    assert _post(client, p.mentor, f"{p.space_id}/steps/{p.step_id}/comment", text="Proud of you").status_code == 303
    assert _post(client, p.mentee, f"{p.space_id}/reflection", text=MENTEE_REFLECTION, shared="1").status_code == 303
    outsider = p.third if who == "third" else p.facilitator
    response = client.get(f"/s/{outsider.token}/{export}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for secret in (SECRET_TOPIC, AGREEMENT_TEXT, SECRET_STEP, MENTEE_REFLECTION, "Proud of you"):
        assert secret not in body
    assert "pair_space" not in body


def test_the_tool_wide_export_of_a_member_holds_what_they_wrote_in_the_space(client, pair):
    p = pair
    _agree(client, p)
    _log(client, p, p.mentor)
    data = json.loads(client.get(f"/s/{p.mentor.token}/my-data/export.json").get_data(as_text=True))
    records = data["records"]
    assert [r["topics"] for r in records["pair_log_entry"]] == [SECRET_TOPIC]  # decrypted, his own entry
    assert len(records["pair_space"]) == 1 and "pair_agreement_version" in records


def test_a_refused_form_comes_back_with_everything_that_was_typed(client, pair):
    p = pair
    long_text = "Our long talk " + "x" * 2100
    refused = _post(client, p.mentor, f"{p.space_id}/log", met_on="2026-11-20", topics=long_text,
                    next_step="Keep this step")
    assert refused.status_code == 413
    body = refused.get_data(as_text=True)
    assert long_text in body and "Keep this step" in body and "2000" in body
    bad_date = _post(client, p.mentor, f"{p.space_id}/log", met_on="last Tuesday", topics="Kept topics")
    assert bad_date.status_code == 400 and "Kept topics" in bad_date.get_data(as_text=True)
    long_reflection = "What I take with me " + "y" * 2100
    refused = _post(client, p.mentor, f"{p.space_id}/reflection", text=long_reflection)
    assert refused.status_code == 413 and long_reflection in refused.get_data(as_text=True)
    refused = _post(client, p.mentor, f"{p.space_id}/agreement", **{"a-how-we-meet": "z" * 2100,
                                                                     "a-our-languages": "Kept languages",
                                                                     "base_version": "0"})
    assert refused.status_code == 413 and "Kept languages" in refused.get_data(as_text=True)
    assert _count(client.application, PairLogEntry, PairLogEntry.space_id == p.space_id) == 0


@pytest.mark.parametrize(("locale", "title", "ui"), [
    ("en", "Your pair space", "Meeting log"),
    ("nl", "Jullie duoruimte", "Logboek van de gesprekken"),
    ("uk", "Ваш спільний простір", "Журнал зустрічей"),
    ("de", "Ihr gemeinsamer Raum", "Protokoll der Treffen"),
])
def test_the_space_speaks_each_persons_language(client, pair, locale, title, ui):
    p = pair
    reader = p.course.person(user_id=p.mentee.user_id, locale=locale)
    body = _page(client, reader, p.space_id)
    assert f'<html lang="{locale}">' in body and title in body and ui in body
    assert 'lang="en"' not in body.split("<main", 1)[1]  # no part of the page fell back to English
