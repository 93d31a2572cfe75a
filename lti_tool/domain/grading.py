"""Grading and completion rules for every NatAlli activity kind.

Plain Python, no Flask: the LTI tool and the Open edX XBlocks both decide "completed" and "score" here, so a
learner's result means the same thing on every platform.

The programme's scenarios have no right answer, so nothing here ever judges *what* a learner wrote: scores
reward participation and completion only. A score is a fraction in [0, 1]; the caller scales it to the
platform's maximum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class ActivityKind(StrEnum):
    MODULE = "module"
    SCENARIO = "scenario"
    JOURNAL = "journal"
    ACTION_PLAN = "action_plan"
    TTT_UNIT = "ttt_unit"
    SELF_ASSESSMENT = "self_assessment"
    SESSION_PLANNER = "workshop_agenda"


class ActivityProgress(StrEnum):
    """AGS 2.0 activityProgress values."""

    INITIALIZED = "Initialized"
    STARTED = "Started"
    IN_PROGRESS = "InProgress"
    SUBMITTED = "Submitted"
    COMPLETED = "Completed"


class GradingProgress(StrEnum):
    """AGS 2.0 gradingProgress values."""

    FULLY_GRADED = "FullyGraded"
    PENDING = "Pending"
    NOT_READY = "NotReady"


@dataclass(frozen=True)
class Outcome:
    """What an activity's state means for the gradebook."""

    completed: bool
    score: float  # participation fraction in [0, 1]
    activity_progress: ActivityProgress

    @property
    def grading_progress(self) -> GradingProgress:
        # A participation grade is final as soon as the activity is complete; before that it is pending,
        # so platforms that show only final grades (Moodle) do not record a misleading partial grade.
        return GradingProgress.FULLY_GRADED if self.completed else GradingProgress.PENDING

    def score_given(self, maximum: float) -> float | None:
        """The score to send, or None while grading is pending (AGS allows omitting scoreGiven)."""
        return round(self.score * maximum, 4) if self.completed else None


def _progress(done: int, total: int, started: bool) -> ActivityProgress:
    if total and done >= total:
        return ActivityProgress.COMPLETED
    if done > 0:
        return ActivityProgress.IN_PROGRESS
    return ActivityProgress.STARTED if started else ActivityProgress.INITIALIZED


def module_outcome(
    section_ids: Iterable[str], visited: Iterable[str], reflection_submitted: bool, started: bool = True
) -> Outcome:
    """A module is complete when every section was visited and its reflection was submitted."""
    sections = list(dict.fromkeys(section_ids))
    seen = set(visited) & set(sections)
    done = len(seen) + (1 if reflection_submitted else 0)
    total = len(sections) + 1
    completed = done >= total
    return Outcome(completed, done / total, _progress(done, total, started))


def scenario_outcome(
    joined_group: bool, contributed_to_note: bool, reflection_submitted: bool, started: bool = True
) -> Outcome:
    """A breakout counts as taken part in when the learner joined a group and added to its shared note,
    or wrote an individual reflection (the "as individual" path when a course has no groups)."""
    completed = (joined_group and contributed_to_note) or reflection_submitted
    if completed:
        return Outcome(True, 1.0, ActivityProgress.COMPLETED)
    partial = joined_group or contributed_to_note
    return Outcome(False, 0.5 if partial else 0.0, _progress(1 if partial else 0, 2, started))


def journal_outcome(entry_count: int, required_entries: int, started: bool = True) -> Outcome:
    """The journal is complete after `required_entries` entries, shared or private alike: completion
    never depends on sharing, so privacy costs the learner nothing."""
    required = max(1, required_entries)
    done = min(entry_count, required)
    return Outcome(done >= required, done / required, _progress(done, required, started))


def action_plan_outcome(
    goals_by_horizon: Mapping[int, str], horizons: Iterable[int] = (30, 60, 90), started: bool = True
) -> Outcome:
    """The 30/60/90 plan is complete when a goal was saved for every horizon."""
    wanted = list(horizons)
    done = sum(1 for h in wanted if (goals_by_horizon.get(h) or "").strip())
    return Outcome(done >= len(wanted), done / len(wanted), _progress(done, len(wanted), started))


def steps_outcome(step_ids: Iterable[str], done_steps: Iterable[str], started: bool = True) -> Outcome:
    """Train-the-Trainer units (and the session planner) are complete when every step is done."""
    steps = list(dict.fromkeys(step_ids))
    done = len(set(done_steps) & set(steps))
    total = max(1, len(steps))
    return Outcome(done >= total, done / total, _progress(done, total, started))


def self_assessment_outcome(answered: int, started: bool = True) -> Outcome:
    """Every question is optional, so saving the assessment once — with any answers — completes it."""
    if answered > 0:
        return Outcome(True, 1.0, ActivityProgress.COMPLETED)
    return Outcome(False, 0.0, _progress(0, 1, started))
