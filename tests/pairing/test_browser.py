"""The pairing pages in a real browser: filled in by label and keyboard, checked with axe-core (WCAG 2.2 AA
serious/critical rules) in English and Ukrainian, for the learner and the facilitator."""

from __future__ import annotations

from tests.browser.conftest import a11y, browser, context, page  # noqa: F401 - fixtures
from tests.pairing.conftest import Course


def test_learner_and_facilitator_pages_are_accessible_and_keyboard_usable(app, live_tool, page, a11y):  # noqa: F811
    course = Course(app)
    mentee = course.person("Olena")
    page.goto(live_tool + mentee.url("a/mentee-capacity"))
    a11y.check(page, "questionnaire (empty)")
    page.get_by_label("Ukrainian").check()
    page.get_by_label("English").first.check()
    page.locator("#q-domains-wanted-marketing").check()
    page.get_by_label("What do you hope to get from mentoring?").fill("A foothold in Dutch marketing")
    # Keyboard: from the text box, Tab reaches its "share" checkbox and Space ticks it.
    page.get_by_label("What do you hope to get from mentoring?").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "share-hopes"
    page.keyboard.press("Space")
    page.locator("#q-domains-strengths-finance-3").check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/pairing/a/mentee-capacity?done=saved*")
    assert page.get_by_role("status").inner_text().startswith("Your answers are saved")
    assert "I work with this confidently (3/4)" in page.locator("table.pairing-chart").inner_text()
    a11y.check(page, "questionnaire with profile")

    mentor = course.person("Maria", activity="mentor-capacity", locale="uk")
    page.goto(live_tool + mentor.url("a/mentor-capacity"))
    a11y.check(page, "mentor questionnaire (uk)", lang="uk")
    page.get_by_label("Англійська").first.check()
    page.locator("#q-domains-wanted-marketing").check()
    page.get_by_role("button", name="Зберегти мої відповіді").click()
    page.wait_for_url("**done=saved*")

    fac = course.person("Fran", role="instructor")
    page.goto(live_tool + fac.url("facilitator"))
    page.get_by_role("button", name="Propose pairs").click()
    page.wait_for_url("**done=proposed*")
    assert "Both can talk in English." in page.locator("table.pairing-table").inner_text()
    a11y.check(page, "facilitator with a proposed pair")
    page.get_by_role("button", name="Accept all proposed pairs").click()
    page.get_by_role("button", name="Publish accepted and locked pairs").click()
    page.wait_for_url("**done=published*")
    a11y.check(page, "facilitator after publishing")

    page.goto(live_tool + mentor.url("a/mentor-capacity"))
    assert "Olena" in page.locator("#pair").inner_text()
    assert "A foothold in Dutch marketing" in page.locator("#pair").inner_text()  # shared by the mentee
    a11y.check(page, "mentor sees the pair (uk)", lang="uk")

    # Reflow (WCAG 1.4.10): at 320 CSS px nothing scrolls sideways, on either page.
    page.set_viewport_size({"width": 320, "height": 800})
    for launch, path in ((mentee, "a/mentee-capacity"), (fac, "facilitator")):
        page.goto(live_tool + launch.url(path))
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    a11y.assert_clean()
