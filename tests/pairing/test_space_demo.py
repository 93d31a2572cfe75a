"""The demo platform's one active pair: launched from the mini-LMS over real HTTP, the mentee and the mentor
land in their pair space (each in their own language) with a confirmed agreement and a first meeting; another
learner sees no pair, and the instructor sees counts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from demo_platform import create_platform_app, registration_json
from demo_platform.client import LaunchClient
from demo_platform.run_all import seed_pair
from demo_platform.seed import DEMO_PAIR
from tests.support.platform import free_port


@pytest.fixture(scope="module")
def demo(app, live_tool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from lti_tool.cli import import_registration
    from lti_tool.services import tokens

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    platform_app = create_platform_app({
        "INSTANCE_PATH": str(Path(tmp_path_factory.mktemp("demo-pair-space")) / "platform"),
        "PLATFORM_BASE_URL": base, "TOOL_BASE_URL": live_tool, "TESTING": True,
    })
    server = make_server("127.0.0.1", port, platform_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tokens.clear_process_cache()
    with app.app_context():
        registration = registration_json(base)
        import_registration(registration)
        assert seed_pair(registration) is True
        assert seed_pair(registration) is False  # idempotent: a restart of `make run` adds nothing
    yield base
    server.shutdown()


def test_the_seeded_pair_is_there_to_try(demo):
    mentee = LaunchClient(demo).launch(DEMO_PAIR["mentee"], "rl-pair-space")
    assert mentee.status_code == 200, mentee.text[:300]
    assert "/pair/" in mentee.url
    assert 'lang="uk"' in mentee.text and "Ваш спільний простір" in mentee.text
    assert "Чинна (версія 1" in mentee.text  # the agreement both confirmed
    assert "three organisations" in mentee.text  # the first meeting's next step

    mentor = LaunchClient(demo).launch(DEMO_PAIR["mentor"], "rl-pair-space")
    assert mentor.status_code == 200 and 'lang="nl"' in mentor.text
    assert "Je bent de mentor van Olena Kovalenko." in mentor.text

    other = LaunchClient(demo).launch("u-1004", "rl-pair-space")
    assert other.status_code == 200
    assert "three organisations" not in other.text and "Every second week" not in other.text

    facilitator = LaunchClient(demo).launch("u-1001", "rl-pair-space")
    assert facilitator.status_code == 200 and "/pair/facilitator" in facilitator.url
    assert "Olena Kovalenko" in facilitator.text and "three organisations" not in facilitator.text
