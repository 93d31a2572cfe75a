"""Every activity form refuses a value it cannot use — a non-number version, minutes out of range, an option
the page does not offer, text beyond its limit, a body beyond the request limit — with 4xx, a message that
names the field in the page's words, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from lti_tool.activities.models import (
    BreakoutTimer,
    GroupNote,
    JournalEntry,
    PlanHorizon,
    PlanStep,
    Reflection,
    SessionPlan,
)
from lti_tool.extensions import db
from tests.activities.conftest import csrf_of

SCENARIO = "the-quiet-video-call"
JSON = {"Accept": "application/json"}
UNICODE = "Я пишу українською 💛💙 \u200f(RTL mark) עברית مرحبا — «лапки»\nі новий рядок"


def goals(app) -> list[str]:
    """Stored goals, decrypted (text is encrypted at rest, so compare in Python)."""
    with app.app_context():
        return [h.goal for h in db.session.scalars(select(PlanHorizon))]


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def refused(resp, status: int, *words: str) -> str:
    """The JSON refusal: its status, and a message containing every one of `words`."""
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    message = resp.get_json()["message"]
    for word in words:
        assert word in message, message
    return message


def post(client, launch, path: str, page: str, data: dict[str, Any], **kw: Any):
    token = csrf_of(client.get(launch.url(page)).text)
    return client.post(launch.url(path), data={"csrf_token": token, **data}, **kw)


# -- journal ---------------------------------------------------------------------------------------------------
def test_journal_entry_too_long_is_413_and_nothing_is_saved(app, client, make_launch):
    learner = make_launch(activity="reflection-journal")
    resp = post(client, learner, "journal/", "journal/", {"text": "я" * 20_001, "shared": "1"}, headers=JSON)
    refused(resp, 413, "20001", "20000", "nothing has been saved")
    assert count(app, JournalEntry) == 0
    # The same refusal as a page (no script): the error page with the same words.
    page = post(client, learner, "journal/", "journal/", {"text": "x" * 20_001})
    assert page.status_code == 413 and "nothing has been saved" in page.text
    assert count(app, JournalEntry) == 0


def test_journal_share_with_an_unknown_value_is_refused(app, client, make_launch):
    learner = make_launch(activity="reflection-journal")
    assert post(client, learner, "journal/", "journal/", {"text": "mine"}).status_code == 303
    with app.app_context():
        entry_id = db.session.scalar(select(JournalEntry.id))
    resp = post(client, learner, f"journal/{entry_id}/share", "journal/", {"shared": "everyone"}, headers=JSON)
    refused(resp, 400, "Share this entry with my course facilitators", "Nothing has been saved")
    assert count(app, JournalEntry, JournalEntry.shared.is_(True)) == 0


def test_request_body_beyond_the_limit_is_413_with_a_clear_message(app, client, make_launch):
    learner = make_launch(activity="reflection-journal")
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    resp = post(client, learner, "journal/", "journal/", {"text": too_big}, headers=JSON)
    refused(resp, 413, "too large", "shorten")
    assert count(app, JournalEntry) == 0


# -- breakouts -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["abc", "-1", "1.5", "", "99999999999"])
def test_group_note_with_a_bad_version_is_refused(app, client, make_launch, form_groups, version):
    anna = make_launch(activity=SCENARIO, sub="anna", name="Anna")
    make_launch(activity=SCENARIO, sub="bohdana", name="Bohdana")
    form_groups(anna.context_pk, [("anna", "Anna"), ("bohdana", "Bohdana")])
    page = f"scenario/{SCENARIO}/"
    resp = post(client, anna, f"scenario/{SCENARIO}/note", page, {"text": "our note", "version": version},
                headers=JSON)
    refused(resp, 400, "Note version")
    with app.app_context():
        assert [(n.text, n.version) for n in db.session.scalars(select(GroupNote))] == [("", 0)]


def test_group_note_missing_version_says_so_in_the_learners_language(app, client, make_launch, form_groups):
    olena = make_launch(activity=SCENARIO, sub="olena", name="Олена", locale="uk")
    form_groups(olena.context_pk, [("olena", "Олена")])
    resp = post(client, olena, f"scenario/{SCENARIO}/note", f"scenario/{SCENARIO}/", {"text": "нотатка"},
                headers=JSON)
    refused(resp, 400, "Версія нотатки", "нічого не збережено")
    with app.app_context():
        assert [n.text for n in db.session.scalars(select(GroupNote))] == [""]


@pytest.mark.parametrize(("data", "words"), [
    ({"action": "start", "minutes": "181"}, ("from 1 to 180",)),
    ({"action": "start", "minutes": "0"}, ("from 1 to 180",)),
    ({"action": "start", "minutes": ""}, ("from 1 to 180",)),
    ({"action": "pause", "minutes": "20"}, ("Button",)),
])
def test_timer_refuses_bad_minutes_and_unknown_buttons(app, client, make_launch, data, words):
    teacher = make_launch(activity=SCENARIO, role="instructor", sub="teacher")
    resp = post(client, teacher, f"scenario/{SCENARIO}/timer", f"scenario/{SCENARIO}/facilitator", data,
                headers=JSON)
    refused(resp, 400, *words)
    assert count(app, BreakoutTimer) == 0


def test_reflection_json_body_is_validated_and_unicode_round_trips(app, client, make_launch):
    learner = make_launch(activity=SCENARIO)
    token = csrf_of(client.get(learner.url(f"scenario/{SCENARIO}/")).text)
    url = learner.url(f"scenario/{SCENARIO}/reflection")
    headers = {"X-CSRF-Token": token, **JSON}
    refused(client.post(url, json={"text": ["not", "text"]}, headers=headers), 400, "Your answer")
    refused(client.post(url, json=["text"], headers=headers), 400, "not a form")
    assert count(app, Reflection) == 0
    saved = client.post(url, json={"text": UNICODE + "\r\nend\x00"}, headers=headers)
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    with app.app_context():
        assert db.session.scalar(select(Reflection.text)) == UNICODE + "\nend"


# -- action plan -----------------------------------------------------------------------------------------------
def test_action_plan_bad_review_date_saves_nothing(app, client, make_launch):
    learner = make_launch(activity="action-plan-30-60-90")
    resp = post(client, learner, "plan/", "plan/", {"goal-30": "Apply for 3 roles", "new-step-30": "CV",
                                                    "review-30": "soon"}, headers=JSON)
    refused(resp, 400, "review date", "2026-03-31")
    assert not any(goals(app)) and count(app, PlanStep) == 0


def test_action_plan_over_long_step_is_413(app, client, make_launch):
    learner = make_launch(activity="action-plan-30-60-90")
    resp = post(client, learner, "plan/", "plan/", {"goal-30": "Apply", "new-step-60": "s" * 2_001},
                headers=JSON)
    refused(resp, 413, "2001", "2000")
    assert not any(goals(app)) and count(app, PlanStep) == 0


# -- Train-the-Trainer -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value", "words"), [
    ("minutes-context", "241", ("Minutes must be whole numbers from 0 to 240",)),
    ("minutes-context", "ten", ("Minutes must be whole numbers from 0 to 240",)),
    ("format", "hybrid", ("online or in person",)),
    ("participants", "many", ("number of participants",)),
    ("participants", "501", ("number of participants",)),
    ("breakout_size", "1", ("breakout group size",)),
    ("session_date", "next Tuesday", ("session date",)),
    ("action", "delete", ("Button",)),
    ("title", "t" * 301, ("301", "300")),
])
def test_planner_refuses_each_bad_field_and_saves_nothing(app, client, make_launch, field, value, words):
    trainer = make_launch(activity="workshop-agenda", role="instructor")
    data = {"format": "online", "prev_format": "online", "participants": "20", "title": "Our workshop"}
    resp = post(client, trainer, "planner/", "planner/", {**data, field: value}, headers=JSON)
    refused(resp, 413 if field == "title" else 400, *words)
    assert count(app, SessionPlan) == 0


def test_planner_minutes_message_names_the_step(app, client, make_launch):
    from course_content import load

    step = load().workshop_agenda("en").steps[1]
    trainer = make_launch(activity="workshop-agenda", role="instructor")
    resp = post(client, trainer, "planner/", "planner/", {"format": "online", f"minutes-{step.id}": "-5"},
                headers=JSON)
    refused(resp, 400, step.title)


def test_ttt_unit_refuses_an_unknown_checkbox_value(app, client, make_launch, outbox):
    from course_content import load

    unit = load().ttt_unit("preparing-a-programme", "en")
    trainer = make_launch(activity=unit.id, role="instructor")
    resp = post(client, trainer, f"ttt/{unit.id}/", f"ttt/{unit.id}/",
                {f"done-{unit.steps[0].id}": "1", f"done-{unit.steps[1].id}": "done!"}, headers=JSON)
    refused(resp, 400, unit.steps[1].title)
    assert outbox(trainer.user_id) == []


def test_query_arguments_never_break_a_page(client, make_launch):
    trainer = make_launch(activity="workshop-agenda", role="instructor")
    assert client.get(trainer.url("planner/run?step=abc")).status_code == 200
    assert client.get(trainer.url("planner/?format=<script>")).status_code == 200
    learner = make_launch(activity="reflection-journal", sub="reader")
    page = client.get(learner.url("journal/?prompt=%00<b>x</b>&module=zzz"))
    assert page.status_code == 200 and "<b>x</b>" not in page.text


# -- module player (needs the modules.py wiring to lti_tool.web.forms) ---------------------------------------------
def test_module_reflection_refuses_an_unknown_button_and_over_long_answers(app, client, make_launch):
    launch = make_launch()
    resp = post(client, launch, "module/safe-start/reflect", "module/safe-start/reflect",
                {"action": "publish", "prompt-a-small-next-step": "a step"}, headers=JSON)
    refused(resp, 400, "Button")
    resp = post(client, launch, "module/safe-start/reflect", "module/safe-start/reflect",
                {"action": "save", "prompt-a-small-next-step": "x" * 20_001}, headers=JSON)
    refused(resp, 413, "20001")
    assert count(app, Reflection) == 0
    resp = post(client, launch, "module/safe-start/reflect/a-small-next-step", "module/safe-start/reflect",
                {"text": "y" * 20_001}, headers=JSON)
    refused(resp, 413, "nothing has been saved")
    assert count(app, Reflection) == 0
