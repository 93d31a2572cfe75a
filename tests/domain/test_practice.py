"""The practice-round rules (lti_tool.domain.practice): who may give feedback, who closes a round, when a
unit's step counts as done."""

from __future__ import annotations

from lti_tool.domain.practice import (
    Refusal,
    RoundFacts,
    blank_answers,
    done_steps,
    feedback_refusal,
    reflection_refusal,
)

OPEN = RoundFacts(presenter_id=1, closed=False)
CLOSED = RoundFacts(presenter_id=1, closed=True)


def test_peers_give_feedback_while_open_never_the_trainer_herself() -> None:
    assert feedback_refusal(OPEN, 2) is None
    assert feedback_refusal(OPEN, 1) is Refusal.OWN_ROUND
    assert feedback_refusal(CLOSED, 2) is Refusal.ROUND_CLOSED
    assert feedback_refusal(CLOSED, 1) is Refusal.OWN_ROUND  # her own round stays hers, open or not


def test_only_the_trainer_closes_and_never_with_a_blank_reflection() -> None:
    assert reflection_refusal(OPEN, 1, "I filled the silence.") is None
    assert reflection_refusal(OPEN, 2, "I filled the silence.") is Refusal.NOT_PRESENTER
    assert reflection_refusal(OPEN, 1, " \n\t") is Refusal.BLANK
    assert reflection_refusal(CLOSED, 1, "Revised later.") is None  # she may revise after closing


def test_every_question_must_be_answered_and_the_first_blank_comes_first() -> None:
    questions = ["safe", "in-the-way", "suggestion"]
    assert blank_answers({"safe": "a", "in-the-way": "b", "suggestion": "c"}, questions) == []
    assert blank_answers({"safe": "a", "in-the-way": "  ", "suggestion": ""}, questions) == ["in-the-way", "suggestion"]
    assert blank_answers({}, questions) == questions


def test_a_round_step_is_done_only_when_closed_other_steps_when_ticked() -> None:
    steps = ["intro", "r1", "r2"]
    assert done_steps(steps, ["r1", "r2"], ticked=["intro", "r1"], closed_rounds=[]) == ["intro"]
    assert done_steps(steps, ["r1", "r2"], ticked=[], closed_rounds=["r2"]) == ["r2"]
    assert done_steps(steps, ["r1", "r2"], ticked=["intro"], closed_rounds=["r2", "r1"]) == ["intro", "r1", "r2"]
    assert done_steps(steps, [], ticked=["r2"], closed_rounds=["r1"]) == ["r2"]  # a unit without rounds
