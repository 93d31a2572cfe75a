"""The learner's own language choice (remembered across launches) and keyboard-only use of the module."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TETIANA

pytestmark = pytest.mark.browser

MODULE_LINK = "Module 1: A safe start"


def _section_title(lang: str, index: int = 0) -> str:
    from course_content import load

    return load().module("safe-start", lang).sections[index].title


def test_learner_switches_language_and_it_is_remembered(lms, a11y):
    frame = lms.launch(MODULE_LINK, TETIANA)
    expect(frame.locator("html")).to_have_attribute("lang", "en")
    frame.get_by_label("Language", exact=True).select_option(label="Nederlands")
    frame.get_by_role("button", name="Change", exact=True).click()

    expect(frame.locator("html")).to_have_attribute("lang", "nl")
    expect(frame.get_by_role("article", name=_section_title("nl"), exact=True)).to_be_visible()
    a11y.check(frame, "module section after switching to Dutch", lang="nl")

    # The next launch from the course (whose locale for her is still "en") keeps her choice.
    frame = lms.launch(MODULE_LINK, TETIANA, check=False)
    expect(frame.locator("html")).to_have_attribute("lang", "nl")
    expect(frame.get_by_role("article", name=_section_title("nl"), exact=True)).to_be_visible()
    a11y.assert_clean()


def test_module_works_with_the_keyboard_alone(lms, a11y):
    lms.launch(MODULE_LINK, TETIANA, check=False)
    lms.page.get_by_role("link", name="Open without the frame").click()
    page = lms.page
    expect(page.get_by_role("article", name=_section_title("en"), exact=True)).to_be_visible()

    def active() -> dict:
        return page.evaluate(
            """() => { const el = document.activeElement; const s = getComputedStyle(el);
                return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim(),
                        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                        shadow: s.boxShadow !== 'none'}; }"""
        )

    page.keyboard.press("Tab")
    assert active()["text"] == "Skip to content", f"first Tab stop should be the skip link, got {active()}"
    page.keyboard.press("Enter")
    assert active()["id"] == "main", f"the skip link should move focus to the main content, got {active()}"

    for _ in range(60):
        page.keyboard.press("Tab")
        now = active()
        if now["tag"] == "a" and now["text"] == "Next":
            break
    else:
        pytest.fail("the Next link is not reachable with Tab")
    assert now["outline"] or now["shadow"], f"no visible focus indicator on the focused Next link: {now}"
    page.keyboard.press("Enter")
    expect(page.get_by_role("article", name=_section_title("en", 1), exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/section/"))
    a11y.check(page, "module section 2 (reached by keyboard)")
    a11y.assert_clean()
