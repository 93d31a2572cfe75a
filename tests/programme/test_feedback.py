"""Anonymous feedback: the page says how answers are kept before anyone answers; a response is stored with
no way back to the person (page, export, database schema); one response per person and course; bad input
is refused whole; never graded or required."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import column, inspect, select, table

from lti_tool.extensions import db
from lti_tool.programme.models import FeedbackReceipt, FeedbackResponse
from tests.programme.conftest import csrf_of, send

FORM = "feedback/after-safe-start"


def responses(app) -> list[FeedbackResponse]:
    with app.app_context():
        rows = list(db.session.scalars(select(FeedbackResponse)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_page_explains_anonymity_before_anyone_answers(client, world):
    learner = world.launch("l1")
    page = client.get(learner.url(FORM))
    assert page.status_code == 200
    text = page.text
    assert "How your answers are kept" in text
    assert "without your name" in text and "at least 5 people" in text
    assert text.index("How your answers are kept") < text.index(f'action="{learner.url(FORM)}"')
    assert "not graded" in text
    # Radio groups with legends; every choice labelled; a "no answer" choice per item.
    assert text.count("<fieldset>") == 4 and text.count("<legend") == 4
    assert 'for="item-clear-texts-3"' in text and 'id="item-clear-texts-none"' in text


@pytest.mark.parametrize("lang,words", [("nl", "Helemaal eens"), ("uk", "Повністю погоджуюся"),
                                        ("de", "Stimme voll zu"), ("en", "Strongly agree")])
def test_questionnaire_renders_in_the_persons_language(client, world, lang, words):
    learner = world.launch(f"l-{lang}", locale=lang)
    page = client.get(learner.url(FORM))
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text and words in page.text


def test_a_response_is_stored_without_the_person(app, client, world):
    learner = world.launch("l1")
    sent = send(client, learner, FORM, {"item-clear-texts": "4", "item-own-experience": "5",
                                        "item-manageable-time": "", "text-one-change": "  Shorter sections  "})
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"])
    assert "Your answers have been received" in thanks.text and "<form" not in thanks.text.split("anon-title")[1]
    (row,) = responses(app)
    assert row.answers == {"clear-texts": "4", "own-experience": "5"}
    assert json.loads(row.free_text) == {"one-change": "Shorter sections"}
    assert len(row.month) == 7 and row.context_pk == learner.context_pk
    with app.app_context():
        raw = db.session.execute(select(column("free_text")).select_from(table("feedback_response"))).scalar_one()
        assert "Shorter sections" not in raw  # encrypted at rest
        (receipt,) = db.session.scalars(select(FeedbackReceipt))
        # A keyed hash: without the server's secret it cannot be recomputed from what the database holds.
        plain = hashlib.sha256(f"after-safe-start:{learner.context_pk}:{learner.user_id}".encode()).hexdigest()
        assert len(receipt.key) == 64 and receipt.key != plain


def test_the_schema_cannot_tie_a_response_to_a_person(app):
    """No column of either table refers to a person, a launch, the other table or a moment finer than a month."""
    with app.app_context():
        inspector = inspect(db.engine)
        for table in ("feedback_response", "feedback_receipt"):
            columns = {c["name"] for c in inspector.get_columns(table)}
            assert not columns & {"user_id", "sub", "launch_token", "created_at", "updated_at", "submitted_at"}
            targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            assert targets <= {"lti_context"}, targets
        assert {c["name"] for c in inspector.get_columns("feedback_receipt")} == {"key"}
        pk = inspector.get_pk_constraint("feedback_response")["constrained_columns"]
        assert pk == ["id"]
        # The response id is random, not a sequence that would follow the receipts' order.
        assert FeedbackResponse.__table__.c.id.type.python_type is str


def test_ids_are_random_not_in_arrival_order(app, client, world):
    for n in range(6):
        learner = world.launch(f"p{n}")
        assert send(client, learner, FORM, {"item-clear-texts": "3"}).status_code == 303
    ids = [r.id for r in responses(app)]
    assert len(set(ids)) == 6 and all(len(i) == 32 for i in ids)


def test_a_second_response_is_refused_and_nothing_is_written(app, client, world):
    learner = world.launch("l1")
    assert send(client, learner, FORM, {"item-clear-texts": "4"}).status_code == 303
    page = client.get(learner.url(FORM))
    assert "You have answered this questionnaire" in page.text and 'name="item-clear-texts"' not in page.text
    again = client.post(learner.url(FORM), data={"item-clear-texts": "1", "csrf_token": csrf_of(page.text)})
    assert again.status_code == 409 and "already answered" in again.text
    assert [r.answers for r in responses(app)] == [{"clear-texts": "4"}]
    # The same person in another course may answer there.
    elsewhere = world.launch("l1", course="course-2")
    assert send(client, elsewhere, FORM, {"item-clear-texts": "2"}).status_code == 303
    assert len(responses(app)) == 2


@pytest.mark.parametrize("data,status,words", [
    ({"item-clear-texts": "7"}, 400, "The texts in this module were clear to me."),
    ({"item-clear-texts": "4", "text-one-change": "x" * 2001}, 413, "limit here is 2000"),
    ({"item-clear-texts": ""}, 400, "no question was answered"),
    ({}, 400, "no question was answered"),
])
def test_bad_input_is_refused_and_nothing_is_written(app, client, world, data, status, words):
    learner = world.launch("l1")
    refused = send(client, learner, FORM, data)
    assert refused.status_code == status and words in refused.text
    assert responses(app) == []
    with app.app_context():
        assert db.session.scalars(select(FeedbackReceipt)).first() is None
    if status == 413:  # the page comes back with what the person chose and wrote
        assert 'value="4" checked' in refused.text and "x" * 2001 in refused.text


def test_without_csrf_token_nothing_is_written(app, client, world):
    learner = world.launch("l1")
    refused = client.post(learner.url(FORM), data={"item-clear-texts": "4"})
    assert refused.status_code in (400, 403) and responses(app) == []


def test_unknown_questionnaire_is_404(client, world):
    assert client.get(world.launch("l1").url("feedback/no-such-form")).status_code == 404


def test_answering_queues_no_grade_and_completes_nothing(app, client, world):
    from lti_tool.activities.models import ActivityState
    from lti_tool.grades.models import ScoreOutbox

    learner = world.launch("l1", activity="safe-start", link="rl-1")
    assert send(client, learner, FORM, {"item-clear-texts": "5"}).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(ScoreOutbox)).first() is None
        assert db.session.scalars(select(ActivityState)).first() is None


def test_overview_lists_questionnaires_by_audience_and_marks_answered(client, world):
    learner = world.launch("l1")
    page = client.get(learner.url("programme"))
    assert "Anonymous feedback" in page.text and "Feedback on the whole programme" in page.text
    assert "Train-the-Trainer session" not in page.text
    send(client, learner, FORM, {"item-clear-texts": "5"})
    assert "Answered" in client.get(learner.url("programme")).text
    facilitator = world.launch("t1", role="instructor")
    page = client.get(facilitator.url("programme"))
    assert "Feedback on the Train-the-Trainer session" in page.text and "Programme report" in page.text


def test_erasing_a_person_leaves_the_anonymous_response(app, client, world):
    from lti_tool.models import User
    from lti_tool.privacy import erase_user

    learner = world.launch("l1")
    send(client, learner, FORM, {"item-clear-texts": "5"})
    with app.app_context():
        erase_user(db.session.get(User, learner.user_id))
        db.session.commit()
    assert len(responses(app)) == 1


def test_trainers_in_a_train_the_trainer_course_get_the_trainers_questionnaire(client, world):
    trainer = world.launch("trainer-1", course="ttt-course", activity="preparing-a-programme")
    page = client.get(trainer.url("programme"))
    assert "Feedback on the Train-the-Trainer session" in page.text
    assert "Feedback on the Train-the-Trainer session" not in client.get(world.launch("l9").url("programme")).text


def test_a_finished_module_offers_its_own_questionnaire(app, client, world):
    from lti_tool.activities.models import ActivityState

    learner = world.launch("l1", activity="safe-start")
    with app.app_context():
        db.session.add(ActivityState(user_id=learner.user_id, context_pk=learner.context_pk, activity_id="safe-start",
                                     kind="module", completed=True, state={"visited": [], "done": True}))
        db.session.commit()
    page = client.get(learner.url("module/safe-start/done"))
    assert page.status_code == 200 and "Tell us how it went" in page.text
    assert f'href="{learner.url(FORM)}"' in page.text
    assert "end-of-programme" not in page.text  # only this module's questionnaire here
