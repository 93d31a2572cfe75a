"""An LMS administrator installs the tool with LTI Dynamic Registration from the demo LMS (the tool's page
opens in the LMS's frame and closes itself), then an instructor adds an activity through the new
registration and a learner opens it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE, TETIANA, Lms, serve_demo_lms

pytestmark = pytest.mark.browser


def test_admin_registers_the_tool_and_the_new_registration_works(app, live_tool, tmp_path, page, a11y):
    from course_content import load

    module = load().module("safe-start", "en")
    with serve_demo_lms(app, live_tool, tmp_path / "lms", register=False) as demo:
        lms = Lms(page=page, demo=demo, tool_url=live_tool, a11y=a11y)
        lms.course(check=False)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Register the tool (Dynamic Registration)").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Register the tool (Dynamic Registration)")
        expect(page.get_by_role("status")).to_have_text(
            "The tool has finished registering. See the status page for the new client id.")
        expect(page.get_by_title("Tool registration")).to_have_count(0)  # the tool closed its frame
        a11y.check(page, "demo LMS: dynamic registration finished", iframes=False)

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Status").click()
        rows = page.get_by_role("row").filter(has_text="/lti/login")
        expect(rows).to_have_count(2)  # the configured client and the new one
        new_client = [c.strip() for c in rows.nth(1).get_by_role("cell").all_inner_texts()][0]
        assert new_client and new_client != "natalli-demo", new_client
        a11y.check(page, "demo LMS: status page", iframes=False)

        # An instructor adds a module through the new registration.
        page = lms.course(check=False)
        form = page.locator("form").filter(has=page.get_by_role("button", name="Add activities (Deep Linking)"))
        form.get_by_label("As instructor").select_option(label=AOIFE.name)
        tool = form.get_by_label("Tool")
        tool.select_option(value=new_client)
        form.get_by_role("button", name="Add activities (Deep Linking)").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add NatAlli activities to your course")
        page.get_by_role("checkbox", name=module.title).check()
        page.get_by_role("button", name="Add the chosen activities").click()
        expect(page.get_by_text(f"Added “{module.title}” to the course.", exact=True)).to_be_visible()

        frame = lms.launch(module.title, TETIANA, check=False)
        expect(frame.get_by_role("article", name=module.sections[0].title, exact=True)).to_be_visible()
        a11y.check(frame, "module opened through the dynamically registered tool")
    a11y.assert_clean()
