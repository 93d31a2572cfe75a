"""A learner works through a module inside the demo LMS: reads every section, writes a reflection that saves
as they type, marks the module as done — and the LMS gradebook then shows the score and completion."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OLENA, TETIANA

pytestmark = pytest.mark.browser

MODULE_LINK = "Module 1: A safe start"  # seeded in the demo course, custom activity=safe-start


def _module():
    from course_content import load

    return load().module("safe-start", "en")


def test_learner_completes_a_module_and_the_gradebook_shows_it(lms, a11y, deliver_grades):
    module = _module()
    total = len(module.sections) + 1
    frame = lms.launch(MODULE_LINK, TETIANA)

    # Sections one at a time, with progress; "Next" until the reflection.
    for number, section in enumerate(module.sections, start=1):
        expect(frame.get_by_role("article", name=section.title, exact=True)).to_be_visible()
        expect(frame.get_by_text(f"Part {number} of {total}", exact=True)).to_be_visible()
        progress = frame.get_by_role("progressbar")
        expect(progress).to_have_attribute("aria-valuenow", str(number))
        a11y.check(frame, f"module section {number}: {section.title}")
        # Referral information is reachable from every module page.
        expect(frame.get_by_role("complementary").get_by_text("Where to find professional support")).to_be_visible()
        pager = frame.get_by_role("navigation", name="Module parts")
        pager.get_by_role("link", name="Go to reflection" if number == len(module.sections) else "Next").click()

    expect(frame.get_by_role("heading", level=1)).to_have_text("Reflection")
    a11y.check(frame, "module reflection")

    # Autosave: typing is enough; the status next to the field says so.
    prompt = module.reflection_prompts[0]
    words = "Small routines helped me land: a morning walk and one honest conversation a week."
    frame.get_by_label(prompt.text).fill(words)
    expect(frame.get_by_role("status").filter(has_text=re.compile(r"^Saved"))).to_be_visible()

    # The text is on the server, not just in this browser: clear the browser's local copy, leave, come back.
    frame.evaluate("localStorage.clear()")
    frame.get_by_role("navigation", name="Module parts").get_by_role("link", name="Previous").click()
    expect(frame.get_by_role("article", name=module.sections[-1].title, exact=True)).to_be_visible()
    frame.get_by_role("link", name="Go to reflection").click()
    expect(frame.get_by_label(prompt.text)).to_have_value(words)

    frame.get_by_role("button", name="Mark as done").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text(f"Well done — you finished “{module.title}”")
    expect(frame.get_by_text("Completed", exact=True)).to_be_visible()
    a11y.check(frame, "module done")

    report = deliver_grades()
    assert report.delivered >= 1, f"no score was delivered to the platform: {report}"

    page = lms.gradebook()
    headers = [h.strip() for h in page.get_by_role("columnheader").all_inner_texts()]
    column = next((i for i, h in enumerate(headers) if h.startswith("A safe start")), None)
    assert column is not None, f"no gradebook column for the module; columns: {headers}"
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(TETIANA.name)))
    cell = row.get_by_role("cell").nth(column - 1)  # the row header takes the first column
    expect(cell).to_contain_text(re.compile(r"100(\.0+)? / 100"))
    expect(cell).to_contain_text("Completed")
    expect(cell).to_contain_text("FullyGraded")
    # Nobody else got a grade for it.
    other = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(OLENA.name)))
    expect(other.get_by_role("cell").nth(column - 1)).to_have_text("—")

    a11y.assert_clean()


def test_module_page_reflows_at_320_css_pixels(lms, a11y):
    """WCAG 1.4.10: at 320 px wide the module reads without horizontal scrolling (opened on its own, as a
    phone user does with "Open without the frame")."""
    lms.page.set_viewport_size({"width": 320, "height": 640})
    lms.launch(MODULE_LINK, TETIANA, check=False)
    lms.page.get_by_role("link", name="Open without the frame").click()
    page = lms.page
    page.wait_for_url(re.compile("^" + re.escape(lms.tool_url) + r"/s/.+/section/"))
    expect(page.get_by_role("article", name=_module().sections[0].title, exact=True)).to_be_visible()

    def overflow() -> dict:
        return page.evaluate(
            """() => {
                const doc = document.documentElement;
                const wide = [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > doc.clientWidth + 1)
                    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim()
                        .replace(/\\s+/g, '.') : ''));
                return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
            }"""
        )

    first = overflow()
    assert first["scroll"] <= first["client"], f"horizontal scroll on the module section at 320 px: {first}"
    a11y.check(page, "module section at 320 px")

    for section in _module().sections[1:]:
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_role("article", name=section.title, exact=True)).to_be_visible()
        found = overflow()
        assert found["scroll"] <= found["client"], f"horizontal scroll on “{section.title}” at 320 px: {found}"
    page.get_by_role("link", name="Go to reflection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reflection")
    found = overflow()
    assert found["scroll"] <= found["client"], f"horizontal scroll on the reflection page at 320 px: {found}"
    a11y.check(page, "module reflection at 320 px")
    a11y.assert_clean()


def _uk_module():
    from course_content import load

    return load().module("safe-start", "uk")


def test_ukrainian_learner_gets_lang_uk(lms, a11y):
    """The launch's locale (uk) decides the page language: content in Ukrainian and <html lang="uk">, so a
    screen reader reads it with a Ukrainian voice."""
    a11y.ui_lang = "uk"
    frame = lms.launch(MODULE_LINK, OLENA)
    expect(frame.locator("html")).to_have_attribute("lang", "uk")
    expect(frame.get_by_role("article", name=_uk_module().sections[0].title, exact=True)).to_be_visible()
    a11y.check(frame, "module section (uk)")
    a11y.assert_clean()


def test_ukrainian_learner_gets_the_interface_in_ukrainian(lms):
    """Not only the content: the buttons, navigation and progress around it are Ukrainian too."""
    frame = lms.launch(MODULE_LINK, OLENA, check=False)
    expect(frame.get_by_role("article", name=_uk_module().sections[0].title, exact=True)).to_be_visible()
    english = {
        "navigation “Module parts”": frame.get_by_role("navigation", name="Module parts", exact=True),
        "link “Next”": frame.get_by_role("link", name="Next", exact=True),
        "navigation “Programme”": frame.get_by_role("navigation", name="Programme", exact=True),
        "link “All activities”": frame.get_by_role("link", name="All activities", exact=True),
        "text “Part 1 of 5”": frame.get_by_text(re.compile(r"^Part 1 of \d+$")),
        "summary “Where to find professional support”": frame.get_by_text(
            "Where to find professional support", exact=True),
    }
    untranslated = [name for name, locator in english.items() if locator.count()]
    assert not untranslated, f"English interface text on a Ukrainian learner's module page: {untranslated}"


def test_reloading_the_first_page_after_a_launch_shows_it_again(lms):
    """The launch answers with the first section itself; the browser's address is then that section's, so a
    reload shows the section again instead of re-posting the (single-use) launch."""
    first = _module().sections[0]
    frame = lms.launch(MODULE_LINK, TETIANA, check=False)
    expect(frame.get_by_role("article", name=first.title, exact=True)).to_be_visible()
    assert "/module/safe-start/section/" in frame.url and "/lti/launch" not in frame.url
    with frame.expect_navigation():
        frame.evaluate("location.reload()")
    expect(frame.get_by_role("article", name=first.title, exact=True)).to_be_visible()
    expect(frame.get_by_text("already used")).to_have_count(0)


def test_text_typed_before_the_page_script_arrives_is_saved(lms, page):
    """On a slow connection a learner can start writing before the page's script has loaded. What they typed
    must still be saved (not only what they type after the script starts listening)."""
    module = _module()
    frame = lms.launch(MODULE_LINK, TETIANA, check=False)
    expect(frame.get_by_role("article", name=module.sections[0].title, exact=True)).to_be_visible()
    held: list = []
    page.route("**/static/activities/activities.js", lambda route: held.append(route))
    url = frame.url.split("/section/")[0] + "/reflect"
    frame.goto(url, wait_until="commit")  # a deferred script holds back DOMContentLoaded itself
    prompt = module.reflection_prompts[0]
    words = "Typed while the page was still loading."
    frame.get_by_label(prompt.text).fill(words)
    page.wait_for_timeout(300)
    assert held, "the script request was not held back"
    for route in held:
        route.continue_()
    page.unroute("**/static/activities/activities.js")
    expect(frame.get_by_role("status").filter(has_text=re.compile(r"^Saved"))).to_be_visible()
    frame.evaluate("localStorage.clear()")  # the server has it, not only this browser
    frame.goto(url)
    expect(frame.get_by_label(prompt.text)).to_have_value(words)
