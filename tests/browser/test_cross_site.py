"""The LMS and the tool on different sites (localhost vs 127.0.0.1), as in every real deployment: the launch
must work inside the LMS's iframe, where the browser treats the tool as a third party (SameSite cookies are
not sent on the cross-site form post; the tool relies on the launch token and LTI client-side storage)."""

from __future__ import annotations

import re

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
    """The LMS page's hidden storage frame (LTI client-side storage) loads late, as on a busy LMS or a slow
    phone connection: the tool's login page sends lti.put_data before the frame exists, and the launch must
    still succeed (lti_storage.js resends every 250 ms until the frame answers).

    "Late" is arranged, not timed: the storage frame's request is held until the tool's storage script has been
    delivered to the login page, so the frame cannot have loaded before the script starts sending."""
    served = {"script": False, "held": 0}
    held: list = []

    def storage_frame(route) -> None:
        if served["script"]:
            route.continue_()
        else:
            served["held"] += 1
            held.append(route)

    def storage_script(route) -> None:
        route.fulfill(response=route.fetch())
        if not served["script"]:
            served["script"] = True
            while held:
                held.pop(0).continue_()

    page.route("**/post_message_forwarding*", storage_frame)
    page.route("**/static/lti_storage.js*", storage_script)
    with serve_demo_lms(app, live_tool, tmp_path / "lms", host="localhost") as demo:
        lms = Lms(page=page, demo=demo, tool_url=live_tool, a11y=a11y)
        frame = lms.launch(MODULE_LINK, TETIANA, check=False)
        from course_content import load

        title = load().module("safe-start", "en").sections[0].title
        expect(frame.get_by_role("article", name=title, exact=True)).to_be_visible()
        assert served["held"] == 1, "the storage frame was held until the tool's script was served"
