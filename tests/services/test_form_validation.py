"""Group and deep-linking forms refuse values they cannot use with 4xx, a message naming the field, and
nothing written (or sent to the platform)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.services.models import BreakoutGroup, GroupMember, GroupSet
from tests.services.test_deep_linking import dl_claims, hidden, open_picker
from tests.services.test_groups_and_grades_views import form, make_course

JSON = {"Accept": "application/json"}


def placement(app) -> list[tuple[int, int, bool]]:
    with app.app_context():
        return sorted((m.id, m.group_id, m.pinned) for m in db.session.scalars(select(GroupMember)))


@pytest.mark.parametrize(("data", "words"), [
    ({"member": "abc", "group": "new"}, "Person to move"),
    ({"group": "new"}, "Person to move"),
    ({"member": "MEMBER", "group": "elsewhere"}, "Group to move to"),
    ({"member": "MEMBER", "group": "-1"}, "Group to move to"),
])
def test_moving_a_person_needs_a_person_and_a_group(app, lms, client, data, words):
    course = make_course(app, lms, learners=8)
    teacher, token = form(client, lms, course, 8)
    before = placement(app)
    data = {k: str(before[0][0]) if v == "MEMBER" else v for k, v in data.items()}
    resp = client.post(f"/s/{teacher}/groups/move", data={"csrf_token": token, **data}, headers=JSON)
    assert resp.status_code == 400
    assert words in resp.get_json()["message"]
    assert placement(app) == before
    with app.app_context():
        assert len(list(db.session.scalars(select(BreakoutGroup)))) == 2  # no "new" group was made


def test_publish_and_lock_accept_only_on_or_off(app, lms, client):
    course = make_course(app, lms, learners=6)
    teacher, token = form(client, lms, course, 6)
    resp = client.post(f"/s/{teacher}/groups/publish", data={"csrf_token": token, "published": "yes please"},
                       headers=JSON)
    assert resp.status_code == 400 and "Publish: show each learner their group" in resp.get_json()["message"]
    with app.app_context():
        group_id = db.session.scalar(select(BreakoutGroup.id))
        assert db.session.scalar(select(GroupSet.published)) is False
    resp = client.post(f"/s/{teacher}/groups/{group_id}/lock", data={"csrf_token": token, "locked": "2"},
                       headers=JSON)
    assert resp.status_code == 400 and "Lock this group" in resp.get_json()["message"]
    with app.app_context():
        assert db.session.get(BreakoutGroup, group_id).locked is False


@pytest.mark.parametrize("data", [
    {"bundle": "everything"},
    {"activity": ["safe-start", "no-such-activity"]},
])
def test_deep_link_answer_refuses_unknown_choices(platform, live_tool, data):
    session, page = open_picker(platform, live_tool, **dl_claims())
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    resp = session.post(live_tool + action, data={"csrf_token": hidden(page.text, "csrf_token"), **data},
                        headers=JSON)
    assert resp.status_code == 400
    message = resp.json()["message"]
    # In the launch's language (nl), naming what was wrong.
    assert ("Het hele programma toevoegen" in message or "gekozen activiteiten" in message), message
    assert "JWT" not in resp.text and "deep_link_return" not in resp.text


def test_deep_link_search_is_trimmed_not_refused(platform, live_tool):
    session, page = open_picker(platform, live_tool, **dl_claims())
    lt = re.search(r"/s/([^/]+)/deep-link", page.url).group(1)
    found = session.get(f"{live_tool}/s/{lt}/deep-link", params={"q": "veilig\x00 " + "x" * 500})
    assert found.status_code == 200
    shown = re.search(r'name="q"[^>]*value="([^"]*)"', found.text) or re.search(r'value="([^"]*)"[^>]*name="q"',
                                                                                 found.text)
    assert shown and shown.group(1).startswith("veilig x") and len(shown.group(1)) == 200
