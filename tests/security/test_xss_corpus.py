"""Classic XSS payloads come back escaped everywhere they are shown, and Unicode (Ukrainian, emoji,
right-to-left marks) round-trips exactly: learner text (journal entries, group notes, questionnaire answers),
names from the roster (NRPS) and from the id_token, values a platform sends (custom parameters, deep-linking
settings, error descriptions) and the titles the tool returns in a deep-linking response."""

from __future__ import annotations

import html
import json
import re

import pytest
import requests
from markupsafe import escape

from tests.support.platform import INSTRUCTOR, LTI, launch_token

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">click</a>",
    "{{7*7}} {% raw %}",
    "</textarea><script>alert(2)</script>",
]
UNICODE = "Я пишу українською 💛💙 ‏(RTL mark) עברית مرحبا — «лапки»"


def _launch(platform, live_tool, sub, role=None, activity="reflection-journal"):
    http = requests.Session()
    claims = {LTI + "custom": {"activity": activity}, "sub": sub}
    if role:
        claims[LTI + "roles"] = [role]
    resp = platform.launch(http, live_tool, **claims)
    return http, launch_token(resp)


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_shared_journal_entry_is_escaped_for_learner_and_instructor(app, live_tool, platform, payload):
    learner, lt = _launch(platform, live_tool, "writer")
    page = learner.get(f"{live_tool}/s/{lt}/journal/").text
    text = f"{payload} {UNICODE}"
    saved = learner.post(f"{live_tool}/s/{lt}/journal/", data={"text": text, "shared": "1", "csrf_token": _csrf(page)})
    assert saved.status_code in (200, 303)
    own = learner.get(f"{live_tool}/s/{lt}/journal/").text
    assert payload not in own or "<" not in payload, "raw payload echoed into HTML"
    assert str(escape(payload)) in own  # shown, as text
    exported = learner.get(f"{live_tool}/s/{lt}/journal/export.json").text
    texts = [entry.get("text") for entry in json.loads(exported)["entries"]]
    assert text in texts, "text (Unicode included) must round-trip exactly"

    teacher, tlt = _launch(platform, live_tool, "teacher", INSTRUCTOR)
    shared = teacher.get(f"{live_tool}/s/{tlt}/journal/shared").text
    if "<" in payload:
        assert payload not in shared
    assert UNICODE in html.unescape(shared)


# -- helpers for the surfaces below ----------------------------------------------------------------------------
SCENARIO = "the-quiet-video-call"


def assert_escaped(page: str, payload: str) -> None:
    """The payload is on the page as text: escaped, never as live markup."""
    if any(ch in payload for ch in "<>\""):
        assert payload not in page, "raw payload echoed into HTML"
    assert str(escape(payload)) in page


def _roster(lms, names: dict[str, str]) -> None:
    from tests.services.test_groups_and_grades_views import INSTRUCTOR as NRPS_INSTRUCTOR
    from tests.services.test_groups_and_grades_views import LEARNER as NRPS_LEARNER

    lms.members = [{"user_id": sub, "name": name, "roles": [NRPS_LEARNER], "status": "Active"}
                   for sub, name in names.items()]
    lms.members.append({"user_id": "teacher-1", "name": "Tina Teacher", "roles": [NRPS_INSTRUCTOR]})


def _published_groups(client, lms, teacher: str, names: dict[str, str]) -> None:
    _roster(lms, names)
    token = _csrf(client.get(f"/s/{teacher}/groups").text)
    assert client.post(f"/s/{teacher}/groups/generate", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/s/{teacher}/groups/publish", data={"csrf_token": token, "published": "1"}).status_code == 303


# -- names from the roster (NRPS) and the group note ------------------------------------------------------------
@pytest.mark.parametrize("payload", PAYLOADS)
def test_roster_names_and_group_note_are_escaped_everywhere(app, lms, client, payload):
    from tests.services.conftest import make_course

    course = make_course(app, lms, learners=2, activity=SCENARIO)
    teacher, learner = course.launches["teacher-1"], course.launches["learner-1"]
    name = f"{payload} {UNICODE}"
    _published_groups(client, lms, teacher, {"learner-1": name, "learner-2": "Bohdana"})

    forming = client.get(f"/s/{teacher}/groups").text  # the facilitator's group-forming page
    assert_escaped(forming, payload)
    assert UNICODE in html.unescape(forming)
    own_group = client.get(f"/s/{learner}/groups").text  # the learner's "my group" page
    assert_escaped(own_group, payload)
    assert name in html.unescape(own_group)

    scenario = client.get(f"/s/{learner}/scenario/{SCENARIO}/")
    assert scenario.status_code == 200
    assert_escaped(scenario.text, payload)  # group members listed on the breakout page
    note = f"{payload}\n{UNICODE}"
    saved = client.post(f"/s/{learner}/scenario/{SCENARIO}/note",
                        data={"text": note, "version": "0", "csrf_token": _csrf(scenario.text)})
    assert saved.status_code == 303
    again = client.get(f"/s/{learner}/scenario/{SCENARIO}/").text
    assert_escaped(again, payload)
    assert note in html.unescape(again)  # in the textarea, exactly
    assert client.get(f"/s/{learner}/scenario/{SCENARIO}/note.json").get_json()["text"] == note

    facilitator = client.get(f"/s/{teacher}/scenario/{SCENARIO}/facilitator")
    assert facilitator.status_code == 200
    assert_escaped(facilitator.text, payload)
    assert UNICODE in html.unescape(facilitator.text)


def test_a_conflicting_group_note_shows_both_texts_escaped(app, lms, client):
    from tests.services.conftest import make_course

    course = make_course(app, lms, learners=2, activity=SCENARIO)
    teacher, anna, bohdana = (course.launches[k] for k in ("teacher-1", "learner-1", "learner-2"))
    _published_groups(client, lms, teacher, {"learner-1": "Anna", "learner-2": "Bohdana"})
    token = _csrf(client.get(f"/s/{anna}/scenario/{SCENARIO}/").text)
    first, second = f"{PAYLOADS[0]} {UNICODE}", f"{PAYLOADS[1]} {UNICODE}"
    assert client.post(f"/s/{anna}/scenario/{SCENARIO}/note",
                       data={"text": first, "version": "0", "csrf_token": token}).status_code == 303
    token_b = _csrf(client.get(f"/s/{bohdana}/scenario/{SCENARIO}/").text)
    stale = client.post(f"/s/{bohdana}/scenario/{SCENARIO}/note",
                        data={"text": second, "version": "0", "csrf_token": token_b})
    assert stale.status_code == 409
    assert_escaped(stale.text, PAYLOADS[0])
    assert_escaped(stale.text, PAYLOADS[1])
    assert first in html.unescape(stale.text) and second in html.unescape(stale.text)


# -- names from the id_token -------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", PAYLOADS)
def test_names_from_the_id_token_are_escaped(app, live_tool, platform, payload):
    name = f"{payload} {UNICODE}"
    learner = requests.Session()
    link = {"id": "xss-link", "title": payload}
    resp = platform.launch(learner, live_tool, sub="named", name=name, given_name=payload, family_name=UNICODE,
                           **{LTI + "custom": {"activity": "action-plan-30-60-90"}, LTI + "resource_link": link})
    lt = launch_token(resp)
    printable = learner.get(f"{live_tool}/s/{lt}/plan/print").text  # the plan print-out carries the name
    assert_escaped(printable, payload)
    assert name in html.unescape(printable)

    teacher = requests.Session()
    resp = platform.launch(teacher, live_tool, sub="grader", **{
        LTI + "roles": [INSTRUCTOR], LTI + "custom": {"activity": "action-plan-30-60-90"}, LTI + "resource_link": link})
    tlt = launch_token(resp)
    grades = teacher.get(f"{live_tool}/s/{tlt}/grades")
    assert grades.status_code == 200
    assert_escaped(grades.text, payload)
    assert name in html.unescape(grades.text)


def test_names_in_the_pairing_facilitator_page_are_escaped(app, live_tool, platform):
    learner = requests.Session()
    name = f"{PAYLOADS[1]} {UNICODE}"
    resp = platform.launch(learner, live_tool, sub="pair-me", name=name,
                           **{LTI + "custom": {"activity": "mentee-capacity"}})
    lt = launch_token(resp)
    page = learner.get(f"{live_tool}/s/{lt}/pairing/a/mentee-capacity").text
    hope = f"{PAYLOADS[0]} {UNICODE}"
    saved = learner.post(f"{live_tool}/s/{lt}/pairing/a/mentee-capacity",
                         data={"csrf_token": _csrf(page), "role": "mentee", "q-hopes": hope})
    assert saved.status_code in (200, 303)
    own = learner.get(f"{live_tool}/s/{lt}/pairing/a/mentee-capacity").text
    assert_escaped(own, PAYLOADS[0])
    assert hope in html.unescape(own)
    teacher = requests.Session()
    resp = platform.launch(teacher, live_tool, sub="pair-teacher", **{
        LTI + "roles": [INSTRUCTOR], LTI + "custom": {"activity": "mentee-capacity"}})
    tlt = launch_token(resp)
    facilitator = teacher.get(f"{live_tool}/s/{tlt}/pairing/facilitator").text
    assert_escaped(facilitator, PAYLOADS[1])
    assert name in html.unescape(facilitator)


# -- custom parameters and other values a platform sends ----------------------------------------------------------
@pytest.mark.parametrize("payload", PAYLOADS)
def test_custom_activity_parameter_is_never_echoed_raw(live_tool, platform, payload):
    """An `activity` custom parameter that is not an activity id is refused at launch, without echoing it."""
    session = requests.Session()
    activity = f"{payload} {UNICODE}"
    resp = platform.launch(session, live_tool, sub="curious", **{LTI + "custom": {"activity": activity}})
    if resp.status_code == 200:  # accepted after all: then the page the launch answers with shows it as text
        assert_escaped(resp.text, payload)
    assert 400 <= resp.status_code < 500
    if any(ch in payload for ch in "<>\""):
        assert payload not in resp.text


def test_unknown_activity_id_is_shown_as_text(live_tool, platform):
    """A well-formed id the programme does not have is named on the overview page (as text)."""
    session = requests.Session()
    resp = platform.launch(session, live_tool, sub="curious", **{LTI + "custom": {"activity": "script-alert-1"}})
    # The launch is recorded and answers with the programme overview, naming the id it does not know.
    assert resp.status_code == 404 and "(script-alert-1)" in resp.text
    page = session.get(live_tool + resp.headers["Content-Location"])
    assert page.status_code == 404 and "(script-alert-1)" in page.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_platform_error_description_is_escaped(live_tool, payload):
    resp = requests.post(f"{live_tool}/lti/launch", data={"error": "login_required", "error_description": payload})
    assert 400 <= resp.status_code < 500
    assert_escaped(resp.text, payload)


# -- deep linking: titles from the platform, titles and data the tool returns ------------------------------------
def _picker(platform, live_tool, **settings):
    from tests.services.test_deep_linking import dl_claims, open_picker

    return open_picker(platform, live_tool, **dl_claims(**settings))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_deep_link_titles_and_data_are_escaped_and_exact(live_tool, platform, monkeypatch, payload):
    from lti_tool.services import deep_linking
    from tests.services.test_deep_linking import DL, hidden, verify_with_jwks

    title = f"{payload} {UNICODE}"
    evil = deep_linking.Choice("safe-start", "module", title, payload)
    monkeypatch.setattr(deep_linking, "catalog_choices", lambda lang: [evil])
    session, page = _picker(platform, live_tool, title=payload, text=payload, data=title)
    assert page.status_code == 200
    assert_escaped(page.text, payload)  # the activity's title and summary in the picker
    assert title in html.unescape(page.text)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    resp = session.post(live_tool + action, data={"csrf_token": hidden(page.text, "csrf_token"),
                                                  "activity": "safe-start"})
    assert resp.status_code == 200
    assert_escaped(resp.text, payload)  # the "adding to your course" page lists the title
    claims = verify_with_jwks(live_tool, hidden(resp.text, "JWT"), platform.issuer)
    (item,) = claims[DL + "content_items"]
    assert item["title"] == title and item["lineItem"]["label"] == title  # JSON data, exactly
    assert claims[DL + "data"] == title


def test_deep_link_return_url_cannot_carry_script(live_tool, platform):
    from tests.services.test_deep_linking import hidden

    for url in ("javascript:alert(1)//https://x", "JAVASCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>"):
        _, page = _picker(platform, live_tool, deep_link_return_url=url)
        assert page.status_code == 400
        assert "<script>alert" not in page.text
    evil = 'https://platform.example.edu/return?x="><script>alert(1)</script>'
    session, page = _picker(platform, live_tool, deep_link_return_url=evil)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    resp = session.post(live_tool + action, data={"csrf_token": hidden(page.text, "csrf_token"),
                                                  "activity": "safe-start"})
    assert resp.status_code == 200
    assert_escaped(resp.text, evil)
    assert re.search(r'<form method="post" action="([^"]+)" id="dl-return"', resp.text).group(1) == str(
        escape(evil))
