"""A learner who types an instructor page's address gets a readable refusal (and an accessible error page),
never the instructor's data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CIARA, TETIANA

pytestmark = pytest.mark.browser

JOURNAL_LINK = "Reflection journal"
INSTRUCTOR_PAGES = {
    "journal/shared": "shared journal entries",
    "insight/": "course insight",
    "insight.csv": "course insight CSV",
    "scenario/the-quiet-video-call/facilitator": "scenario facilitator view",
    "pairing/facilitator": "pairing facilitator page",
}


def test_learner_cannot_open_instructor_pages(lms, a11y):
    # Another learner shares an entry: it must not show up for Tetiana on any of these addresses.
    frame = lms.launch(JOURNAL_LINK, CIARA, check=False)
    shared = "Ciara's shared words, for facilitators only."
    frame.get_by_label("Your entry").fill(shared)
    frame.get_by_label("Share this entry with my course facilitators").check()
    frame.get_by_role("button", name="Save entry").click()
    expect(frame.get_by_role("status").filter(has_text="Your entry is saved.")).to_be_visible()

    frame = lms.launch(JOURNAL_LINK, TETIANA, check=False)
    token = re.search(r"/s/([^/]+)/", frame.url).group(1)
    for path, label in INSTRUCTOR_PAGES.items():
        response = frame.goto(f"{lms.tool_url}/s/{token}/{path}")
        assert response is not None and response.status == 403, f"{label}: HTTP {response and response.status}"
        if path.endswith(".csv"):
            assert shared not in response.text()
            continue
        expect(frame.get_by_text("This page is for the course's facilitators.")).to_be_visible()
        expect(frame.get_by_text(shared)).to_have_count(0)
        a11y.check(frame, f"refusal page ({label})")
    a11y.assert_clean()
