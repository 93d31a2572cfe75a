"""The LMS and the tool on different sites (localhost vs 127.0.0.1), as in every real deployment: the launch
must work inside the LMS's iframe, where the browser treats the tool as a third party (SameSite cookies are
not sent on the cross-site form post; the tool relies on the launch token and LTI client-side storage)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TETIANA, Lms, serve_demo_lms

pytestmark = pytest.mark.browser

MODULE_LINK = "Module 1: A safe start"


def test_module_launch_and_autosave_in_a_cross_site_frame(app, live_tool, tmp_path, page, a11y):
    from course_content import load

    module = load().module("safe-start", "en")
    with serve_demo_lms(app, live_tool, tmp_path / "lms", host="localhost") as demo:
        lms = Lms(page=page, demo=demo, tool_url=live_tool, a11y=a11y)
        frame = lms.launch(MODULE_LINK, TETIANA)
        expect(frame.get_by_role("article", name=module.sections[0].title, exact=True)).to_be_visible()
        assert page.url.startswith("http://localhost:"), f"the LMS page must be on another site: {page.url}"
        assert frame.url.startswith(live_tool), frame.url
        a11y.check(frame, "module section in a cross-site frame")

        for section in module.sections[1:]:
            frame.get_by_role("link", name="Next").click()
            expect(frame.get_by_role("article", name=section.title, exact=True)).to_be_visible()
        frame.get_by_role("link", name="Go to reflection").click()
        frame.get_by_label(module.reflection_prompts[0].text).fill("Written inside a cross-site frame.")
        expect(frame.get_by_role("status").filter(has_text=re.compile(r"^Saved"))).to_be_visible()
        frame.get_by_role("button", name="Mark as done").click()
        expect(frame.get_by_role("heading", level=1)).to_contain_text("Well done")
    a11y.assert_clean()


def test_cross_site_launch_survives_a_slow_lms_storage_frame(app, live_tool, tmp_path, page, a11y):
    """The LMS page's hidden storage frame (LTI client-side storage) loads a second late, as on a busy LMS or
    a slow phone connection: the launch must still succeed.

    Fails today: lti_tool/static/lti_storage.js posts lti.put_data once, before the storage frame has loaded;
    the message is lost, the login goes on after its 3 s timeout, and the launch ends on /lti/launch/verify
    with state_mismatch ("This launch was not started in this browser"). It should wait for the frame
    (lti.capabilities handshake, or retry until put_data is acknowledged)."""

    def late(route) -> None:
        time.sleep(1.0)
        route.continue_()

    page.route("**/post_message_forwarding", late)
    with serve_demo_lms(app, live_tool, tmp_path / "lms", host="localhost") as demo:
        lms = Lms(page=page, demo=demo, tool_url=live_tool, a11y=a11y)
        frame = lms.launch(MODULE_LINK, TETIANA, check=False)
        from course_content import load

        title = load().module("safe-start", "en").sections[0].title
        expect(frame.get_by_role("article", name=title, exact=True)).to_be_visible()
