"""The pairing activity over HTTP: answers, completion in the outbox, facilitator actions, privacy by role,
cross-course refusal, export and erase, and a 25-person round from questionnaires to published pairs."""

from __future__ import annotations

import json
import re

import requests
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.grades.models import ScoreOutbox
from lti_tool.pairing.models import DRAFT, PUBLISHED, PairingAnswer, PairingPair, PairingProfile
from tests.pairing.conftest import answer, csrf
from tests.support.platform import LTI, launch_token

SECRET_HOPE = "I hope to rebuild my confidence after leaving Kharkiv"
SHARED_HOPE = "Happy to share my network in Utrecht"


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _outbox(app, user_id):
    with app.app_context():
        return [(r.activity_progress, r.score_given) for r in db.session.scalars(
            select(ScoreOutbox).where(ScoreOutbox.user_id == user_id).order_by(ScoreOutbox.id))]


def _mentee(client, course, name="Olena", **extra):
    launch = course.person(name)
    fields = {"q_languages": ["uk", "en"], "q_domains-wanted": ["marketing"], "q_hopes": SECRET_HOPE,
              "q_availability": "two-hours-month"}
    fields.update(extra)
    assert answer(client, launch, **fields).status_code == 303
    return launch


def _mentor(client, course, name="Maria", **extra):
    launch = course.person(name, activity="mentor-capacity")
    fields = {"q_languages": ["en", "uk"], "q_domains-wanted": ["marketing", "it"], "q_hopes": SHARED_HOPE,
              "share-hopes": "1", "q_availability": "weekly"}
    fields.update(extra)
    assert answer(client, launch, "mentor-capacity", "mentor", **fields).status_code == 303
    return launch


def _facilitator(course, name="Fran"):
    return course.person(name, role="instructor")


def _post(client, launch, path, **data):
    token = csrf(client, launch, launch.url("facilitator"))
    return client.post(launch.url(path), data={"csrf_token": token, **data})


def _publish_all(client, fac):
    assert _post(client, fac, "facilitator/propose").status_code == 303
    assert _post(client, fac, "facilitator/accept-all").status_code == 303
    assert _post(client, fac, "facilitator/publish").status_code == 303


# -- learner ----------------------------------------------------------------------------------------------
def test_questionnaire_shows_content_wording_and_every_question_is_optional(app, client, course):
    launch = course.person("Olena")
    page = client.get(launch.url("a/mentee-capacity")).get_data(as_text=True)
    assert "My strengths and growth areas" in page and "Which areas would you like to develop?" in page
    assert "required" not in page.split('class="card pairing-form"')[1].split("</form>")[0]
    # Saving nothing at all is allowed (every question optional) and not yet a completion.
    assert answer(client, launch).status_code == 303
    assert _outbox(app, launch.user_id) == [("Started", None)]


def test_saving_answers_completes_the_activity_once_in_the_outbox(app, client, course):
    launch = _mentee(client, course)
    assert _outbox(app, launch.user_id) == [("Completed", 100.0)]
    # Revising keeps the completion and does not queue the same score again.
    assert answer(client, launch, q_languages=["uk"]).status_code == 303
    assert _outbox(app, launch.user_id) == [("Completed", 100.0)]
    with app.app_context():
        row = db.session.scalars(select(PairingAnswer).where(PairingAnswer.user_id == launch.user_id)).one()
        assert row.answers == {"languages": ["uk"]} and row.shared == []


def test_profile_shows_strengths_chart_with_text_and_own_answers(client, course):
    launch = _mentee(client, course, **{"q_domains-strengths-finance": "4", "q_domains-strengths-law": "2"})
    page = client.get(launch.url("a/mentee-capacity")).get_data(as_text=True)
    chart = page.split('class="pairing-chart"')[1].split("</table>")[0]
    assert "Finance and accounting" in chart and "I could teach this (4/4)" in chart
    assert "Law and regulation" in chart and "I have some experience (2/4)" in chart
    assert "width: 100%" in chart and "width: 50%" in chart
    assert SECRET_HOPE in page  # one's own words are visible to oneself


def test_unknown_option_ids_are_dropped_and_html_is_escaped(app, client, course):
    launch = course.person("Eve")
    resp = answer(client, launch, q_languages=["uk", "klingon"], **{"q_domains-strengths-finance": "9",
                  "q_hopes": "<script>alert(1)</script>", "q_availability": "always"})
    assert resp.status_code == 303
    with app.app_context():
        row = db.session.scalars(select(PairingAnswer).where(PairingAnswer.user_id == launch.user_id)).one()
        assert row.answers == {"languages": ["uk"], "hopes": "<script>alert(1)</script>"}
    page = client.get(launch.url("a/mentee-capacity")).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_post_without_csrf_token_is_refused(app, client, course):
    launch = course.person("Olena")
    resp = client.post(launch.url("a/mentee-capacity"), data={"role": "mentee", "q-languages": "uk"})
    assert resp.status_code == 400
    assert _count(app, PairingProfile) == 0


def test_too_long_text_is_refused_and_kept_on_the_page(app, client, course):
    launch = course.person("Olena")
    resp = answer(client, launch, q_hopes="x" * 2001, q_languages=["uk"])
    assert resp.status_code == 413
    page = resp.get_data(as_text=True)
    assert "x" * 2001 in page  # nothing typed is lost…
    assert 'name="q-languages" value="uk" checked' in page  # …nor anything ticked
    assert _count(app, PairingProfile) == 0


def test_unknown_questionnaire_is_404(client, course):
    launch = course.person("Olena")
    assert client.get(launch.url("a/not-a-questionnaire")).status_code == 404


def test_choosing_the_other_role_leads_to_that_questionnaire(client, course):
    launch = course.person("Olena", activity="mentor-capacity")
    resp = answer(client, launch, "mentor-capacity", "mentee")
    assert resp.status_code == 303 and "/pairing/a/mentee-capacity" in resp.headers["Location"]


# -- facilitator and privacy ----------------------------------------------------------------------------------
def test_learners_cannot_open_the_facilitator_page(client, course):
    launch = course.person("Olena")
    assert client.get(launch.url("facilitator")).status_code == 403
    token = csrf(client, launch)
    assert client.post(launch.url("facilitator/publish"), data={"csrf_token": token}).status_code == 403


def test_pair_is_hidden_until_published_then_shows_reasons_and_only_shared_answers(app, client, course):
    mentee = _mentee(client, course)
    mentor = _mentor(client, course)
    fac = _facilitator(course)
    assert _post(client, fac, "facilitator/propose").status_code == 303
    # Proposed, not published: neither side sees the other.
    assert "Maria" not in client.get(mentee.url("a/mentee-capacity")).get_data(as_text=True)
    assert "Olena" not in client.get(mentor.url("a/mentor-capacity")).get_data(as_text=True)
    # Facilitator: the fit explanation and shared words, never unshared free text.
    page = client.get(fac.url("facilitator")).get_data(as_text=True)
    assert "Both can talk in English or Ukrainian." in page
    assert "The mentor offers marketing and communication, which the mentee would like to develop." in page
    assert SHARED_HOPE in page and SECRET_HOPE not in page
    # Publishing without accepting publishes nothing.
    assert _post(client, fac, "facilitator/publish").status_code == 400
    assert _count(app, PairingPair, PairingPair.stage == PUBLISHED) == 0
    assert _post(client, fac, "facilitator/accept-all").status_code == 303
    assert _post(client, fac, "facilitator/publish").status_code == 303
    mentee_page = client.get(mentee.url("a/mentee-capacity")).get_data(as_text=True)
    assert "Your mentor: Maria" in mentee_page
    assert "The mentor offers marketing and communication" in mentee_page
    assert SHARED_HOPE in mentee_page  # the mentor shared this
    mentor_page = client.get(mentor.url("a/mentor-capacity")).get_data(as_text=True)
    assert "Your mentee: Olena" in mentor_page
    assert SECRET_HOPE not in mentor_page  # the mentee did not share this
    assert "Nothing shared yet." in mentor_page


def test_sharing_can_be_withdrawn_after_publishing(client, course):
    mentee = _mentee(client, course, **{"share-hopes": "1"})
    mentor = _mentor(client, course)
    _publish_all(client, _facilitator(course))
    assert SECRET_HOPE in client.get(mentor.url("a/mentor-capacity")).get_data(as_text=True)
    answer(client, mentee, q_hopes=SECRET_HOPE, q_languages=["uk", "en"])  # saved again without sharing
    assert SECRET_HOPE not in client.get(mentor.url("a/mentor-capacity")).get_data(as_text=True)


def test_draft_changes_stay_invisible_until_published_again(client, course):
    mentee = _mentee(client, course)
    _mentor(client, course)
    fac = _facilitator(course)
    _publish_all(client, fac)
    pair_id = _draft_ids(client.application, course)[0]
    assert _post(client, fac, f"facilitator/pairs/{pair_id}/remove").status_code == 303
    assert "Your mentor: Maria" in client.get(mentee.url("a/mentee-capacity")).get_data(as_text=True)
    assert _post(client, fac, "facilitator/unpublish").status_code == 303
    assert "Your mentor: Maria" not in client.get(mentee.url("a/mentee-capacity")).get_data(as_text=True)


def _draft_ids(app, course):
    with app.app_context():
        return list(db.session.scalars(select(PairingPair.id).where(
            PairingPair.context_pk == course.context_pk, PairingPair.stage == DRAFT).order_by(PairingPair.id)))


def _draft(app, course):
    with app.app_context():
        return {(p.mentee_user_id, p.mentor_user_id): p.status for p in db.session.scalars(select(PairingPair).where(
            PairingPair.context_pk == course.context_pk, PairingPair.stage == DRAFT))}


def test_swap_lock_and_max_mentees(app, client, course):
    a = _mentee(client, course, "Anna", **{"q_domains-wanted": ["law"]})
    b = _mentee(client, course, "Bohdana", **{"q_domains-wanted": ["it"]})
    law = _mentor(client, course, "Lawrence", **{"q_domains-wanted": ["law"]})
    it = _mentor(client, course, "Ita", **{"q_domains-wanted": ["it"]})
    fac = _facilitator(course)
    _post(client, fac, "facilitator/settings", max_mentees="1")
    _post(client, fac, "facilitator/propose")
    assert set(_draft(app, course)) == {(a.user_id, law.user_id), (b.user_id, it.user_id)}
    first, second = _draft_ids(app, course)
    assert _post(client, fac, f"facilitator/pairs/{first}/swap", **{"with": f"pair-{second}"}).status_code == 303
    assert _draft(app, course) == {(a.user_id, it.user_id): "accepted", (b.user_id, law.user_id): "accepted"}
    page = client.get(fac.url("facilitator")).get_data(as_text=True)
    assert "The mentor does not list the areas the mentee would like to develop" in page
    # Lock one swapped pair: proposing again keeps it, although it fits worse.
    with app.app_context():
        locked_id = db.session.scalar(select(PairingPair.id).where(PairingPair.mentee_user_id == a.user_id))
    assert _post(client, fac, f"facilitator/pairs/{locked_id}/lock").status_code == 303
    _post(client, fac, "facilitator/propose")
    draft = _draft(app, course)
    assert draft[(a.user_id, it.user_id)] == "locked" and (b.user_id, law.user_id) in draft
    # A locked pair cannot be swapped or removed until unlocked.
    assert _post(client, fac, f"facilitator/pairs/{locked_id}/remove").status_code == 409
    # Max 1 mentee per mentor: adding a third mentee to a full mentor is refused.
    c = _mentee(client, course, "Chrystia")
    resp = _post(client, fac, "facilitator/pairs/add", mentee=str(c.user_id), mentor=str(it.user_id))
    assert resp.status_code == 400
    assert "without a pair" in client.get(fac.url("facilitator")).get_data(as_text=True)


def test_settings_are_validated(client, course):
    fac = _facilitator(course)
    assert _post(client, fac, "facilitator/settings", max_mentees="0").status_code == 400
    assert _post(client, fac, "facilitator/settings", max_mentees="many").status_code == 400
    assert _post(client, fac, "facilitator/settings", max_mentees="3").status_code == 303
    assert 'value="3"' in client.get(fac.url("facilitator")).get_data(as_text=True)


def test_unmatched_people_are_listed_with_why(client, course):
    _mentee(client, course, "Olena", q_languages=["uk"])
    _mentor(client, course, "Dirk", q_languages=["nl"])
    course.person("Silent")  # opened the activity, never saved: not part of matching
    fac = _facilitator(course)
    _post(client, fac, "facilitator/propose")
    page = client.get(fac.url("facilitator")).get_data(as_text=True)
    assert "Nobody on the other side shares a language with them." in page
    assert "No mentee shares a language with this mentor." in page
    assert "Silent" not in page


# -- cross-course -------------------------------------------------------------------------------------------
def test_other_course_cannot_see_or_touch_pairs(app, client, course, other_course):
    mentee = _mentee(client, course)
    _mentor(client, course)
    _publish_all(client, _facilitator(course))
    pair_id = _draft_ids(app, course)[0]
    outsider = _facilitator(other_course, "Outsider")
    for action in ("accept", "lock", "remove", "swap"):
        assert _post(client, outsider, f"facilitator/pairs/{pair_id}/{action}").status_code == 404
    assert "Olena" not in client.get(outsider.url("facilitator")).get_data(as_text=True)
    # The same person launched from another course sees nothing of the first course.
    elsewhere = other_course.person(user_id=mentee.user_id)
    page = client.get(elsewhere.url("a/mentee-capacity")).get_data(as_text=True)
    assert "Maria" not in page and SECRET_HOPE not in page
    export = json.loads(client.get(elsewhere.url("export.json")).get_data(as_text=True))
    assert export["assessments"] == [] and export["pairs"] == []
    # Swapping with another course's unmatched mentee is refused too.
    other_mentee = _mentee(client, other_course, "Stranger")
    resp = _post(client, _facilitator(course, "Fran2"), f"facilitator/pairs/{pair_id}/swap",
                 **{"with": f"mentee-{other_mentee.user_id}"})
    assert resp.status_code == 400
    with app.app_context():
        assert db.session.get(PairingPair, pair_id).mentee_user_id == mentee.user_id


# -- export and erase ------------------------------------------------------------------------------------------
def test_export_contains_own_answers_and_published_pair_only(client, course):
    mentee = _mentee(client, course)
    _mentor(client, course)
    fac = _facilitator(course)
    _post(client, fac, "facilitator/propose")
    data = json.loads(client.get(mentee.url("export.json")).get_data(as_text=True))
    assert data["role"] == "mentee" and data["pairs"] == []  # a draft is not shown before publishing
    assert data["assessments"][0]["answers"]["hopes"] == SECRET_HOPE
    _post(client, fac, "facilitator/accept-all")
    _post(client, fac, "facilitator/publish")
    data = json.loads(client.get(mentee.url("export.json")).get_data(as_text=True))
    assert data["pairs"][0]["partner"] == "Maria" and data["pairs"][0]["my_side"] == "mentee"
    assert SHARED_HOPE not in json.dumps(data)  # the partner's answers are theirs, not in my export


def test_erase_needs_confirmation_then_deletes_everything_in_the_course(app, client, course):
    mentee = _mentee(client, course)
    mentor = _mentor(client, course)
    _publish_all(client, _facilitator(course))
    token = csrf(client, mentee)
    assert client.post(mentee.url("erase"), data={"csrf_token": token}).status_code == 400
    assert _count(app, PairingProfile, PairingProfile.user_id == mentee.user_id) == 1
    resp = client.post(mentee.url("erase"), data={"csrf_token": token, "confirm": "yes",
                                                  "assessment_id": "mentee-capacity"})
    assert resp.status_code == 303
    assert _count(app, PairingProfile, PairingProfile.user_id == mentee.user_id) == 0
    assert _count(app, PairingAnswer, PairingAnswer.user_id == mentee.user_id) == 0
    assert _count(app, PairingPair) == 0
    assert "Your mentee:" not in client.get(mentor.url("a/mentor-capacity")).get_data(as_text=True)


def test_privacy_functions_export_and_erase_across_courses(app, client, course, other_course):
    from lti_tool.pairing.privacy import erase_user, export_user

    mentee = _mentee(client, course)
    _mentor(client, course)
    _publish_all(client, _facilitator(course))
    _mentee(client, other_course, "Olena elsewhere")
    other = other_course.person(user_id=mentee.user_id)
    answer(client, other, q_languages=["de"])
    with app.app_context():
        data = export_user(mentee.user_id)
        assert len(data["courses"]) == 2
        stages = sorted(p["stage"] for c in data["courses"] for p in c["pairs"])
        assert stages == ["draft", "published"]
        erase_user(mentee.user_id)
        db.session.commit()
        assert export_user(mentee.user_id) == {"format": "natalli-pairing/1", "courses": []}
    assert _count(app, PairingAnswer, PairingAnswer.user_id == mentee.user_id) == 0
    assert _count(app, PairingProfile) == 2  # the mentor and the other course's other mentee remain


# -- the whole round ------------------------------------------------------------------------------------------
def test_twenty_five_people_fill_in_and_each_sees_their_pair_and_reason(app, client, course):
    langs = [["uk", "en"], ["uk"], ["en", "de"], ["nl", "en"], ["uk", "de"]]
    areas = ["marketing", "finance", "law", "it", "entrepreneurship"]
    mentees = [_mentee(client, course, f"Mentee {i}", q_languages=langs[i % 5],
                       **{"q_domains-wanted": [areas[i % 5]]}) for i in range(16)]
    mentors = [_mentor(client, course, f"Mentor {i}", q_languages=langs[i % 5] + ["en"],
                       **{"q_domains-wanted": [areas[i % 5], areas[(i + 1) % 5]]}) for i in range(9)]
    fac = _facilitator(course)
    _publish_all(client, fac)
    assert _count(app, PairingPair, PairingPair.stage == PUBLISHED) == 16
    for launch in mentees:
        page = client.get(launch.url("a/mentee-capacity")).get_data(as_text=True)
        assert re.search(r"Your mentor: Mentor \d", page)
        assert "Why you were paired" in page and "Both can talk in" in page
    for launch in mentors:
        page = client.get(launch.url("a/mentor-capacity")).get_data(as_text=True)
        assert 1 <= len(re.findall(r"Your mentee: Mentee \d+", page)) <= 2


def test_pages_are_translated(client, course):
    launch = course.person("Olena", locale="uk")
    page = client.get(launch.url("a/mentee-capacity")).get_data(as_text=True)
    assert 'lang="uk"' in page
    assert "Зберегти мої відповіді" in page  # "Save my answers"
    fac = course.person("Fenna", role="instructor", locale="nl")
    assert "Maximaal aantal mentees per mentor" in client.get(fac.url("facilitator")).get_data(as_text=True)


# -- through a real signed LTI launch ---------------------------------------------------------------------------
def test_real_launch_answer_and_completion(app, platform, live_tool):
    session = requests.Session()
    ags = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
           "lineitem": "https://platform.example.edu/lineitems/7"}
    resp = platform.launch(session, live_tool, **{
        LTI + "custom": {"activity": "mentee-capacity"},
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
    })
    lt = launch_token(resp)
    page = session.get(f"{live_tool}/s/{lt}/pairing/a/mentee-capacity")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)
    saved = session.post(f"{live_tool}/s/{lt}/pairing/a/mentee-capacity", allow_redirects=False,
                         data={"csrf_token": token, "role": "mentee", "q-languages": ["uk"]})
    assert saved.status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(ScoreOutbox)).all()
        assert [(r.activity_id, r.activity_progress, r.score_given) for r in rows] == [
            ("mentee-capacity", "Completed", 100.0)]


def test_facilitator_adds_a_pair_and_swaps_in_an_unmatched_mentee(app, client, course):
    a = _mentee(client, course, "Anna", q_languages=["uk"])
    b = _mentee(client, course, "Bohdana", q_languages=["uk"])
    c = _mentee(client, course, "Chrystia", q_languages=["de"])  # shares no language with the mentor
    m = _mentor(client, course, "Maria", q_languages=["uk"])
    fac = _facilitator(course)
    _post(client, fac, "facilitator/settings", max_mentees="1")
    _post(client, fac, "facilitator/propose")
    (paired_mentee, _), = _draft(app, course)
    waiting = b if paired_mentee == a.user_id else a
    pair_id = _draft_ids(app, course)[0]
    # Swap in the other Ukrainian speaker: the pair now holds them, accepted, with fresh reasons.
    resp = _post(client, fac, f"facilitator/pairs/{pair_id}/swap", **{"with": f"mentee-{waiting.user_id}"})
    assert resp.status_code == 303
    assert _draft(app, course) == {(waiting.user_id, m.user_id): "accepted"}
    # The facilitator may deliberately pair people without a shared language; the reasons say so.
    _post(client, fac, "facilitator/settings", max_mentees="2")
    resp = _post(client, fac, "facilitator/pairs/add", mentee=str(c.user_id), mentor=str(m.user_id))
    assert resp.status_code == 303
    assert _draft(app, course)[(c.user_id, m.user_id)] == "accepted"
    page = client.get(fac.url("facilitator")).get_data(as_text=True)
    assert "They named no language in common; please check how they will talk." in page


def test_the_tool_wide_privacy_command_finds_and_erases_pairing_data(app, client, course):
    from lti_tool import privacy as tool_privacy
    from lti_tool.models import User

    mentee = _mentee(client, course)
    mentor = _mentor(client, course)
    _publish_all(client, _facilitator(course))
    with app.app_context():
        user = db.session.get(User, mentee.user_id)
        exported = json.dumps(tool_privacy.export_user(user), default=str)
        assert SECRET_HOPE in exported  # the answers table is found by its user column
        tool_privacy.erase_user(user)
        db.session.commit()
    assert _count(app, PairingAnswer, PairingAnswer.user_id == mentee.user_id) == 0
    assert _count(app, PairingPair) == 0
    assert _count(app, PairingProfile, PairingProfile.user_id == mentor.user_id) == 1
