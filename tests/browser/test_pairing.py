"""Capacity self-assessments for mentor–mentee pairing, placed in the course with Deep Linking and opened by a
learner and the facilitator from the demo LMS (the pairing part's own browser test drives the pages directly)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE, TETIANA

pytestmark = pytest.mark.browser


def _titles() -> dict[str, str]:
    from course_content import load

    return {a.id: a.title for a in load().activities("en") if a.kind == "self_assessment"}


def test_self_assessments_open_from_the_course(lms, a11y):
    titles = _titles()
    assert set(titles) == {"mentee-capacity", "mentor-capacity"}, titles
    page = lms.course(check=False)
    form = page.locator("form").filter(has=page.get_by_role("button", name="Add activities (Deep Linking)"))
    form.get_by_label("As instructor").select_option(label=AOIFE.name)
    form.get_by_role("button", name="Add activities (Deep Linking)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add NatAlli activities to your course")
    for title in titles.values():
        page.get_by_role("checkbox", name=title).check()
    page.get_by_role("button", name="Add the chosen activities").click()
    for title in titles.values():
        expect(page.get_by_text(f"Added “{title}” to the course.", exact=True)).to_be_visible()

    mentee = titles["mentee-capacity"]
    frame = lms.launch(mentee, TETIANA)
    expect(frame.get_by_role("heading", level=1)).to_have_text(mentee)
    expect(frame.get_by_role("button", name="Save my answers")).to_be_visible()
    a11y.check(frame, "mentee self-assessment (opened from the course)")

    # The facilitator's launch of the same link opens the matching page.
    frame = lms.launch(mentee, AOIFE, instructor=True)
    expect(frame.get_by_role("button", name="Propose pairs")).to_be_visible()
    a11y.check(frame, "pairing: facilitator page (opened from the course)")
    a11y.assert_clean()
