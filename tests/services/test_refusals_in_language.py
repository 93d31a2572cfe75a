"""Refusals of the group, deep-linking and grades pages speak the launch's language (nl/uk/de), and the
services catalogs are complete with the same placeholders as the English text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.models import LaunchSession
from lti_tool.services.models import BreakoutGroup, GroupMember, GroupSet
from tests.services.conftest import enqueue, make_course
from tests.services.test_deep_linking import LTI, dl_claims, hidden, open_picker
from tests.services.test_groups_and_grades_views import csrf, form

CATALOGS = Path(__file__).resolve().parents[2] / "lti_tool" / "services" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
JSON = {"Accept": "application/json"}


def speak(app, token: str, locale: str) -> None:
    """The launch `token` came from a platform in `locale`."""
    with app.app_context():
        db.session.get(LaunchSession, token).locale = locale
        db.session.commit()


@pytest.mark.parametrize("lang", ["nl", "uk", "de"])
def test_services_catalog_is_complete_and_keeps_placeholders(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    assert (CATALOGS / lang / "LC_MESSAGES" / "messages.mo").exists()
    messages = [m for m in catalog if m.id]
    assert len(messages) >= 95
    for m in messages:
        english = m.id if isinstance(m.id, tuple) else (m.id,)
        translated = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(translated) and not m.fuzzy, f"{lang}: untranslated {m.id!r}"
        wanted = set(PLACEHOLDER.findall(english[-1])) - {"num"}
        for text in translated:
            assert set(PLACEHOLDER.findall(text)) - {"num"} == wanted, m.id


def test_publishing_before_forming_is_refused_in_ukrainian(app, lms, client):
    course = make_course(app, lms, learners=4)
    teacher = course.launches["teacher-1"]
    speak(app, teacher, "uk-UA")
    page = client.get(f"/s/{teacher}/groups")
    assert '<html lang="uk">' in page.text
    resp = client.post(f"/s/{teacher}/groups/publish", data={"csrf_token": csrf(page.text), "published": "1"})
    assert resp.status_code == 409
    text = resp.get_data(as_text=True)
    assert '<html lang="uk">' in text and "Спершу сформуйте групи." in text
    assert "Form the groups first" not in text
    with app.app_context():
        assert db.session.scalar(select(GroupSet)) is None


def test_moving_into_a_locked_group_is_refused_in_german(app, lms, client):
    course = make_course(app, lms, learners=10)
    teacher, token = form(client, lms, course, 10)
    speak(app, teacher, "de")
    with app.app_context():
        first, second = list(db.session.scalars(select(BreakoutGroup).order_by(BreakoutGroup.number)))[:2]
        first_id, mover = first.id, second.members[0].id
    assert client.post(f"/s/{teacher}/groups/{first_id}/lock", data={"csrf_token": token, "locked": "1"}).status_code == 303
    resp = client.post(f"/s/{teacher}/groups/move", data={"csrf_token": token, "member": mover, "group": first_id},
                       headers=JSON)
    assert resp.status_code == 409
    assert resp.get_json()["message"] == ("Diese Gruppe ist gesperrt. Entsperren Sie sie zuerst, um Personen in sie "
                                          "zu verschieben.")
    with app.app_context():
        assert db.session.get(GroupMember, mover).group_id != first_id


def test_unreachable_roster_is_explained_in_dutch_with_the_platforms_words(app, lms, client):
    from lti_tool.models import Context

    course = make_course(app, lms, learners=4)
    teacher = course.launches["teacher-1"]
    speak(app, teacher, "nl")
    token = csrf(client.get(f"/s/{teacher}/groups").text)
    with app.app_context():
        db.session.get(Context, course.context_pk).memberships_url = lms.base + "/nowhere"
        db.session.commit()
    resp = client.post(f"/s/{teacher}/groups/generate", data={"csrf_token": token}, headers=JSON)
    assert resp.status_code == 502
    message = resp.get_json()["message"]
    assert message.startswith("De deelnemerslijst van de cursus kon niet van het platform worden geladen (")
    assert message.endswith("). Probeer het later opnieuw.") and "%(" not in message


def test_resending_another_links_score_is_refused_in_dutch(app, lms, client):
    from lti_tool.lti import csrf as csrf_mod

    course = make_course(app, lms, learners=1)
    other = make_course(app, lms, learners=1, context_id="course-2", link_id="link-2")
    row_id = enqueue(app, other.launches["learner-1"])
    teacher = course.launches["teacher-1"]
    speak(app, teacher, "nl")
    with app.test_request_context():
        token = csrf_mod.token_for(teacher)
    resp = client.post(f"/s/{teacher}/grades/{row_id}/resend", data={"csrf_token": token}, headers=JSON)
    assert resp.status_code == 404
    assert resp.get_json()["message"] == "Deze score hoort niet bij deze activiteit."


def _action(page: str) -> str:
    return html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))


def test_deep_link_with_nothing_chosen_is_refused_in_dutch(platform, live_tool):
    session, page = open_picker(platform, live_tool, **dl_claims())  # the platform speaks Dutch
    resp = session.post(live_tool + _action(page.text), data={"csrf_token": hidden(page.text, "csrf_token")})
    assert resp.status_code == 400
    assert '<html lang="nl">' in resp.text and "Kies ten minste één activiteit." in resp.text
    assert "Please choose at least one activity" not in resp.text


def test_deep_link_one_only_is_refused_in_ukrainian(platform, live_tool):
    claims = dl_claims(multiple=False)
    claims[LTI + "launch_presentation"] = {"locale": "uk-UA"}
    session, page = open_picker(platform, live_tool, **claims)
    resp = session.post(live_tool + _action(page.text), data={"csrf_token": hidden(page.text, "csrf_token"),
                                                              "activity": ["safe-start", "workshop-agenda"]})
    assert resp.status_code == 400
    assert "Це місце в курсі приймає лише одну активність за раз" in resp.text
