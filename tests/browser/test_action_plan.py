"""The 30/60/90-day action plan through the demo LMS: a learner finds it from the programme page, writes a
goal per horizon with small steps and support, saves, ticks a step done and sees the progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NIAMH

pytestmark = pytest.mark.browser

JOURNAL_LINK = "Reflection journal"
PLAN = "Your 30/60/90-day plan"
GOALS = {
    "First 30 days": ("Get my diploma evaluated", "Find the recognition office's form"),
    "By 60 days": ("Two conversations with engineers here", "Ask my mentor for one introduction"),
    "By 90 days": ("Apply for one role that fits", "Rewrite my CV in two pages"),
}


def test_learner_saves_an_action_plan(lms, a11y):
    frame = lms.launch(JOURNAL_LINK, NIAMH, check=False)
    frame.get_by_role("navigation", name="Programme").get_by_role("link", name="All activities").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("The NatAlli mentoring programme")
    a11y.check(frame, "programme overview (learner)")
    frame.get_by_role("link", name=PLAN).click()
    expect(frame.get_by_role("heading", level=1)).to_have_text(PLAN)
    expect(frame.get_by_text("The plan counts as complete once every period has a goal.")).to_be_visible()
    a11y.check(frame, "action plan (empty)")

    for horizon, (goal, step) in GOALS.items():
        part = frame.get_by_role("region", name=horizon, exact=True)
        part.get_by_label("Goal", exact=True).fill(goal)
        part.get_by_label("Add a small step").fill(step)
    frame.get_by_role("region", name="First 30 days", exact=True).get_by_label(
        "Support and networks").fill("My mentor; the Ukrainian engineers' meetup")
    frame.get_by_role("button", name="Save my plan").click()

    expect(frame.get_by_role("status").filter(has_text="Your plan is saved.")).to_be_visible()
    expect(frame.get_by_text("Your plan has a goal for every period.")).to_be_visible()
    expect(frame.get_by_text("0 of 3 steps done", exact=True)).to_be_visible()
    for horizon, (goal, step) in GOALS.items():
        part = frame.get_by_role("region", name=horizon, exact=True)
        expect(part.get_by_label("Goal", exact=True)).to_have_value(goal)
        expect(part.get_by_role("checkbox", name=f"Done: {step}")).not_to_be_checked()
    a11y.check(frame, "action plan (saved)")

    first_step = GOALS["First 30 days"][1]
    frame.get_by_role("checkbox", name=f"Done: {first_step}").check()
    frame.get_by_role("button", name="Save my plan").click()
    expect(frame.get_by_text("1 of 3 steps done", exact=True)).to_be_visible()
    expect(frame.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "1")
    expect(frame.get_by_role("checkbox", name=f"Done: {first_step}")).to_be_checked()

    frame.get_by_role("link", name="Printable version").click()
    expect(frame.get_by_text(GOALS["By 90 days"][0]).first).to_be_visible()
    expect(frame.get_by_role("link", name="Back to my plan")).to_be_visible()
    a11y.check(frame, "action plan (printable)")

    # Still there in a later launch.
    frame = lms.launch(JOURNAL_LINK, NIAMH, check=False)
    frame.get_by_role("link", name="All activities").click()
    frame.get_by_role("link", name=PLAN).click()
    expect(frame.get_by_text(re.compile(r"^1 of 3 steps done$"))).to_be_visible()
    a11y.assert_clean()
