"""The instructor's grades view in a real browser inside the demo LMS, checked with axe-core."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (  # noqa: F401 - the browser fixtures, reused
    AOIFE,
    NIAMH,
    a11y,
    browser,
    context,
    deliver_grades,
    demo_lms,
    lms,
    page,
)

pytestmark = pytest.mark.browser
LINK = "Module 1: A safe start"


def test_instructor_sees_what_was_sent_and_the_page_is_accessible(lms, a11y, deliver_grades):  # noqa: F811
    from playwright.sync_api import expect

    learner = lms.launch(LINK, NIAMH)  # opening the module records "started" for the gradebook
    expect(learner.get_by_role("heading", level=1)).to_be_visible()
    deliver_grades()

    frame = lms.launch(LINK, AOIFE, instructor=True)
    lt = re.search(r"/s/([^/]+)/", frame.url).group(1)
    frame.goto(f"{lms.tool_url}/s/{lt}/grades")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Completion and grades")
    row = frame.get_by_role("row").filter(has=frame.get_by_role("rowheader", name=NIAMH.name))
    expect(row).to_contain_text("InProgress")
    expect(row).to_contain_text("UTC")
    a11y.check(frame, "grades view (instructor)")
    a11y.assert_clean()
