"""End to end over HTTP with the demo platform (the mini-LMS): an instructor deep-links the whole programme,
a learner completes a module, the worker delivers, the gradebook shows it; an AGS outage loses nothing."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from demo_platform import create_platform_app, registration_json
from demo_platform.client import LaunchClient
from tests.services.test_delivery import make_due
from tests.support.platform import free_port


@pytest.fixture(scope="module")
def demo(app, live_tool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    platform_app = create_platform_app(
        {
            "INSTANCE_PATH": str(Path(tmp_path_factory.mktemp("demo")) / "platform"),
            "PLATFORM_BASE_URL": base,
            "TOOL_BASE_URL": live_tool,
            "TESTING": True,
        }
    )
    server = make_server("127.0.0.1", port, platform_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base, platform_app
    server.shutdown()


@pytest.fixture
def registered(app, demo):
    from lti_tool.cli import import_registration
    from lti_tool.services import tokens

    base, platform_app = demo
    tokens.clear_process_cache()
    with app.app_context():
        import_registration(registration_json(base))
    return base, platform_app


def platform_state(platform_app) -> dict:
    from demo_platform.app import ctx

    with platform_app.app_context():
        with ctx().store.read() as state:
            return {
                "links": {k: dict(v) for k, v in state["resource_links"].items()},
                "items": {k: dict(v) for k, v in state["line_items"].items()},
                "latest": {k: dict(v) for k, v in state["latest_scores"].items()},
            }


def all_scores(platform_app) -> list[dict]:
    from demo_platform.app import ctx

    with platform_app.app_context():
        return [dict(s) for s in ctx().store.scores]


def deep_link_whole_programme(base: str, live_tool: str) -> None:
    browser = LaunchClient(base)
    picker = browser.deep_link("u-1001")
    assert picker.status_code == 200 and "/deep-link" in picker.url, picker.text[:500]
    action = re.search(r'<form method="post" action="([^"]+)"', picker.text).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', picker.text).group(1)
    response = browser.session.post(live_tool + action, data={"csrf_token": token, "bundle": "programme"})
    assert response.status_code == 200
    back = browser.submit_form(response)  # what autopost.js does in a browser
    assert back.status_code == 200, back.text[:500]


def complete_module(base: str, learner: str, link_id: str, module_id: str) -> str:
    """Open the link as `learner`, read every section, write a reflection, mark the module done."""
    from course_content import load

    browser = LaunchClient(base)
    page = browser.launch(learner, link_id)
    assert page.status_code == 200, page.text[:500]
    lt = re.search(r"/s/([^/]+)/", page.url).group(1)
    tool = page.url.split("/s/")[0]
    module = load().module(module_id, "en")
    for section in module.sections:
        assert browser.session.get(f"{tool}/s/{lt}/module/{module_id}/section/{section.id}").status_code == 200
    reflect = browser.session.get(f"{tool}/s/{lt}/module/{module_id}/reflect")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', reflect.text).group(1)
    prompt = module.reflection_prompts[0].id
    done = browser.session.post(
        f"{tool}/s/{lt}/module/{module_id}/reflect",
        data={"csrf_token": csrf, f"prompt-{prompt}": "Time to land, and a friend who listened.", "action": "done"},
    )
    assert done.status_code == 200, done.text[:500]
    return lt


def test_deep_link_complete_and_survive_an_ags_outage(app, live_tool, registered):
    from lti_tool.extensions import db
    from lti_tool.grades.models import DELIVERED, ScoreOutbox
    from lti_tool.services.delivery import deliver_pending

    base, platform_app = registered
    deep_link_whole_programme(base, live_tool)
    state = platform_state(platform_app)
    by_activity = {link["custom"].get("activity"): link for link in state["links"].values()}
    for activity in ("safe-start", "professional-identity", "reflection-journal", "action-plan-30-60-90"):
        assert activity in by_activity, sorted(by_activity)
    link = by_activity["safe-start"]
    item = state["items"][link["line_item_id"]]
    assert item["resourceId"] == "safe-start" and item["tag"] == "natalli" and item["scoreMaximum"] == 100

    # A learner completes the module; their page never waited on the LMS — delivery is the worker's job.
    complete_module(base, "u-1003", link["id"], "safe-start")
    report = deliver_pending(app)
    assert report.delivered >= 2 and report.failed == 0
    latest = platform_state(platform_app)["latest"][f"{item['id']}|u-1003"]
    assert latest["scoreGiven"] == 100 and latest["scoreMaximum"] == 100
    assert latest["activityProgress"] == "Completed" and latest["gradingProgress"] == "FullyGraded"
    gradebook = requests.get(base + "/gradebook").text
    assert "100" in gradebook
    tokens_before = sum(platform_state_tokens(base).values())

    # The platform's AGS endpoint goes down while a second learner works.
    requests.post(base + "/_control", json={"ags": "error500"}).raise_for_status()
    complete_module(base, "u-1004", link["id"], "safe-start")
    down = deliver_pending(app)
    assert down.delivered == 0 and down.retrying >= 1
    assert f"{item['id']}|u-1004" not in platform_state(platform_app)["latest"]

    requests.post(base + "/_control", json={"ags": "ok"}).raise_for_status()
    make_due(app)
    deliver_pending(app)
    with app.app_context():
        rows = list(db.session.scalars(ScoreOutbox.__table__.select().where(ScoreOutbox.status != DELIVERED)))
        assert rows == []
        sent = db.session.query(ScoreOutbox).join(ScoreOutbox.user).filter_by(sub="u-1004").count()
    received = [s for s in all_scores(platform_app) if s["userId"] == "u-1004" and s["lineItemId"] == item["id"]]
    assert len(received) == sent  # every score exactly once
    stamps = [s["timestamp"] for s in received]
    assert stamps == sorted(stamps)  # in order
    assert received[-1]["activityProgress"] == "Completed" and received[-1]["scoreGiven"] == 100
    assert sum(platform_state_tokens(base).values()) == tokens_before  # the token was reused throughout


def platform_state_tokens(base: str) -> dict[str, int]:
    return requests.get(base + "/_status").json()["token_requests"]
