"""Train-the-Trainer through the demo LMS: a trainer works through a unit, then plans and runs a session
with the live view (current step and timer)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE

pytestmark = pytest.mark.browser

JOURNAL_LINK = "Reflection journal"


def test_trainer_works_through_a_unit_and_runs_a_session(lms, a11y):
    from course_content import load

    catalog = load()
    unit = next(a for a in catalog.activities("en") if a.kind == "ttt_unit")
    unit = catalog.get(unit.id, "en")
    agenda = catalog.workshop_agenda("en")

    frame = lms.launch(JOURNAL_LINK, AOIFE, instructor=True, check=False)
    frame.get_by_role("link", name="All activities").click()
    frame.get_by_role("link", name=unit.title, exact=True).click()
    expect(frame.get_by_role("heading", level=1)).to_have_text(unit.title)
    total = len(unit.steps)
    expect(frame.get_by_text(f"0 of {total} steps done", exact=True)).to_be_visible()
    frame.get_by_label(f"I have worked through “{unit.steps[0].title}”").check()
    frame.get_by_role("button", name="Save my progress").click()
    expect(frame.get_by_role("status").filter(has_text="Your progress is saved.")).to_be_visible()
    expect(frame.get_by_text(f"1 of {total} steps done", exact=True)).to_be_visible()
    expect(frame.get_by_label(f"I have worked through “{unit.steps[0].title}”")).to_be_checked()
    a11y.check(frame, "TtT unit with one step done")

    frame.get_by_role("link", name="All activities").click()
    frame.get_by_role("region", name="For facilitators").get_by_role("link", name="Session planner").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Session planner")
    frame.get_by_role("link", name="Run the session").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Run the session")
    first, second = agenda.steps[0], agenda.steps[1]
    expect(frame.get_by_text(f"Step 1 of {len(agenda.steps)}", exact=True)).to_be_visible()

    # The live view (script): current step, a timer that counts down, step by step.
    live = frame.get_by_role("region", name="Timer")
    expect(live).to_be_visible()
    expect(live.get_by_text("Current step:")).to_contain_text(first.title)
    clock = live.get_by_role("timer")
    start = clock.inner_text()
    live.get_by_role("button", name="Start timer").click()
    expect(live.get_by_role("button", name="Pause timer")).to_be_visible()
    expect(clock).not_to_have_text(start, timeout=4000)
    expect(clock).to_have_text(re.compile(r"^\d+:[0-5]\d$"))
    live.get_by_role("button", name="Next step").click()
    expect(live.get_by_text("Current step:")).to_contain_text(second.title)
    expect(live.locator("[aria-current=step]")).to_contain_text(second.title)
    a11y.check(frame, "planner: run the session")
    a11y.assert_clean()
