"""Every activity page the programme page links to, as a learner and as an instructor: each opens (no error
page), carries the UI language in <html lang>, and has no serious or critical axe-core violations.

The flows in the other files act like people; this sweep makes sure pages no flow reaches are checked too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE, TETIANA

pytestmark = pytest.mark.browser

JOURNAL_LINK = "Reflection journal"


def _sweep(lms, a11y, frame, who: str, forbidden: str | None = None) -> list[str]:
    frame.get_by_role("link", name="All activities").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("The NatAlli mentoring programme")
    a11y.check(frame, f"programme overview ({who})")
    main = frame.get_by_role("main")
    links = [
        (link.inner_text().strip(), link.get_attribute("href"))
        for link in main.get_by_role("link").all()
        if (link.get_attribute("href") or "").startswith("/s/")
    ]
    assert len(links) >= 20, f"the programme page lists only {len(links)} activities: {links}"
    broken = []
    seen: set[str] = set()
    for title, href in links:
        if href in seen:
            continue
        seen.add(href)
        response = frame.goto(lms.tool_url + href)
        if response is None or response.status >= 400:
            broken.append(f"{title} ({href.split('/', 3)[-1]}): HTTP {response.status if response else '?'}")
            continue
        a11y.check(frame, f"{title} ({who})")
        if forbidden and forbidden in frame.content():
            broken.append(f"{title}: shows a learner's private journal text")
    return broken


def test_every_activity_page_as_a_learner(lms, a11y):
    frame = lms.launch(JOURNAL_LINK, TETIANA, check=False)
    broken = _sweep(lms, a11y, frame, "learner")
    assert not broken, f"activity pages that fail for a learner: {broken}"
    a11y.assert_clean()


def test_every_activity_page_as_an_instructor(lms, a11y):
    """…and none of them shows a learner's private journal entry."""
    from tests.browser.test_journal import PRIVATE, write_entries

    write_entries(lms, a11y)
    frame = lms.launch(JOURNAL_LINK, AOIFE, instructor=True, check=False)
    broken = _sweep(lms, a11y, frame, "instructor", forbidden=PRIVATE)
    assert not broken, f"activity pages that fail for an instructor: {broken}"
    a11y.assert_clean()
