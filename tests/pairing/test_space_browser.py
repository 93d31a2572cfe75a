"""A mentoring pair in a real browser, from the first agreement to closing the space: the mentee works in
English, the mentor in Ukrainian; every state is checked with axe-core (WCAG 2.2 AA serious/critical rules),
and the page reflows at 320 CSS px."""

from __future__ import annotations

import re

from lti_tool.activities.models import PlanHorizon, PlanStep
from lti_tool.extensions import db
from lti_tool.pairing.models import PUBLISHED, PairingPair
from tests.browser.conftest import a11y, browser, context, page  # noqa: F401 - fixtures
from tests.pairing.conftest import Course


def test_a_pair_walks_from_agreement_to_closing_in_two_languages(app, live_tool, page, a11y):  # noqa: F811
    course = Course(app)
    mentee = course.person("Olena", locale="en")
    mentor = course.person("Mariia", locale="uk")
    fac = course.person("Fran", role="instructor")
    with app.app_context():
        db.session.add(PairingPair(context_pk=course.context_pk, stage=PUBLISHED, mentor_user_id=mentor.user_id,
                                   mentee_user_id=mentee.user_id, status="accepted", reasons=[]))
        horizon = PlanHorizon(user_id=mentee.user_id, context_pk=course.context_pk, days=30, goal="", support="")
        horizon.steps.append(PlanStep(text="Ask the lab in Leiden for an informal visit", position=0, done=False))
        db.session.add(horizon)
        db.session.commit()

    def open_space(launch) -> None:
        page.goto(f"{live_tool}/s/{launch.token}/pair/")
        page.wait_for_url(re.compile(r".*/pair/\d+/.*"))

    # The mentee (English) proposes the agreement.
    open_space(mentee)
    assert page.get_by_role("heading", level=1).inner_text() == "Your pair space"
    a11y.check(page, "pair space, empty (en)")
    page.get_by_label("How often and how we meet").fill("Every second Tuesday, one hour, by video")
    page.get_by_label("The language or languages we use").fill("Ukrainian, and English for practice")
    page.get_by_role("button", name="Propose this agreement").click()
    page.wait_for_url("**done=proposed*")
    assert "holds once your partner confirms it" in page.get_by_role("status").inner_text()

    # The mentor (Ukrainian) reads and confirms it, and logs the first meeting.
    open_space(mentor)
    assert page.get_by_role("heading", level=1).inner_text() == "Ваш спільний простір"
    assert "Every second Tuesday" in page.locator("#agreement").inner_text()
    a11y.check(page, "pair space, proposal to confirm (uk)", lang="uk")
    page.get_by_role("button", name="Я підтверджую цю домовленість").click()
    page.wait_for_url("**done=confirmed*")
    assert "Чинна (версія 1" in page.locator("#agreement").inner_text()
    page.locator("#new-met-on").fill("2026-11-20")
    page.get_by_label("Про що ми говорили").last.fill("Recognition of the diploma; the lab visit")
    page.get_by_label("Наступний невеликий крок").last.fill("Write to the lab")
    page.get_by_role("button", name="Додати до журналу").click()
    page.wait_for_url("**done=logged*")
    assert "Write to the lab" in page.locator("#log").inner_text()
    a11y.check(page, "pair space with a meeting (uk)", lang="uk")

    # The mentee shares her plan step; she adds to the mentor's log entry.
    open_space(mentee)
    page.get_by_label(re.compile("Ask the lab in Leiden")).check()
    page.get_by_role("button", name="Save my choice").click()
    page.wait_for_url("**done=steps*")
    page.locator("#log details summary").first.click()
    topics = page.locator("#log details textarea[name=topics]").first
    topics.fill(topics.input_value() + "; and the Dutch course")
    page.get_by_role("button", name="Save this meeting").first.click()
    page.wait_for_url("**done=logged*")
    assert "and the Dutch course" in page.locator("#log").inner_text()

    # The mentor sees the shared step and encourages; then asks the facilitator for help.
    open_space(mentor)
    assert "Ask the lab in Leiden" in page.locator("#steps").inner_text()
    page.get_by_label("Слово підтримки").fill("Чудовий крок!")
    page.get_by_role("button", name="Додати коментар").click()
    page.wait_for_url("**done=commented*")
    page.get_by_role("button", name="Попросити фасилітатора зв’язатися").click()
    page.wait_for_url("**done=help*")
    a11y.check(page, "pair space, shared step and help (uk)", lang="uk")

    # The facilitator sees counts, never words.
    page.goto(f"{live_tool}/s/{fac.token}/pair/facilitator")
    text = page.locator("main").inner_text()
    assert "Mariia asked on" in text and "Write to the lab" not in text and "Leiden" not in text
    a11y.check(page, "facilitator counts (en)")

    # A good ending: both reflect and say they are ready.
    open_space(mentor)
    page.get_by_label("Озираючись на наш спільний час: що я забираю з собою?").fill("Ask first, then advise.")
    page.get_by_role("button", name="Зберегти мою рефлексію").click()
    page.wait_for_url("**done=reflection*")
    page.get_by_role("button", name="Підтверджую готовність закрити наш спільний простір").click()
    page.wait_for_url("**done=ready*")
    open_space(mentee)
    assert "Mariia is ready to close the space." in page.locator("#ending").inner_text()
    page.get_by_label("Looking back on our time together, what do I take with me?").fill("My lab years count.")
    page.get_by_label("Show my reflection to my partner").check()
    page.get_by_role("button", name="Save my reflection").click()
    page.wait_for_url("**done=reflection*")
    page.get_by_role("button", name="I am ready to close our pair space").click()
    page.wait_for_url("**done=closed*")
    assert "This space is closed." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Export your part and our shared log (JSON)").is_visible()
    a11y.check(page, "pair space, closed (en)")
    open_space(mentor)
    assert "My lab years count." in page.locator("#ending").inner_text()  # she shared it
    a11y.check(page, "pair space, closed (uk)", lang="uk")

    # Reflow (WCAG 1.4.10): at 320 CSS px nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    open_space(mentee)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto(f"{live_tool}/s/{fac.token}/pair/facilitator")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    a11y.assert_clean()
