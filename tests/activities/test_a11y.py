"""Every activity page in a real browser: axe-core reports no serious or critical violations, at 320 px
and on a laptop, and nothing scrolls sideways at 320 px. Chromium or Playwright missing fails like the other
browser tests (tests/support/requirements.py): skipped only on purpose, and never in CI."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.activities.conftest import csrf_of
from tests.support.requirements import CHROMIUM, require_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def playwright() -> ModuleType:
    require_browser(CHROMIUM)
    import playwright.sync_api

    return playwright.sync_api


@pytest.fixture(scope="module")
def axe_module() -> ModuleType:
    require_browser(CHROMIUM)
    import axe_playwright_python.sync_playwright

    return axe_playwright_python.sync_playwright
SCENARIO = "the-quiet-video-call"


@pytest.fixture
def pages(app, client, make_launch, form_groups) -> list[str]:
    """Launch paths covering every page, with some data on them."""
    learner = make_launch(sub="anna", name="Anna")
    buddy = make_launch(sub="bohdana", activity=SCENARIO, name="Bohdana")
    form_groups(learner.context_pk, [("anna", "Anna"), ("bohdana", "Bohdana")])
    teacher = make_launch(role="instructor", sub="teacher", activity="")
    token = csrf_of(client.get(learner.url("journal/")).text)
    client.post(learner.url("journal/"), data={"text": "A private thought", "csrf_token": token})
    client.post(learner.url("journal/"), data={"text": "A shared thought", "shared": "1", "csrf_token": token})
    client.post(learner.url("plan/"), data={"csrf_token": token, "goal-30": "Goal", "new-step-30": "First step"})
    page = client.get(buddy.url(f"scenario/{SCENARIO}/"))
    client.post(buddy.url(f"scenario/{SCENARIO}/note"), data={"text": "Our note", "version": "0",
                                                              "csrf_token": csrf_of(page.text)})
    for i in range(5):  # enough people for the insight page to show its tables and themes
        other = make_launch(sub=f"p{i}", activity="reflection-journal")
        client.post(other.url("journal/"), data={"text": "Networks and patience matter", "shared": "1",
                                                 "csrf_token": csrf_of(client.get(other.url("journal/")).text)})
    t_token = csrf_of(client.get(teacher.url("programme")).text)
    client.post(teacher.url(f"scenario/{SCENARIO}/timer"), data={"minutes": "20", "csrf_token": t_token})
    from course_content import load

    # A practice round with feedback on it: the trainer's and a peer's view of it, and the instructors' counts.
    trainer = make_launch(sub="olena", activity="practice-rounds", name="Olena")
    peer = make_launch(sub="marieke", activity="practice-rounds", name="Marieke")
    unit = load().ttt_unit("practice-rounds", "en")
    opened = client.post(trainer.url("ttt/practice-rounds/rounds/"), data={
        "csrf_token": csrf_of(client.get(trainer.url("ttt/practice-rounds/rounds/")).text),
        "step": unit.round_steps()[0].id})
    round_path = opened.headers["Location"].split("/s/", 1)[1].split("/", 1)[1]
    client.post(peer.url(round_path + "/feedback"), data={
        "csrf_token": csrf_of(client.get(peer.url(round_path)).text),
        **{f"q-{q.id}": "Specific and kind." for q in unit.feedback_questions}})
    module = load().module("safe-start", "en")
    return [
        trainer.url("ttt/practice-rounds/"),
        trainer.url("ttt/practice-rounds/rounds/"),
        trainer.url(round_path),
        peer.url(round_path),
        teacher.url("ttt/practice-rounds/rounds/"),
        learner.url("programme"),
        learner.url(f"module/safe-start/section/{module.sections[0].id}"),
        learner.url(f"module/safe-start/section/{module.sections[1].id}"),
        learner.url("module/safe-start/reflect"),
        learner.url(f"scenario/{SCENARIO}/"),
        learner.url("journal/"),
        learner.url("plan/"),
        learner.url("plan/print"),
        learner.url("support"),
        teacher.url("programme"),
        teacher.url(f"scenario/{SCENARIO}/facilitator"),
        teacher.url("journal/shared"),
        teacher.url("insight/"),
        teacher.url("planner/"),
        teacher.url("planner/print"),
        teacher.url("planner/run"),
        teacher.url("ttt/preparing-a-programme/"),
        teacher.url("countries/"),
        teacher.url("countries/country-ua"),
    ]


def test_pages_pass_axe_and_fit_320px(app, live_tool, pages, playwright, axe_module):
    axe = axe_module.Axe()
    problems: list[str] = []
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for width in (320, 1280):
                context = browser.new_context(viewport={"width": width, "height": 800})
                page = context.new_page()
                for path in pages:
                    page.goto(live_tool + path)
                    results = axe.run(page)
                    for v in results.response["violations"]:
                        if v["impact"] in ("serious", "critical"):
                            targets = [n["target"] for n in v["nodes"]][:3]
                            problems.append(f"{width}px {path}: {v['id']} ({v['impact']}) {targets}")
                    if width == 320:
                        overflow = page.evaluate("document.documentElement.scrollWidth")
                        if overflow > 322:
                            problems.append(f"320px {path}: page is {overflow}px wide")
                context.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)


def test_autosave_and_kept_text_in_browser(app, live_tool, make_launch, playwright):
    """Typing saves by itself; when the launch has expired, the page says the text is kept locally."""
    launch = make_launch()
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(live_tool + launch.url("module/safe-start/reflect"))
            page.fill("#prompt-a-small-next-step", "Typed in the browser")
            page.wait_for_selector("#status-a-small-next-step.ok", timeout=10_000)
            assert "Saved" in page.text_content("#status-a-small-next-step")
            page.reload()
            assert page.input_value("#prompt-a-small-next-step") == "Typed in the browser"
            # Expire the launch, type again: the text must stay on the device and the page must say so.
            from lti_tool.extensions import db
            from lti_tool.models import LaunchSession, utcnow

            with app.app_context():
                db.session.get(LaunchSession, launch.token).expires_at = utcnow()
                db.session.commit()
            page.fill("#prompt-a-small-next-step", "Words after expiry")
            page.wait_for_selector("#kept-notice:not([hidden])", timeout=10_000)
            assert "re-open the activity" in page.text_content("#status-a-small-next-step")
            kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('natalli:'))"
                                 ".map(k => localStorage.getItem(k)).join(' ')")
            assert "Words after expiry" in kept
        finally:
            browser.close()


def test_group_note_picks_up_a_newer_version(app, live_tool, client, make_launch, form_groups, playwright):
    """An open, untouched group note takes a group member's newer text (and version) by itself."""
    anna = make_launch(activity=SCENARIO, sub="anna")
    bohdana = make_launch(activity=SCENARIO, sub="bohdana")
    form_groups(anna.context_pk, [("anna", "Anna"), ("bohdana", "Bohdana")])
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(live_tool + anna.url(f"scenario/{SCENARIO}/"))
            other = client.get(bohdana.url(f"scenario/{SCENARIO}/"))
            client.post(bohdana.url(f"scenario/{SCENARIO}/note"),
                        data={"text": "Bohdana's point", "version": "0", "csrf_token": csrf_of(other.text)})
            page.wait_for_selector('#group-note input[name="version"][value="1"]', state="attached", timeout=30_000)
            assert page.input_value("#note-text") == "Bohdana's point"
        finally:
            browser.close()


def test_practice_round_feedback_arrives_while_the_trainer_writes(app, client, live_tool, make_launch, playwright):
    """The trainer's round page fetches new feedback by itself; her unsaved self-reflection stays as typed."""
    from course_content import load

    unit = load().ttt_unit("practice-rounds", "en")
    trainer = make_launch(sub="t-live", activity="practice-rounds", name="Trainer Live")
    peer = make_launch(sub="p-live", activity="practice-rounds", name="Peer Live")
    opened = client.post(trainer.url("ttt/practice-rounds/rounds/"), data={
        "csrf_token": csrf_of(client.get(trainer.url("ttt/practice-rounds/rounds/")).text),
        "step": unit.round_steps()[2].id})
    round_path = opened.headers["Location"].split("/s/", 1)[1].split("/", 1)[1]
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.clock.install()
            page.goto(live_tool + trainer.url(round_path))
            assert "No feedback yet" in page.text_content("#feedback-list")
            page.fill("#text", "Draft: I spoke too fast")
            client.post(peer.url(round_path + "/feedback"), data={
                "csrf_token": csrf_of(client.get(peer.url(round_path)).text),
                **{f"q-{q.id}": f"Answer to {q.id}" for q in unit.feedback_questions}})
            page.clock.fast_forward(16_000)
            page.locator("#feedback-list").get_by_text("Peer Live").wait_for(timeout=10_000)
            assert "Feedback from your peers (1)" in page.text_content("#feedback-list")
            assert page.input_value("#text") == "Draft: I spoke too fast"
        finally:
            browser.close()
