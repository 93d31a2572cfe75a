"""Browser checks of the NatAlli XBlocks: their JavaScript against the real handlers, and axe-core (WCAG 2.2 AA).

Run by test_xb_browser.py in a subprocess, so its Playwright instance never meets another one in the same
pytest process. Each block's student_view fragment is put on a minimal course-like page (h1/h2 above it, the
block's own CSS and JS), served from a routed origin; handler URLs are routed to the workbench runtime.

Prints one line per failed check and exits 1 if any failed.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# Playwright's sync API runs an asyncio loop in this thread; the workbench's Django ORM calls happen in the
# same thread between browser steps, which is safe here (one thread, one SQLite connection).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import conftest  # noqa: E402  (Django + workbench set-up, block registration, Harness)

ORIGIN = "http://natalli.test"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PACKAGE = HERE.parent / "natalli_xblocks"


def page_html(harness: conftest.Harness, block: Any, lang: str) -> str:
    from django.utils import translation

    with translation.override(lang):
        frag = block.student_view(None)
    js_file = PACKAGE / block.js_file
    css = (PACKAGE / "static/css/natalli.css").read_text()
    common = (PACKAGE / "static/js/common.js").read_text()
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>NatAlli XBlock check</title>
<style>{css}</style></head><body><main><h1>Course</h1><h2>Unit</h2><div id="block">{frag.content}</div></main>
<script>{common}</script><script>{js_file.read_text()}</script>
<script>var runtime = {{handlerUrl: function (el, name, suffix) {{
  return "/handler/" + name + (suffix ? "/" + suffix : ""); }}}};
{frag.js_init_fn}(runtime, document.getElementById("block"), {json.dumps(frag.json_init_args)});</script>
</body></html>"""


def open_block(page: Any, harness: conftest.Harness, usage_id: str, lang: str = "en") -> None:
    def route(r: Any) -> None:
        path = r.request.url[len(ORIGIN):]
        if path.startswith("/handler/"):
            name = path.split("/")[2]
            payload = r.request.post_data_buffer or b"{}"
            status, body, response = harness.call(harness.block(usage_id), name, payload,
                                                  method=r.request.method, lang=lang)
            r.fulfill(status=status, body=response.body, content_type=response.content_type)
        else:
            r.fulfill(status=200, body=page_html(harness, harness.block(usage_id), lang),
                      content_type="text/html")

    page.unroute("**/*")
    page.route(f"{ORIGIN}/**", route)
    page.goto(f"{ORIGIN}/")


def axe(page: Any, label: str, failures: list[str]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    for violation in results.response["violations"]:
        nodes = [n["target"] for n in violation["nodes"]][:3]
        failures.append(f"axe {label}: {violation['id']} ({violation['impact']}): {violation['help']} {nodes}")


def check_axe_all(page: Any, failures: list[str]) -> None:
    from course_content import load

    olx = {
        "module": '<natalli_module module_id="safe-start"/>',
        "scenario": '<natalli_scenario scenario_id="the-quiet-video-call"/>',
        "journal": '<natalli_journal module_id="safe-start"/>',
        "action_plan": "<natalli_action_plan/>",
    }
    assert load()
    for lang in ("en", "uk"):
        for name, xml in olx.items():
            h = conftest.Harness(f"axe-{name}-{lang}")
            block = h.create(xml)
            if name == "journal":
                h.call(block, "save_entry", {"text": "One shared line.", "shared": True})
                h.call(h.block(block.scope_ids.usage_id), "save_entry", {"text": "One private line."})
            open_block(page, h, block.scope_ids.usage_id, lang)
            axe(page, f"{name}/{lang}", failures)
            if name == "module":  # the reflection part and a later section, too
                page.get_by_role("button", name="Next section" if lang == "en" else "Наступний розділ").click()
                axe(page, f"{name}/{lang} (second section)", failures)


def check_module_keyboard(page: Any, failures: list[str]) -> None:
    h = conftest.Harness("kbd-module")
    usage = h.create('<natalli_module module_id="safe-start"/>').scope_ids.usage_id
    open_block(page, h, usage)
    sections = page.locator("section.natalli-section")
    next_button = sections.nth(0).get_by_role("button", name="Next section")
    next_button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'H4'")
    if not sections.nth(1).is_visible() or sections.nth(0).is_visible():
        failures.append("module: Enter on 'Next section' did not show the second section only")
    second = h.block(usage).module_id and sections.nth(1).get_attribute("data-section")
    focused = page.evaluate("document.activeElement.closest('section').getAttribute('data-section')")
    if focused != second:
        failures.append(f"module: focus went to {focused!r}, not the new section {second!r}")
    page.wait_for_function(f"!document.querySelector('[data-visited-for=\"{second}\"]').hidden")
    page.locator("textarea").first.fill("Having time to land.")
    page.get_by_role("button", name="Save my reflection").click()
    page.wait_for_function("document.querySelector('[data-role=status]').textContent === 'Saved.'")
    if not h.block(usage).reflection_submitted:
        failures.append("module: reflection not stored after 'Saved.'")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete my answers").click()
    page.wait_for_function(
        "document.querySelector('[data-role=status]').textContent === 'Your answers are deleted.'")
    if h.block(usage).reflections or page.locator("textarea").first.input_value():
        failures.append("module: answers not erased")


def check_scenario_conflict(page: Any, failures: list[str]) -> None:
    from test_xb_scenario import FakeTeam, FakeTeams

    teams = FakeTeams({"ana-b": FakeTeam("t1", "Team Sunflower"), "bo-b": FakeTeam("t1", "Team Sunflower")})
    ana, bo = conftest.Harness("ana-b"), conftest.Harness("bo-b")
    for harness in (ana, bo):
        harness.runtime._services["teams"] = teams
    usage = ana.create('<natalli_scenario scenario_id="the-quiet-video-call" teamset_id="breakouts"/>') \
        .scope_ids.usage_id
    open_block(page, bo, usage)
    ana.call(ana.block(usage), "save_note", {"text": "Ana saved first.", "version": 0})
    page.get_by_label("Team note").fill("Bo's thoughts")
    page.get_by_role("button", name="Save team note").click()
    conflict = page.locator("[data-role=conflict]")
    conflict.wait_for(state="visible")
    if "Ana saved first." not in conflict.inner_text():
        failures.append("scenario: conflict panel does not show the newer version")
    status = page.locator("[data-role=note-status]").inner_text()
    if "newer version" not in status:
        failures.append(f"scenario: conflict status not announced: {status!r}")
    page.get_by_role("button", name="Save team note").click()
    page.wait_for_function("document.querySelector('[data-role=note-status]').textContent === 'Saved.'")
    if bo.block(usage).team_notes["t1"]["text"] != "Bo's thoughts":
        failures.append("scenario: second save did not store Bo's text")


def check_journal(page: Any, failures: list[str]) -> None:
    h = conftest.Harness("journal-b")
    usage = h.create("<natalli_journal/>").scope_ids.usage_id
    open_block(page, h, usage)
    page.get_by_label("Your entry").fill("Written in the browser.")
    page.get_by_label("Share this entry with my course team").first.check()
    page.get_by_role("button", name="Save entry").click()
    page.locator(".natalli-entry").first.wait_for()
    if "Written in the browser." not in page.locator("[data-role=entries]").inner_text():
        failures.append("journal: new entry not listed")
    if not h.block(usage).entries[0]["shared"]:
        failures.append("journal: share box on a new entry ignored")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button[data-action=delete]").first.click()
    page.wait_for_function("document.querySelector('[data-role=status]').textContent === 'Entry deleted.'")
    if h.block(usage).entries or h.block(usage).shared_entries:
        failures.append("journal: delete left data behind")


def check_action_plan(page: Any, failures: list[str]) -> None:
    h = conftest.Harness("plan-b")
    usage = h.create("<natalli_action_plan/>").scope_ids.usage_id
    open_block(page, h, usage)
    for index, area in enumerate(page.locator("fieldset textarea[name=goal]").all()):
        area.fill(f"Goal {index}")
    page.locator("input[type=date]").first.fill("2026-12-20")
    page.get_by_role("button", name="Save my plan").click()
    page.locator("[data-role=complete]").wait_for(state="visible")
    if h.block(usage).plan["30"]["review"] != "2026-12-20":
        failures.append("action plan: review date not saved")


def main() -> int:
    from playwright.sync_api import sync_playwright

    executable = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/chromium"
    failures: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        for check in (check_axe_all, check_module_keyboard, check_scenario_conflict, check_journal,
                      check_action_plan):
            page = context.new_page()
            page.on("pageerror", lambda exc, name=check.__name__: failures.append(f"{name}: JS error {exc}"))
            try:
                check(page, failures)
            except Exception:  # noqa: BLE001 - report every check, not just the first broken one
                failures.append(f"{check.__name__}: {traceback.format_exc(limit=3)}")
            page.close()
        browser.close()
    print("\n".join(failures) or "all browser checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
