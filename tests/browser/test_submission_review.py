"""Submission review through the demo LMS: a learner works on a module and writes one private and one shared
journal entry from its questions; the instructor presses "review" next to her score in the gradebook and
reads her progress, the score sent and the shared entry — never the private one — on an accessible page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CIARA

pytestmark = pytest.mark.browser

MODULE_LINK = "Module 1: A safe start"  # seeded, graded, its line item offers submission review
PRIVATE = "Private: I have not told anyone yet how tired the evening language course makes me."
SHARED = "Shared: I would like to practise the phone call to the housing office together."


def write_module_entries(frame) -> None:
    """From the module's launch, Ciara opens her journal and answers one of this module's questions twice."""
    frame.get_by_role("navigation", name="Programme").get_by_role("link", name="My journal").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Reflection journal")
    question = frame.locator('#entry-prompt option[value^="module:safe-start:"]').first.get_attribute("value")
    assert question, "the journal offers no question of the module"
    entries = frame.get_by_role("region", name=re.compile(r"^My entries"))

    frame.get_by_label("Start from a question (optional)").select_option(question)
    frame.get_by_label("Your entry").fill(PRIVATE)
    frame.get_by_role("button", name="Save entry").click()
    expect(entries.get_by_role("listitem")).to_have_count(1)

    frame.get_by_label("Start from a question (optional)").select_option(question)
    frame.get_by_label("Your entry").fill(SHARED)
    frame.get_by_label("Share this entry with my course facilitators").check()
    frame.get_by_role("button", name="Save entry").click()
    expect(entries.get_by_role("listitem")).to_have_count(2)


def test_instructor_reviews_a_learners_work_from_the_gradebook(lms, a11y, deliver_grades):
    frame = lms.launch(MODULE_LINK, CIARA)  # opening the module's first section queues an "in progress" score
    write_module_entries(frame)
    report = deliver_grades()
    assert report.delivered >= 1, f"no score reached the gradebook: {report}"

    page = lms.gradebook()
    review = page.get_by_role("link", name=f"review the work of {CIARA.name} on A safe start")
    expect(review).to_have_count(1)
    review.click()
    page.wait_for_url(re.compile("^" + re.escape(lms.tool_url) + r"/s/[^/]+/review$"))

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Work of {CIARA.name}")
    expect(page.get_by_text("Private reflections and private journal entries stay private")).to_be_visible()
    progress = page.get_by_role("region", name="Progress")
    expect(progress).to_contain_text("Started")
    expect(progress).to_contain_text(re.compile(r"1 of \d+ sections opened"))
    scores = page.get_by_role("region", name="Scores sent")
    expect(scores.get_by_role("row")).to_have_count(2)  # the header and the one score sent
    expect(scores).to_contain_text("sent to the gradebook")
    shared = page.get_by_role("region", name="Journal entries shared with facilitators")
    expect(shared.get_by_text(SHARED)).to_be_visible()
    assert PRIVATE not in page.content(), "a private journal entry reached the instructor's review page"
    a11y.check(page, "submission review: the instructor's view of a learner's work")
    a11y.assert_clean()
