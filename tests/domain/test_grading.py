import pytest

from lti_tool.domain.grading import (
    ActivityProgress,
    GradingProgress,
    Outcome,
    action_plan_outcome,
    journal_outcome,
    module_outcome,
    scenario_outcome,
    self_assessment_outcome,
    steps_outcome,
)


def test_module_needs_every_section_and_the_reflection():
    partial = module_outcome(["a", "b", "c"], ["a", "b", "c"], reflection_submitted=False)
    assert not partial.completed
    assert partial.activity_progress is ActivityProgress.IN_PROGRESS
    assert partial.grading_progress is GradingProgress.PENDING
    assert partial.score_given(100) is None
    done = module_outcome(["a", "b", "c"], ["c", "a", "b", "unknown"], reflection_submitted=True)
    assert done.completed and done.score == 1.0
    assert done.score_given(100) == 100
    assert done.grading_progress is GradingProgress.FULLY_GRADED


def test_module_not_opened_is_initialized():
    assert module_outcome(["a"], [], False, started=False).activity_progress is ActivityProgress.INITIALIZED


def test_scenario_rewards_participation_not_content():
    assert scenario_outcome(True, True, False).completed
    assert scenario_outcome(False, False, True).completed
    joined_only = scenario_outcome(True, False, False)
    assert not joined_only.completed and joined_only.activity_progress is ActivityProgress.IN_PROGRESS


def test_journal_counts_entries_regardless_of_sharing():
    assert not journal_outcome(2, 3).completed
    assert journal_outcome(3, 3).completed
    assert journal_outcome(9, 3).score == 1.0


def test_action_plan_needs_a_goal_per_horizon():
    assert not action_plan_outcome({30: "Register", 60: "  ", 90: "Apply"}).completed
    assert action_plan_outcome({30: "Register", 60: "Network", 90: "Apply"}).completed


def test_steps_and_self_assessment():
    assert steps_outcome(["x", "y"], ["y", "x"]).completed
    assert not steps_outcome(["x", "y"], ["x"]).completed
    assert self_assessment_outcome(1).completed
    assert not self_assessment_outcome(0).completed


# --- Boundaries: completion flips exactly when `done` reaches `total`, not one step before or after. ---


def test_module_completes_exactly_when_the_last_piece_arrives():
    one_short = module_outcome(["a", "b"], ["a"], reflection_submitted=True)
    assert not one_short.completed
    assert one_short.score == pytest.approx(2 / 3)
    assert one_short.activity_progress is ActivityProgress.IN_PROGRESS
    exactly = module_outcome(["a", "b"], ["a", "b"], reflection_submitted=True)
    assert exactly.completed and exactly.score == 1.0
    assert exactly.activity_progress is ActivityProgress.COMPLETED


def test_module_counts_a_section_listed_twice_once():
    outcome = module_outcome(["a", "a", "b"], ["a", "b"], reflection_submitted=True)
    assert outcome.completed and outcome.score == 1.0


def test_module_without_sections_completes_on_the_reflection_alone():
    assert not module_outcome([], [], reflection_submitted=False).completed
    assert module_outcome([], [], reflection_submitted=True).completed


def test_nothing_done_is_started_or_initialized_never_in_progress():
    started = module_outcome(["a"], [], False, started=True)
    assert started.activity_progress is ActivityProgress.STARTED and started.score == 0.0
    assert started.score_given(10) is None
    assert journal_outcome(0, 3, started=False).activity_progress is ActivityProgress.INITIALIZED
    assert journal_outcome(0, 3).activity_progress is ActivityProgress.STARTED


def test_one_step_done_is_in_progress():
    assert journal_outcome(1, 3).activity_progress is ActivityProgress.IN_PROGRESS
    assert steps_outcome(["x", "y"], ["x"], started=False).activity_progress is ActivityProgress.IN_PROGRESS


@pytest.mark.parametrize(("entries", "completed", "score"), [(0, False, 0.0), (2, False, 2 / 3), (3, True, 1.0),
                                                              (4, True, 1.0)])
def test_journal_completes_exactly_at_the_required_count(entries, completed, score):
    outcome = journal_outcome(entries, 3)
    assert outcome.completed is completed
    assert outcome.score == pytest.approx(score)
    assert (outcome.activity_progress is ActivityProgress.COMPLETED) is completed


@pytest.mark.parametrize("required", [0, -2])
def test_journal_never_requires_fewer_than_one_entry(required):
    assert not journal_outcome(0, required).completed
    one = journal_outcome(1, required)
    assert one.completed and one.score == 1.0


def test_action_plan_one_horizon_short_then_exactly_complete():
    two = action_plan_outcome({30: "Register", 60: "Network"})
    assert not two.completed and two.score == pytest.approx(2 / 3)
    assert two.activity_progress is ActivityProgress.IN_PROGRESS
    assert action_plan_outcome({30: "a", 60: "b", 90: "c"}).activity_progress is ActivityProgress.COMPLETED


def test_action_plan_ignores_horizons_it_was_not_asked_for():
    assert action_plan_outcome({30: "Only this"}, horizons=(30,)).completed
    assert not action_plan_outcome({120: "Later"}, horizons=(30,)).completed


def test_steps_complete_exactly_at_the_last_step_and_ignore_unknown_ones():
    assert not steps_outcome(["x", "y", "z"], ["x", "y", "other"]).completed
    last = steps_outcome(["x", "y", "z"], ["x", "y", "z"])
    assert last.completed and last.activity_progress is ActivityProgress.COMPLETED


def test_a_unit_without_steps_is_never_complete():
    # max(1, 0) steps: nothing to tick means nothing was done, not "everything was done".
    empty = steps_outcome([], [])
    assert not empty.completed and empty.score == 0.0
    assert empty.activity_progress is ActivityProgress.STARTED


def test_scenario_partial_paths_score_half_and_nothing_scores_zero():
    wrote_only = scenario_outcome(False, True, False)
    assert not wrote_only.completed and wrote_only.score == 0.5
    assert wrote_only.activity_progress is ActivityProgress.IN_PROGRESS
    nothing = scenario_outcome(False, False, False, started=False)
    assert nothing.score == 0.0 and nothing.activity_progress is ActivityProgress.INITIALIZED
    assert scenario_outcome(False, False, False).activity_progress is ActivityProgress.STARTED
    assert scenario_outcome(True, True, False).activity_progress is ActivityProgress.COMPLETED


def test_self_assessment_one_answer_completes_none_does_not():
    none = self_assessment_outcome(0, started=False)
    assert none.activity_progress is ActivityProgress.INITIALIZED and none.score == 0.0
    assert self_assessment_outcome(0).activity_progress is ActivityProgress.STARTED
    one = self_assessment_outcome(1)
    assert one.score == 1.0 and one.activity_progress is ActivityProgress.COMPLETED


def test_score_given_scales_and_rounds_to_four_places():
    assert module_outcome(["a", "b"], ["a", "b"], True).score_given(7) == 7
    assert Outcome(True, 1 / 3, ActivityProgress.COMPLETED).score_given(1) == 0.3333
    assert Outcome(True, 2 / 3, ActivityProgress.COMPLETED).score_given(1) == 0.6667


def test_not_completed_is_false_not_just_falsy():
    # `completed` goes into the gradebook payload and the XBlocks' JSON: it must be a real boolean.
    assert scenario_outcome(True, False, False).completed is False
    assert self_assessment_outcome(0).completed is False
    assert module_outcome(["a"], [], False).completed is False


def test_scenario_completion_scores_exactly_one():
    assert scenario_outcome(True, True, False).score == 1.0
    assert scenario_outcome(False, False, True).score == 1.0


def test_opening_an_activity_counts_as_started_by_default():
    assert module_outcome(["a"], [], False).activity_progress is ActivityProgress.STARTED
    assert action_plan_outcome({}).activity_progress is ActivityProgress.STARTED
    assert action_plan_outcome({}, started=False).activity_progress is ActivityProgress.INITIALIZED


def test_a_single_step_completes_on_that_step_and_scores_are_shares():
    one = steps_outcome(["x"], ["x"])
    assert one.completed and one.score == 1.0
    half = steps_outcome(["x", "y"], ["y"])
    assert half.score == 0.5
    assert steps_outcome(["x", "y", "z", "w"], ["x"]).score == 0.25
