"""natalli_action_plan: saving the 30/60/90-day plan, date validation, completion."""

from __future__ import annotations

ROW = {"goal": "", "steps": "", "support": "", "review": ""}


def test_plan_completes_when_every_horizon_has_a_goal(learner):
    block = learner.create("<natalli_action_plan/>")
    status, body, _ = learner.call(block, "save_plan", {"plan": {"30": {**ROW, "goal": "Find the diploma office",
                                                                         "review": "2026-12-20"}}})
    assert status == 200 and body["completed"] is False
    assert abs(learner.events_of("completion")[-1]["completion"] - 1 / 3) < 1e-9
    status, body, _ = learner.call(block, "save_plan", {"plan": {
        "60": {**ROW, "goal": "Apply for recognition"}, "90": {**ROW, "goal": "Two conversations"}}})
    assert body["completed"] is True and learner.events_of("completion")[-1] == {"completion": 1.0}
    assert block.plan["30"]["review"] == "2026-12-20"  # earlier horizons are kept
    html = learner.render(block)
    assert "Find the diploma office" in html and 'value="2026-12-20"' in html
    assert learner.events_of("grade") == []


def test_plan_validation(learner):
    block = learner.create("<natalli_action_plan/>")
    status, body, _ = learner.call(block, "save_plan", {"plan": {"30": {**ROW, "review": "next week"}}})
    assert status == 400 and body["error"] == "invalid_date"
    status, body, _ = learner.call(block, "save_plan", {"plan": {"30": {**ROW, "review": "2026-02-30"}}})
    assert status == 400 and body["error"] == "invalid_date"
    status, body, _ = learner.call(block, "save_plan", {"plan": {"45": ROW}})
    assert status == 400 and body["error"] == "unknown_horizon"
    status, body, _ = learner.call(block, "save_plan", {"plan": {"30": {**ROW, "mood": "x"}}})
    assert status == 400
    assert block.plan == {}


def test_form_is_labelled(learner):
    html = learner.render(learner.create("<natalli_action_plan/>"))
    assert html.count("<fieldset") == 3 and html.count("<legend>") == 3
    assert html.count("<label for=") == 12 and 'type="date"' in html
