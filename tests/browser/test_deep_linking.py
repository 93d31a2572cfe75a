"""An instructor places the whole NatAlli programme in the demo course with Deep Linking; the course page then
lists every activity, each with a gradebook column, and a learner can open one of the new links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE, NIAMH

pytestmark = pytest.mark.browser

PROGRAMME_KINDS = ("module", "scenario", "journal", "action_plan")


def _programme_titles() -> list[str]:
    from course_content import load

    return [a.title for a in load().activities("en") if a.kind in PROGRAMME_KINDS]


def test_instructor_deep_links_the_whole_programme(lms, a11y):
    expected = _programme_titles()
    page = lms.course()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Add activities (Deep Linking)"))
    form.get_by_label("As instructor").select_option(label=AOIFE.name)
    form.get_by_role("button", name="Add activities (Deep Linking)").click()

    # The tool's picker opens (as the platform opens it: the whole window).
    expect(page.get_by_role("heading", level=1)).to_have_text("Add NatAlli activities to your course")
    assert page.url.startswith(lms.tool_url), page.url
    a11y.check(page, "deep-linking picker")

    # Searching narrows the list as the instructor types, and says how many are shown.
    search = page.get_by_role("searchbox", name="Search activities")
    search.fill("diploma")
    expect(page.get_by_text(re.compile(r"^\s*1 of \d+ activities shown"))).to_be_visible()
    expect(page.get_by_label(re.compile("The diploma in a drawer"))).to_be_visible()
    expect(page.get_by_label(re.compile("^Starting safely"))).to_be_hidden()
    search.fill("")

    page.get_by_role("button", name="Add the whole programme").click()

    # Back in the course: a confirmation per activity and one card per activity.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring in transition (demo)")
    assert page.url.startswith(lms.demo.url), page.url
    for title in expected:
        expect(page.get_by_text(f"Added “{title}” to the course.", exact=True)).to_be_visible()
        expect(page.get_by_role("region", name=title, exact=True).last).to_be_visible()
    a11y.check(page, "demo LMS: course page after deep linking", iframes=False)

    # Every programme activity has a gradebook column.
    book = lms.gradebook()
    headers = " | ".join(book.get_by_role("columnheader").all_inner_texts())
    missing = [t for t in expected if t not in headers]
    assert not missing, f"no gradebook column for: {missing}"

    # A new link works for a learner: the action plan opens inside the course page.
    lms.course(check=False)
    frame = lms.launch("Your 30/60/90-day plan", NIAMH)
    expect(frame.get_by_role("heading", level=1)).to_have_text("Your 30/60/90-day plan")
    a11y.check(frame, "action plan (opened from a deep-linked link)")
    a11y.assert_clean()
