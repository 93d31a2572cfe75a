"""The pilot evaluation in a browser: a learner answers a feedback questionnaire with the keyboard inside the
LMS frame, and the LMS administrator opens the programme report from the demo LMS — every chart has its data
table beside it, and both pages pass axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TETIANA

pytestmark = pytest.mark.browser


def test_learner_answers_feedback_and_admin_opens_the_report(app, lms, a11y):
    from demo_platform import registration_json
    from lti_tool.programme.demo import seed_pilot_activity

    registration = registration_json(lms.demo.url)
    with app.app_context():
        seed_pilot_activity(registration["issuer"], registration["deployment_ids"][0])

    # A learner opens the questionnaire from the programme overview, inside the LMS frame.
    frame = lms.launch("Reflection journal", TETIANA, check=False)
    token = re.search(r"/s/([^/]+)/", frame.url).group(1)
    frame.goto(f"{lms.tool_url}/s/{token}/programme")
    frame.get_by_role("link", name="Feedback on the whole programme").click()
    expect(frame.get_by_role("heading", name="How your answers are kept")).to_be_visible()
    a11y.check(frame, "feedback questionnaire")
    # Keyboard only: into the first radio group, arrow keys move the choice within the group.
    group = frame.get_by_role("group", name="I felt safe to share as much or as little as I wanted.")
    group.get_by_label("Agree", exact=True).focus()
    lms.page.keyboard.press("ArrowRight")
    expect(group.get_by_label("Strongly agree")).to_be_checked()
    frame.get_by_label("What worked well for you?").fill("The small groups.")
    frame.get_by_role("button", name="Send my anonymous answers").press("Enter")
    expect(frame.get_by_role("status")).to_contain_text("Your answers have been received.")
    expect(frame.get_by_role("heading", name="You have answered this questionnaire")).to_be_visible()
    a11y.check(frame, "feedback questionnaire: answered")

    # The LMS administrator opens the programme report from the course page.
    lms.course()
    admin_card = lms.page.get_by_role("region", name="Programme report", exact=True)
    admin_card.get_by_role("button", name=re.compile("^Programme report \\(as .*administrator\\)$")).click()
    frame = lms.tool_frame("Programme report")
    expect(frame.get_by_role("heading", level=1, name="Programme report")).to_be_visible()
    charts = frame.locator("figure.report-chart svg[role=img]")
    assert charts.count() >= 8
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("aria-label").endswith("the same figures are in the table.")
        pair = chart.locator("xpath=ancestor::div[contains(@class,'report-pair')]")
        table = pair.locator("table")
        expect(table).to_have_count(1)
        assert table.locator("th[scope=col]").count() >= 2 and table.locator("tbody tr").count() >= 1
    expect(frame.get_by_text("Mentoring in transition — spring cohort").first).to_be_visible()
    a11y.check(frame, "programme report")
    a11y.assert_clean()
