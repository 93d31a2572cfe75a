"""The demo: `make run` seeds made-up pilot activity, and the demo platform's administrator opens the
programme report through a real signed LTI launch (system/institution Administrator roles) and sees the
platform's courses — with charts that show something."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from demo_platform import create_platform_app, registration_json
from demo_platform.client import LaunchClient
from demo_platform.roster import ADMIN, LEARNERS, PEOPLE
from lti_tool.extensions import db
from tests.support.platform import free_port


@pytest.fixture
def demo(app, live_tool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    platform_app = create_platform_app({
        "INSTANCE_PATH": str(Path(tmp_path_factory.mktemp("demo-report")) / "platform"),
        "PLATFORM_BASE_URL": base, "TOOL_BASE_URL": live_tool, "TESTING": True,
    })
    server = make_server("127.0.0.1", port, platform_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base, platform_app
    server.shutdown()


def test_seeding_is_deterministic_and_happens_once(app):
    from lti_tool.cli import import_registration
    from lti_tool.programme.demo import seed_pilot_activity
    from lti_tool.programme.models import FeedbackResponse

    registration = registration_json("http://127.0.0.1:1")
    with app.app_context():
        import_registration(registration)
        counts = seed_pilot_activity(registration["issuer"], registration["deployment_ids"][0])
        assert counts["lti_context"] == 4 and counts["lti_user"] == 28 + 22 + 17 + 12 + 4
        assert counts["feedback_response"] >= 20 and counts["launch_session"] > 200
        assert seed_pilot_activity(registration["issuer"], registration["deployment_ids"][0]) == {}
        assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == counts["feedback_response"]


def test_the_admin_opens_the_platform_report_from_the_demo_lms(app, demo):
    from lti_tool.cli import import_registration
    from lti_tool.programme.demo import seed_pilot_activity

    base, _platform_app = demo
    registration = registration_json(base)
    with app.app_context():
        import_registration(registration)
        seed_pilot_activity(registration["issuer"], registration["deployment_ids"][0])

    assert ADMIN not in PEOPLE  # the administrator is not part of the course roster
    home = LaunchClient(base).session.get(base + "/").text
    assert "Programme report (as Ingrid Hoekstra, administrator)" in home

    landed = LaunchClient(base).launch(ADMIN.sub, "rl-programme-report")
    assert landed.status_code == 200, landed.text[:500]
    assert "/report/" in landed.headers.get("Content-Location", landed.url)
    html = landed.text
    assert "Platform:" in html
    for title in ("Mentoring in transition — spring cohort", "Peer mentoring for researchers"):
        assert title in html
    assert html.count("<svg") >= 8
    learners = re.search(r'id="t-adoption-overview".*?Learners</th><td>(\d+)</td>', html, re.S)
    assert learners and int(learners.group(1)) >= 70

    # A learner on the same link is refused; the report is for staff.
    refused = LaunchClient(base).launch(LEARNERS[0].sub, "rl-programme-report")
    assert refused.status_code == 403
