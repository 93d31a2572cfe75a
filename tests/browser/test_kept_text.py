"""Reflection text is never lost: when the connection drops or the launch has expired, the page says the text
is kept on this device and to re-open the activity from the course; re-opening puts the text back and saves it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TETIANA

pytestmark = pytest.mark.browser

MODULE_LINK = "Module 1: A safe start"
MESSAGES = {
    "offline": "No connection. Your text is kept on this device — re-open the activity from your course.",
    "expired": "Your session has ended. Your text is kept on this device — re-open the activity from your course.",
}


def _to_reflection(frame: Any) -> None:
    from course_content import load

    sections = load().module("safe-start", "en").sections
    pager = frame.get_by_role("navigation", name="Module parts")
    for section in sections[1:]:
        pager.get_by_role("link", name="Next").click()
        expect(frame.get_by_role("article", name=section.title, exact=True)).to_be_visible()
    pager.get_by_role("link", name="Go to reflection").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Reflection")


def _expire_launches(app: Any) -> None:
    from sqlalchemy import update

    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession, utcnow

    with app.app_context():
        db.session.execute(update(LaunchSession).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()


@pytest.mark.parametrize("trouble", ["offline", "expired"])
def test_unsaved_reflection_is_kept_and_put_back(trouble, app, lms, a11y):
    from course_content import load

    prompt = load().module("safe-start", "en").reflection_prompts[1].text
    words = "Being asked what I need, before being asked what I plan."
    frame = lms.launch(MODULE_LINK, TETIANA, check=False)
    _to_reflection(frame)

    if trouble == "offline":
        lms.page.context.set_offline(True)
    else:
        _expire_launches(app)
    frame.get_by_label(prompt).fill(words)
    expect(frame.get_by_role("status").filter(has_text=MESSAGES[trouble])).to_be_visible()
    expect(frame.get_by_role("alert").filter(has_text="Your text is kept on this device.")).to_be_visible()
    a11y.check(frame, f"module reflection, text kept ({trouble})")
    lms.page.context.set_offline(False)

    # Re-open from the course, as the message says: the text is back and gets saved.
    frame = lms.launch(MODULE_LINK, TETIANA, check=False)
    expect(frame.get_by_role("heading", level=1)).to_have_text("Reflection")  # resumes where she was
    expect(frame.get_by_label(prompt)).to_have_value(words)
    expect(frame.get_by_role("status").filter(has_text=re.compile(r"^Saved"))).to_be_visible()

    # Saved on the server, not only in this browser.
    frame.evaluate("localStorage.clear()")
    frame = lms.launch(MODULE_LINK, TETIANA, check=False)
    expect(frame.get_by_label(prompt)).to_have_value(words)
    a11y.assert_clean()
