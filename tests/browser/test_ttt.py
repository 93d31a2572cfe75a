"""Train-the-Trainer through the demo LMS: a trainer works through a unit, then plans and runs a session
with the live view (current step and timer)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE, CIARA, NIAMH

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


PRACTICE_LINK = "Train-the-Trainer: practice rounds"


def test_a_practice_round_through_the_demo_lms(lms, a11y, deliver_grades):
    """Ciara opens her first practice round, Niamh gives feedback on it, Ciara reads it and closes the round
    with her self-reflection: the unit counts the round as done and the LMS gradebook gets the progress."""
    from course_content import load

    unit = load().ttt_unit("practice-rounds", "en")
    first = unit.round_steps()[0]

    frame = lms.launch(PRACTICE_LINK, CIARA)
    expect(frame.get_by_role("heading", level=1)).to_have_text(unit.title)
    expect(frame.get_by_text("Not run yet: this step is done when you have run the round").first).to_be_visible()
    frame.get_by_role("link", name="Practice rounds: open yours or give feedback").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Practice rounds")
    a11y.check(frame, "practice rounds: none open yet")
    frame.get_by_role("listitem").filter(has=frame.get_by_role("heading", name=first.title)).get_by_role(
        "button", name="Open this round").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text(first.title)
    expect(frame.get_by_text("No feedback yet.")).to_be_visible()

    peer = lms.launch(PRACTICE_LINK, NIAMH, check=False)
    peer.get_by_role("link", name="Practice rounds: open yours or give feedback").click()
    peer.get_by_role("link", name=f"{CIARA.name}: {first.title}").click()
    expect(peer.get_by_role("heading", name=f"Your feedback to {CIARA.name}")).to_be_visible()
    answers = ["You let the silence last; Olha then spoke.", "The instruction was only spoken.",
               "Write the question in the chat first."]
    for question, answer in zip(unit.feedback_questions, answers, strict=True):
        peer.get_by_label(question.label).fill(answer)
    a11y.check(peer, "practice round: a peer's feedback form")
    peer.get_by_role("button", name="Send my feedback").click()
    expect(peer.get_by_role("status").filter(has_text="Your feedback is saved.")).to_be_visible()

    frame = lms.launch(PRACTICE_LINK, CIARA, check=False)
    frame.get_by_role("link", name="Go to the round").click()
    feedback = frame.get_by_role("region", name=f"Feedback from {NIAMH.name}")
    expect(feedback).to_contain_text(answers[2])
    frame.get_by_label(first.self_reflection).fill("I wanted to fill the silence and waited instead.")
    a11y.check(frame, "practice round: the trainer's page with feedback")
    frame.get_by_role("button", name="Save my self-reflection and close the round").click()
    expect(frame.get_by_role("status").filter(has_text="the round is closed")).to_be_visible()
    frame.get_by_role("link", name="Practice rounds").click()
    expect(frame.get_by_text("Done: closed with your self-reflection (1 pieces of feedback).")).to_be_visible()
    frame.get_by_role("link", name=unit.title).click()
    expect(frame.get_by_text("Done: round run and reflected on.")).to_be_visible()
    expect(frame.get_by_text(f"1 of {len(unit.steps)} steps done", exact=True)).to_be_visible()

    report = deliver_grades()
    assert report.delivered >= 1, f"no score was delivered to the platform: {report}"
    page = lms.gradebook()
    headers = [h.strip() for h in page.get_by_role("columnheader").all_inner_texts()]
    column = next((i for i, h in enumerate(headers) if h.startswith(PRACTICE_LINK)), None)
    assert column is not None, f"no gradebook column for the practice rounds; columns: {headers}"
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(CIARA.name)))
    expect(row.get_by_role("cell").nth(column - 1)).to_contain_text("InProgress")
    a11y.assert_clean()
