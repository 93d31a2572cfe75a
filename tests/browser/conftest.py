"""Browser fixtures: Debian's Chromium driven by Playwright, the demo LMS over real HTTP next to the tool,
grade delivery on demand, and an accessibility checker (axe-core) that every flow calls on each page.

One browser per test module (starting Chromium costs under a second). Not per session: Playwright's sync
API keeps an asyncio loop registered in this thread while it runs, so a browser left open would break other
suites that start their own Playwright (or use Django's ORM) later in the same pytest run, and other test
packages import these fixtures. A fresh browser context (cookies, storage) for every test; a fresh demo
platform (own port, own state file, own keys) for every test, because the tool's tables are emptied after
each test and the platform's gradebook must start empty too.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.support.platform import free_port
from tests.support.requirements import require_browser

CHROMIUM = os.environ.get("NATALLI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
# Waits: the servers are local, so anything slower than this is a real problem, not a slow machine.
TIMEOUT_MS = 10_000
# Except a whole launch: up to six navigations in a row (login with its storage handshake, the platform's
# authorisation, the launch, the storage check, its confirmation, the page), each with its own waits.
LAUNCH_TIMEOUT_MS = 30_000


# --- the browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian. Missing Chromium fails loudly; NATALLI_SKIP_BROWSER=1 skips instead
    (except in CI, where nothing is skipped for a missing browser)."""
    require_browser(CHROMIUM)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A clean browser profile per test (no cookies or local storage carried between flows)."""
    ctx = browser.new_context(viewport=DESKTOP, locale="en-GB")
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


# --- the demo LMS ----------------------------------------------------------------------------------------


@dataclass
class DemoLms:
    """A running demo platform: its base URL (what the browser opens) and its Flask app."""

    url: str
    app: Any


@contextmanager
def serve_demo_lms(
    app: Any, tool_url: str, instance: Path, host: str = "127.0.0.1", register: bool = True
) -> Iterator[DemoLms]:
    """The demo platform on its own port, registered with the tool unless `register=False` (then Dynamic
    Registration is the way in). `host` is the name the browser uses: "localhost" puts the LMS on another
    *site* than the tool (127.0.0.1), as in real deployments."""
    from demo_platform import create_platform_app, registration_json
    from lti_tool.cli import import_registration

    port = free_port()
    url = f"http://{host}:{port}"
    platform_app = create_platform_app(
        {"PLATFORM_BASE_URL": url, "TOOL_BASE_URL": tool_url, "INSTANCE_PATH": str(instance), "TESTING": True}
    )
    server = make_server("127.0.0.1", port, platform_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-platform", daemon=True)
    thread.start()
    if register:
        # As an operator does with `flask platforms import`; it also refreshes the tool's CSP frame-ancestors.
        with app.app_context():
            import_registration(registration_json(url))
    try:
        yield DemoLms(url=url, app=platform_app)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def demo_lms(app: Any, live_tool: str, tmp_path: Path) -> Iterator[DemoLms]:
    """A fresh demo platform per test (the tool's tables are emptied after each test, so the registration is
    made again each time, and the platform's gradebook starts empty)."""
    with serve_demo_lms(app, live_tool, tmp_path / "demo_platform") as lms:
        yield lms


@pytest.fixture
def deliver_grades(app: Any):
    """Send the tool's queued scores to the platform now (what the delivery worker does every few seconds)."""

    def deliver(limit: int = 100) -> Any:
        try:
            from lti_tool.services.delivery import deliver_pending
        except ImportError:
            pytest.fail("lti_tool.services.delivery.deliver_pending is not available: grades cannot be sent.")
        return deliver_pending(app, limit=limit)

    return deliver


# --- accessibility ---------------------------------------------------------------------------------------


class AccessibilityViolations(AssertionError):
    """Raised when axe-core reports serious or critical violations (or a page's lang is wrong).

    Its own class so a known page problem can be marked `xfail(raises=AccessibilityViolations)` without
    hiding a broken flow, which still fails as a plain AssertionError."""


@dataclass
class PageFinding:
    label: str
    url: str
    problems: list[str]


@dataclass
class A11y:
    """Runs axe-core on each page a flow visits and collects what it finds; `assert_clean()` at the end of
    the flow reports every page at once (so one bad page does not hide the next)."""

    tool_url: str
    ui_lang: str = "en"
    findings: list[PageFinding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, page: Any, label: str, *, lang: str | None = None, iframes: bool = True) -> None:
        """axe-core on `page` (a Page or a Frame: the tool runs framed inside the LMS, and each frame is
        checked on its own; `iframes=False` keeps axe from waiting on frames it was not injected into)."""
        page.wait_for_load_state("load")
        problems: list[str] = []
        for violation in run_axe(page, {"resultTypes": ["violations"], "iframes": iframes}):
            if violation.get("impact") not in SERIOUS:
                continue
            targets = [" ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])]
            shown = "; ".join(targets[:6]) + (f" (+{len(targets) - 6} more)" if len(targets) > 6 else "")
            nodes = violation.get("nodes") or [{}]
            summary = (nodes[0].get("failureSummary") or "").replace("\n", " ")
            html = (nodes[0].get("html") or "")[:200]
            problems.append(
                f"[{violation['impact']}] {violation['id']}: {violation['help']}\n"
                f"      elements: {shown}\n"
                f"      first: {html}\n"
                f"      {summary[:300]}\n"
                f"      {violation.get('helpUrl', '')}"
            )
        if page.url.startswith(self.tool_url):
            expected = lang or self.ui_lang
            actual = page.evaluate("document.documentElement.getAttribute('lang')")
            if actual != expected:
                problems.append(f"<html lang={actual!r}>, expected {expected!r} (the UI language)")
        self.checked.append(label)
        if problems:
            self.findings.append(PageFinding(label, page.url, problems))

    def report(self) -> str:
        lines = []
        for f in self.findings:
            lines.append(f"- {f.label} ({_redact(f.url)}):")
            lines.extend(f"    {p}" for p in f.problems)
        return "\n".join(lines)

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked for accessibility"
        if self.findings:
            raise AccessibilityViolations(
                f"accessibility problems on {len(self.findings)} of {len(self.checked)} pages checked:\n"
                + self.report()
            )


_AXE_RUN = """async (options) => {
    const results = await axe.run(document, options);
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
    }));
}"""


def run_axe(page: Any, options: dict[str, Any]) -> list[dict[str, Any]]:
    """The axe-core bundled with axe-playwright-python, injected once per document, returning only the
    violations (what `Axe().run(page)` does, minus shipping every passed check back to Python: that halves
    the time per page, which matters with ~80 pages per run)."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(Axe().axe_script)
    return page.evaluate(_AXE_RUN, options)


def _redact(url: str) -> str:
    """Launch tokens in URLs are secrets of a session; shorten them in reports."""
    return re.sub(r"/s/([^/]{6})[^/]*/", r"/s/\1…/", url)


@pytest.fixture
def a11y(live_tool: str) -> A11y:
    return A11y(tool_url=live_tool)


# --- driving the demo LMS like a person ------------------------------------------------------------------


@dataclass
class Learner:
    """People of the demo course (demo_platform/roster.py), named as its drop-downs name them."""

    sub: str
    name: str
    locale: str


TETIANA = Learner("u-1011", "Tetiana Lysenko", "en")
CIARA = Learner("u-1023", "Ciara O'Sullivan", "en")
NIAMH = Learner("u-1024", "Niamh Murphy", "en")
OLENA = Learner("u-1003", "Olena Kovalenko", "uk")
AOIFE = Learner("u-1001", "Aoife Brennan", "en")  # instructor


@dataclass
class Lms:
    """A person at the demo LMS: open the course, launch an activity (framed, as the LMS shows it), and
    check each page for accessibility on the way."""

    page: Any
    demo: DemoLms
    tool_url: str
    a11y: A11y

    def course(self, *, check: bool = True) -> Any:
        from playwright.sync_api import expect

        self.page.goto(self.demo.url + "/")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Mentoring in transition (demo)")
        if check:
            self.a11y.check(self.page, "demo LMS: course page", iframes=False)
        return self.page

    def launch(
        self, link_title: str, person: Learner, *, instructor: bool = False, check: bool = True, nth: int = 0
    ) -> Any:
        """Pick the person in the activity's drop-down, press "Launch as …" and return the tool's frame
        once the activity has opened inside the LMS page (`nth`: which of several links with that title)."""
        from playwright.sync_api import expect

        if not self.page.url.rstrip("/") == self.demo.url:
            self.course(check=False)
        card = self.page.get_by_role("region", name=link_title, exact=True).nth(nth)
        expect(card).to_be_visible()
        role = "Instructor" if instructor else "Learner"
        select = card.get_by_label(role, exact=True)
        value = select.locator("option", has_text=person.name).first.get_attribute("value")
        select.select_option(value=value)
        card.get_by_role("button", name=f"Launch as {role.lower()}").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(link_title)
        frame = self.tool_frame(link_title)
        if check:
            self.a11y.check(self.page, f"demo LMS: launch page “{link_title}”", iframes=False)
        return frame

    def tool_frame(self, title: str) -> Any:
        """The tool's document inside the LMS page, after the login → launch redirects have settled."""
        handle = self.page.get_by_title(title, exact=True).element_handle()
        frame = handle.content_frame()
        assert frame is not None, f"the LMS page has no frame titled {title!r}"
        try:
            frame.wait_for_url(re.compile("^" + re.escape(self.tool_url) + r"/s/[^/]+/"), timeout=LAUNCH_TIMEOUT_MS)
        except Exception as exc:  # say where the launch got stuck, not just "timeout"
            try:
                text = frame.locator("body").inner_text(timeout=2000)[:600]
            except Exception:
                text = "(no readable page)"
            raise AssertionError(
                f"the launch of {title!r} did not reach an activity page; the frame is at "
                f"{_redact(frame.url)} showing: {text!r}"
            ) from exc
        frame.wait_for_load_state("load")
        return frame

    def gradebook(self, *, check: bool = True) -> Any:
        from playwright.sync_api import expect

        self.page.goto(self.demo.url + "/")
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Gradebook").click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Gradebook")
        if check:
            self.a11y.check(self.page, "demo LMS: gradebook", iframes=False)
        return self.page


@pytest.fixture
def lms(page: Any, demo_lms: DemoLms, live_tool: str, a11y: A11y) -> Lms:
    return Lms(page=page, demo=demo_lms, tool_url=live_tool, a11y=a11y)


@pytest.fixture
def tr(app: Any):
    """The tool's own translation of an English interface string (learners see the UI in their language, so
    a flow that acts as a Ukrainian learner looks for the Ukrainian label)."""

    def translate(text: str, lang: str) -> str:
        from flask_babel import force_locale, gettext

        with app.test_request_context(), force_locale(lang):
            return gettext(text)

    return translate
