"""Practice rounds of the Train-the-Trainer course (plain Python, no Flask).

A trainer qualifies by running a ten-minute segment of each module in front of peers. The rule, once:

1. A trainer opens a round for one module's segment (one round per trainer, course and segment; opening it
   again returns the same round).
2. While the round is open, every *other* person in the course may give it one piece of feedback, answering
   each of the unit's feedback questions (none may be left blank), and may revise it until the round closes.
   A trainer never gives feedback on her own round.
3. The trainer closes the round by writing her self-reflection (not blank). After that no feedback is taken,
   and only then does the round count as done: feedback alone, or a ticked box, never stands in for running
   and reflecting on the round.
4. A unit's step that is a round is done when its round is closed; any other step when the trainer ticked it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Refusal(StrEnum):
    """Why a person may not do what they asked with a round (the view words it for the reader)."""

    OWN_ROUND = "own_round"
    ROUND_CLOSED = "round_closed"
    NOT_PRESENTER = "not_presenter"
    BLANK = "blank"


@dataclass(frozen=True)
class RoundFacts:
    presenter_id: int
    closed: bool


def feedback_refusal(round_: RoundFacts, person_id: int) -> Refusal | None:
    """Rule 2: may `person_id` give (or revise) feedback on this round?"""
    if round_.presenter_id == person_id:
        return Refusal.OWN_ROUND
    if round_.closed:
        return Refusal.ROUND_CLOSED
    return None


def reflection_refusal(round_: RoundFacts, person_id: int, text: str) -> Refusal | None:
    """Rule 3: may `person_id` close the round with this self-reflection? (A closed round's reflection may
    still be revised by its trainer.)"""
    if round_.presenter_id != person_id:
        return Refusal.NOT_PRESENTER
    if not text.strip():
        return Refusal.BLANK
    return None


def blank_answers(answers: Mapping[str, str], question_ids: Sequence[str]) -> list[str]:
    """Rule 2: the questions left blank, in the form's order (empty when the feedback is complete)."""
    return [q for q in question_ids if not (answers.get(q) or "").strip()]


def done_steps(step_ids: Sequence[str], round_step_ids: Iterable[str], ticked: Iterable[str],
               closed_rounds: Iterable[str]) -> list[str]:
    """Rule 4: the unit's steps that count as done, in the unit's order."""
    rounds, ticked_set, closed = set(round_step_ids), set(ticked), set(closed_rounds)
    return [s for s in step_ids if (s in closed if s in rounds else s in ticked_set)]
