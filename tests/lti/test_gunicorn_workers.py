"""Two gunicorn workers: state created by one worker is consumed by the other, and every launch succeeds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.support.platform import free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def gunicorn_tool(app, database_url, platform, tmp_path: Path):
    port = free_port()
    log = tmp_path / "access.log"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TOOL_BASE_URL=f"http://127.0.0.1:{port}",
        SECRET_KEY="gunicorn-test",
    )
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--access-logfile", str(log), "--access-logformat", "%(p)s %({x-test-id}i)s %(U)s %(s)s",
            "lti_tool:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError(proc.stderr.read().decode())
    yield base, log
    proc.terminate()
    proc.wait(timeout=10)


def test_launches_across_two_workers(gunicorn_tool, platform):
    base, log = gunicorn_tool
    statuses: list[int] = []

    def launch(i: int) -> None:
        # No shared connection: each request may land on either worker.
        browser = requests.Session()
        browser.headers.update({"X-Test-Id": f"launch-{i}", "Connection": "close"})
        state, nonce = platform.login(browser, base)
        token = platform.sign(platform.claims(nonce, base, sub=f"learner-{i}"))
        resp = browser.post(base + "/lti/launch", data={"id_token": token, "state": state}, allow_redirects=False)
        statuses.append(resp.status_code)

    # Six browsers at once keep both workers busy, so logins and launches spread over the two.
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(launch, range(36)))
    assert statuses == [200] * 36

    time.sleep(0.5)  # access log flush
    pids: dict[str, dict[str, str]] = defaultdict(dict)
    for line in log.read_text().splitlines():
        pid, test_id, path, _status = line.split(" ")
        if test_id.startswith("launch-"):
            pids[test_id][path] = pid
    crossed = [t for t, p in pids.items() if p.get("/lti/login") and p.get("/lti/launch") and p["/lti/login"] != p["/lti/launch"]]
    assert len({p for t in pids.values() for p in t.values()}) == 2, "both workers served requests"
    assert crossed, "at least one launch had its state created on one worker and consumed on the other"
