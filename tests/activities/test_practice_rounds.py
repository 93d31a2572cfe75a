"""Practice rounds in the tool: a trainer opens a round, peers give structured feedback, the trainer closes
it with her self-reflection, and only then does the unit's step count as done. Access, refusals and erasure
are tested here too."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.activities.conftest import csrf_of

UNIT = "practice-rounds"


@pytest.fixture
def unit():
    from course_content import load

    return load().ttt_unit(UNIT, "en")


def _open_round(client, trainer, step: str) -> str:
    page = client.get(trainer.url(f"ttt/{UNIT}/rounds/"))
    assert page.status_code == 200
    resp = client.post(trainer.url(f"ttt/{UNIT}/rounds/"), data={"csrf_token": csrf_of(page.text), "step": step})
    assert resp.status_code == 303
    return resp.headers["Location"]


def _answers(unit, **override: str) -> dict[str, str]:
    texts = {"safe-moment": "You waited after the question; two people spoke who had been quiet.",
             "in-the-way": "The second instruction was only spoken, not written in the chat.",
             "suggestion": "Put the question in the chat before you ask it."}
    texts.update(override)
    return {f"q-{q.id}": texts[q.id] for q in unit.feedback_questions}


def _count(app, model) -> int:
    from lti_tool.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_round_from_opening_to_feedback_to_reflection(app, client, make_launch, outbox, unit):
    from lti_tool.activities.models import PracticeFeedback

    trainer = make_launch(activity=UNIT, sub="trainer-1", name="Olena Trainer")
    peer = make_launch(activity=UNIT, sub="peer-1", name="Marieke Peer")
    step = unit.round_steps()[0]
    round_url = _open_round(client, trainer, step.id)
    assert _open_round(client, trainer, step.id) == round_url  # opening again: the same round
    path = round_url.split("/s/", 1)[1].split("/", 1)[1]

    page = client.get(trainer.url(f"ttt/{UNIT}/"))
    assert "Round open: 0 pieces of feedback so far." in page.text

    listing = client.get(peer.url(f"ttt/{UNIT}/rounds/"))
    assert f"Olena Trainer: {step.title}" in listing.text
    form = client.get(peer.url(path))
    assert form.status_code == 200 and "Olena Trainer sees your name with your feedback" in form.text
    for q in unit.feedback_questions:
        assert q.label in form.text and q.hint in form.text
    token = csrf_of(form.text)

    # A blank answer: the form again, with every word the peer typed, and nothing saved.
    blank = client.post(peer.url(path + "/feedback"), data={"csrf_token": token, **_answers(unit, suggestion="  ")})
    assert blank.status_code == 400
    assert f"Please answer “{unit.feedback_questions[2].label}” too" in blank.text
    assert "Put the question" not in blank.text and "two people spoke who had been quiet" in blank.text
    assert 'aria-invalid="true"' in blank.text
    assert _count(app, PracticeFeedback) == 0

    sent = client.post(peer.url(path + "/feedback"), data={"csrf_token": token, **_answers(unit)})
    assert sent.status_code == 303
    again = client.post(peer.url(path + "/feedback"),
                        data={"csrf_token": token, **_answers(unit, suggestion="Write the question down first.")})
    assert again.status_code == 303 and _count(app, PracticeFeedback) == 1  # revised, not doubled
    assert "Write the question down first." in client.get(peer.url(path)).text

    mine = client.get(trainer.url(path))
    assert "Feedback from your peers (1)" in mine.text and "Marieke Peer" in mine.text
    assert "Write the question down first." in mine.text and step.self_reflection in mine.text
    fragment = client.get(trainer.url(path + "/feedback"))
    assert fragment.status_code == 200 and "Write the question down first." in fragment.text
    assert client.get(peer.url(path + "/feedback")).status_code == 403  # the list is the trainer's

    token = csrf_of(mine.text)
    empty = client.post(trainer.url(path + "/reflection"), data={"csrf_token": token, "text": " \n "})
    assert empty.status_code == 400 and "Please write your self-reflection" in empty.text
    assert outbox(trainer.user_id) == [] or outbox(trainer.user_id)[-1][1] != "Completed"
    closed = client.post(trainer.url(path + "/reflection"),
                         data={"csrf_token": token, "text": "I filled the silence after a minute."})
    assert closed.status_code == 303
    page = client.get(trainer.url(f"ttt/{UNIT}/"))
    assert "Done: round run and reflected on." in page.text
    assert f"1 of {len(unit.steps)} steps done" in page.text
    assert outbox(trainer.user_id)[-1][:3] == (UNIT, "InProgress", "Pending")

    peer_token = csrf_of(client.get(peer.url(path)).text)
    late = client.post(peer.url(path + "/feedback"), data={"csrf_token": peer_token, **_answers(unit)})
    assert late.status_code == 409 and "This round is closed" in late.text
    assert "Write the question down first." in client.get(trainer.url(path)).text  # unchanged
    # The reflection is the trainer's alone.
    assert "I filled the silence" not in client.get(peer.url(path)).text


def test_the_unit_completes_when_every_round_is_reflected_on_and_a_tick_cannot_replace_a_round(
        app, client, make_launch, outbox, unit):
    trainer = make_launch(activity=UNIT, sub="trainer-2")
    page = client.get(trainer.url(f"ttt/{UNIT}/"))
    token = csrf_of(page.text)
    # Ticking every box, round steps included, only counts the steps that are not rounds.
    client.post(trainer.url(f"ttt/{UNIT}/"), data={"csrf_token": token, **{f"done-{s.id}": "1" for s in unit.steps}})
    others = len(unit.steps) - len(unit.rounds)
    assert f"{others} of {len(unit.steps)} steps done" in client.get(trainer.url(f"ttt/{UNIT}/")).text
    for step in unit.round_steps():
        path = _open_round(client, trainer, step.id).split("/s/", 1)[1].split("/", 1)[1]
        client.post(trainer.url(path + "/reflection"), data={"csrf_token": token, "text": f"About {step.id}."})
    assert f"{len(unit.steps)} of {len(unit.steps)} steps done" in client.get(trainer.url(f"ttt/{UNIT}/")).text
    assert outbox(trainer.user_id)[-1] == (UNIT, "Completed", "FullyGraded", 100.0)
    # Saving the ticks again (say, unticking a round's box that is not even there) keeps the rounds done.
    client.post(trainer.url(f"ttt/{UNIT}/"), data={"csrf_token": token, **{f"done-{s.id}": "1" for s in unit.steps
                                                                           if s.id not in unit.rounds}})
    assert outbox(trainer.user_id)[-1] == (UNIT, "Completed", "FullyGraded", 100.0)


def test_refusals_and_access(app, client, make_launch, unit):
    trainer = make_launch(activity=UNIT, sub="trainer-3")
    peer = make_launch(activity=UNIT, sub="peer-3")
    stranger = make_launch(activity=UNIT, sub="stranger-3", course="course-2")
    path = _open_round(client, trainer, unit.round_steps()[1].id).split("/s/", 1)[1].split("/", 1)[1]
    token = csrf_of(client.get(trainer.url(path)).text)
    own = client.post(trainer.url(path + "/feedback"), data={"csrf_token": token, **_answers(unit)})
    assert own.status_code == 403 and "This is your own round" in own.text
    peer_token = csrf_of(client.get(peer.url(path)).text)
    not_hers = client.post(peer.url(path + "/reflection"), data={"csrf_token": peer_token, "text": "Mine now"})
    assert not_hers.status_code == 403 and "Only the trainer who ran this round" in not_hers.text
    assert client.get(stranger.url(path)).status_code == 404  # another course's round
    assert client.get(peer.url(f"ttt/{UNIT}/rounds/999999")).status_code == 404
    assert client.get(peer.url("ttt/preparing-a-programme/rounds/")).status_code == 404  # a unit without rounds
    no_csrf = client.post(peer.url(path + "/feedback"), data=_answers(unit))
    assert no_csrf.status_code == 400
    bad_step = client.post(trainer.url(f"ttt/{UNIT}/rounds/"), data={"csrf_token": token, "step": "first-aid"})
    assert bad_step.status_code == 400 and "Please choose one of the practice rounds." in bad_step.text
    too_long = client.post(peer.url(path + "/feedback"),
                           data={"csrf_token": peer_token, **_answers(unit, suggestion="x" * 4001)})
    assert too_long.status_code == 413


def test_instructors_see_counts_never_the_words(app, client, make_launch, unit):
    trainer = make_launch(activity=UNIT, sub="trainer-4", name="Iryna Trainer")
    peer = make_launch(activity=UNIT, sub="peer-4")
    lead = make_launch(activity=UNIT, sub="lead-4", role="instructor")
    path = _open_round(client, trainer, unit.round_steps()[0].id).split("/s/", 1)[1].split("/", 1)[1]
    client.post(peer.url(path + "/feedback"),
                data={"csrf_token": csrf_of(client.get(peer.url(path)).text), **_answers(unit)})
    overview = client.get(lead.url(f"ttt/{UNIT}/rounds/"))
    assert "Rounds in this course" in overview.text and "Iryna Trainer" in overview.text
    assert "open, 1 feedback" in overview.text
    assert "two people spoke who had been quiet" not in overview.text
    assert client.get(lead.url(path + "/feedback")).status_code == 403
    assert "two people spoke who had been quiet" not in client.get(lead.url(path)).text
    assert "Rounds in this course" not in client.get(peer.url(f"ttt/{UNIT}/rounds/")).text
    empty_course = make_launch(activity=UNIT, sub="lead-5", role="instructor", course="course-empty")
    assert "No trainer has opened a round in this course yet." in client.get(
        empty_course.url(f"ttt/{UNIT}/rounds/")).text


def test_erasing_a_trainer_takes_her_rounds_and_their_feedback_erasing_a_peer_only_hers(
        app, client, make_launch, unit):
    from lti_tool.activities.models import PracticeFeedback, PracticeRound
    from lti_tool.extensions import db
    from lti_tool.models import User
    from lti_tool.privacy import erase_user

    trainer = make_launch(activity=UNIT, sub="trainer-6")
    peers = [make_launch(activity=UNIT, sub=f"peer-6-{n}") for n in (1, 2)]
    path = _open_round(client, trainer, unit.round_steps()[0].id).split("/s/", 1)[1].split("/", 1)[1]
    other = _open_round(client, peers[1], unit.round_steps()[0].id).split("/s/", 1)[1].split("/", 1)[1]
    for peer in peers:
        client.post(peer.url(path + "/feedback"),
                    data={"csrf_token": csrf_of(client.get(peer.url(path)).text), **_answers(unit)})
    client.post(peers[0].url(other + "/feedback"),
                data={"csrf_token": csrf_of(client.get(peers[0].url(other)).text), **_answers(unit)})
    assert (_count(app, PracticeRound), _count(app, PracticeFeedback)) == (2, 3)
    with app.app_context():
        erase_user(db.session.get(User, peers[0].user_id))
        db.session.commit()
    assert (_count(app, PracticeRound), _count(app, PracticeFeedback)) == (2, 1)
    with app.app_context():
        erase_user(db.session.get(User, trainer.user_id))
        db.session.commit()
    assert (_count(app, PracticeRound), _count(app, PracticeFeedback)) == (1, 0)


def test_pages_speak_the_launch_language(app, client, make_launch):
    from course_content import load

    unit = load().ttt_unit(UNIT, "uk")
    trainer = make_launch(activity=UNIT, sub="trainer-uk", locale="uk")
    page = client.get(trainer.url(f"ttt/{UNIT}/rounds/"))
    assert "Тренувальні раунди" in page.text and "Ваші раунди" in page.text
    path = _open_round(client, trainer, unit.round_steps()[0].id).split("/s/", 1)[1].split("/", 1)[1]
    peer = make_launch(activity=UNIT, sub="peer-uk", locale="uk")
    form = client.get(peer.url(path))
    assert unit.feedback_questions[0].label in form.text and "Надіслати мій відгук" in form.text
    assert unit.round_steps()[0].self_reflection in client.get(trainer.url(path)).text
