from lti_tool.domain.grading import (
    ActivityProgress,
    GradingProgress,
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
