"""Two gunicorn workers: launch state created by one worker is consumed by the other, and launches in parallel
all succeed.

Which worker answers is forced, never left to the OS: a test-only gunicorn hook holds a worker inside a request
until the test releases it, so the only worker free to accept the next request is the other one. The listening
socket is made by the test and handed to gunicorn, so requests queue in it from the first moment (no waiting for
gunicorn to come up), and the access log is read only after gunicorn has exited (every line is written).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

# Loaded by gunicorn with -c: a request carrying X-Test-Hold: <dir> writes its worker's pid to the FIFO <dir>/held,
# then blocks until the test writes to the FIFO <dir>/release.
HOOKS = '''
import os


def pre_request(worker, req):
    for name, value in req.headers:
        if name == "X-TEST-HOLD":
            with open(os.path.join(value, "held"), "w") as fifo:
                fifo.write(str(os.getpid()))
            with open(os.path.join(value, "release")) as fifo:
                fifo.read()
'''
REQUEST_TIMEOUT = 60  # seconds; only a guard against a hang, never a measurement


class Hold:
    """One worker kept busy inside a request (see HOOKS)."""

    def __init__(self, tool: Gunicorn) -> None:
        self.dir = tool.tmp_path / f"hold-{uuid.uuid4().hex}"
        self.dir.mkdir()
        os.mkfifo(self.dir / "held")
        os.mkfifo(self.dir / "release")
        self.outcome: dict[str, object] = {}
        self.sender = threading.Thread(target=self._send, args=(tool.base,), daemon=True)
        self.sender.start()
        with open(self.dir / "held") as fifo:  # returns once a worker is inside the held request
            self.pid = fifo.read()
        assert self.pid, f"no worker took the held request: {self.outcome.get('status')}; {tool.stderr()}"

    def _send(self, base: str) -> None:
        try:
            self.outcome["status"] = requests.get(base + "/healthz", headers={"X-Test-Hold": str(self.dir)},
                                                  timeout=REQUEST_TIMEOUT).status_code
        except requests.RequestException as exc:
            self.outcome["status"] = repr(exc)
        finally:
            try:  # the hook never ran (gunicorn broken): wake the test instead of leaving it blocked
                os.close(os.open(self.dir / "held", os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass

    def release(self) -> None:
        with open(self.dir / "release", "w") as fifo:
            fifo.write("go")
        self.sender.join(REQUEST_TIMEOUT)
        assert self.outcome["status"] == 200


class Gunicorn:
    def __init__(self, base: str, log: Path, tmp_path: Path, proc: subprocess.Popen) -> None:
        self.base, self.log, self.tmp_path, self.proc = base, log, tmp_path, proc

    def hold(self) -> Hold:
        """Occupy one free worker inside a request until `release()`; the worker's pid is `Hold.pid`."""
        return Hold(self)

    def stop(self) -> list[tuple[str, str, str, str]]:
        """Stop gunicorn gracefully and return its access log as (pid, test id, path, status)."""
        self.proc.terminate()
        self.proc.wait(timeout=30)
        lines = [line.split(" ") for line in self.log.read_text().splitlines()]
        return [(pid.strip("<>"), test_id, path, status) for pid, test_id, path, status in lines]  # %(p)s is <pid>

    def stderr(self) -> str:
        return (self.tmp_path / "gunicorn.err").read_text(errors="replace")[-3000:]


@pytest.fixture
def gunicorn_tool(app, database_url, platform, tmp_path: Path) -> Iterator[Gunicorn]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    hooks = tmp_path / "hooks.py"
    hooks.write_text(HOOKS)
    log = tmp_path / "access.log"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TOOL_BASE_URL=f"http://127.0.0.1:{port}",
        SECRET_KEY="gunicorn-test",
    )
    with open(tmp_path / "gunicorn.err", "wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "-c", str(hooks), "--workers", "2", "--worker-class", "sync",
                "--bind", f"fd://{listener.fileno()}",
                "--access-logfile", str(log), "--access-logformat", "%(p)s %({x-test-id}i)s %(U)s %(s)s",
                "lti_tool:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            pass_fds=(listener.fileno(),),
        )
    listener.close()  # gunicorn has its own copy
    tool = Gunicorn(f"http://127.0.0.1:{port}", log, tmp_path, proc)
    yield tool
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)


def launch(platform, base: str, test_id: str, sub: str, *, state_and_nonce: tuple[str, str] | None = None,
           browser: requests.Session | None = None) -> int:
    browser = browser or requests.Session()
    browser.headers.update({"X-Test-Id": test_id, "Connection": "close"})
    state, nonce = state_and_nonce or platform.login(browser, base)
    token = platform.sign(platform.claims(nonce, base, sub=sub))
    resp = browser.post(base + "/lti/launch", data={"id_token": token, "state": state}, allow_redirects=False,
                        timeout=REQUEST_TIMEOUT)
    return resp.status_code


def test_state_from_one_worker_is_consumed_by_the_other(gunicorn_tool: Gunicorn, platform):
    base = gunicorn_tool.base
    browser = requests.Session()
    browser.headers.update({"X-Test-Id": "crossed", "Connection": "close"})
    worker_a = gunicorn_tool.hold()
    state_and_nonce = platform.login(browser, base)  # worker A is busy: worker B answers the login
    worker_b = gunicorn_tool.hold()  # A is still busy, so this holds B
    worker_a.release()
    status = launch(platform, base, "crossed", "learner-crossed", state_and_nonce=state_and_nonce, browser=browser)
    worker_b.release()  # B was busy all along: A answered the launch
    assert status == 200
    assert worker_a.pid != worker_b.pid

    served = {path: pid for pid, test_id, path, _status in gunicorn_tool.stop() if test_id == "crossed"}
    assert served == {"/lti/login": worker_b.pid, "/lti/launch": worker_a.pid}


def test_parallel_launches_all_succeed(gunicorn_tool: Gunicorn, platform):
    from concurrent.futures import ThreadPoolExecutor

    base = gunicorn_tool.base
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda i: launch(platform, base, f"launch-{i}", f"learner-{i}"), range(36)))
    assert statuses == [200] * 36
    lines = [line for line in gunicorn_tool.stop() if line[1].startswith("launch-")]
    assert sorted(path for _pid, _id, path, _status in lines) == ["/lti/launch"] * 36 + ["/lti/login"] * 36
