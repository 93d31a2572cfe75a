"""The floor: a trivial WSGI callable under gunicorn, measured the way bench/launch_load.py measures the tool.

    python bench/bare_wsgi.py [--seconds 3] [--concurrency 4]

This machine is slow and its speed drifts, so absolute CPU figures only mean something next to references
measured in the same run: this one is what gunicorn (2 sync workers) and the HTTP round trip cost per
request before any framework or application work. Server CPU = user+sys of the gunicorn master and workers
from /proc (launch_load.Tool.cpu_seconds), divided by the requests answered.

The module stays light at import (stdlib only above `app`): gunicorn's workers import it, and importing the
benchmark machinery there would only add boot time and memory to the thing being measured.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launch_load import Tool

BENCH = Path(__file__).resolve().parent

# The first page the reference launches render (Jinja source; each reference compiles it once).
FIRST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main>
<h1>Welcome, {{ name }}!</h1>
<p>You have opened <strong>{{ title }}</strong>{% if course %} in {{ course }}{% endif %}.</p>
</main></body></html>
"""


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """200 "ok" for any path (including /healthz, which launch_load.Tool.wait_ready polls)."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def start_gunicorn(app_spec: str, workers: int, env: dict[str, str] | None = None, port: int | None = None) -> Tool:
    """Run `app_spec` (importable from bench/) under gunicorn and return it as a launch_load.Tool.

    Tool's own __init__ starts our tool; only the process differs, so the object is built around this
    gunicorn and keeps Tool's readiness check (/healthz), worker list, /proc CPU reading and stop().
    """
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from launch_load import Tool, free_port

    server = Tool.__new__(Tool)
    server.port = port or free_port()
    server.base = f"http://127.0.0.1:{server.port}"
    server.env = dict(os.environ, **(env or {}))
    server.proc = subprocess.Popen(
        # No access log (gunicorn's default), as for the tool: the application's own work is measured.
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{server.port}",
         "--log-level", "warning", "--chdir", str(BENCH), app_spec],
        cwd=BENCH, env=server.env,
    )
    server.started = time.perf_counter()
    try:
        server.wait_ready()
    except Exception:
        server.proc.kill()
        server.proc.wait()
        raise
    return server


def drive(request: Callable[[Any, int], None], seconds: float, concurrency: int) -> tuple[int, list[float], list[str]]:
    """Call `request(session, n)` from `concurrency` threads (one requests.Session each) for `seconds`.

    Returns (successes, latencies in seconds of the successes, error messages); an exception is an error.
    """
    import requests

    latencies: list[float] = []
    errors: list[str] = []
    counter = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        session = requests.Session()
        while time.perf_counter() < deadline:
            with lock:
                counter[0] += 1
                n = counter[0]
            start = time.perf_counter()
            try:
                request(session, n)
            except Exception as exc:  # counted and reported, never hidden
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors


def measure_launches(server: Tool, one: Callable[[Any, int], None], seconds: float, concurrency: int) -> dict[str, Any]:
    """Drive `one(session, n)` against a warm `server` and return launches, per_s, p99 (ms), errors, cpu_ms
    (server CPU per successful launch) and first_error. The caller warms the server and stops it."""
    before = server.cpu_seconds()
    started = time.perf_counter()
    ok, latencies, errors = drive(one, seconds, concurrency)
    elapsed = time.perf_counter() - started
    cpu = server.cpu_seconds() - before
    lat = sorted(latencies)
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000 if lat else float("nan")
    return {
        "launches": ok, "per_s": ok / elapsed, "p99": p99, "errors": len(errors),
        "cpu_ms": cpu * 1000 / max(1, ok), "first_error": errors[0] if errors else "",
    }


def bare_floor(seconds: float = 3.0, concurrency: int = 4) -> float:
    """Server CPU ms per GET of a bare WSGI callable under gunicorn (2 sync workers): the request floor."""
    server = start_gunicorn("bare_wsgi:app", workers=2)
    url = server.base + "/"

    def get(session: Any, n: int) -> None:
        resp = session.get(url)
        if resp.status_code != 200 or resp.content != b"ok":
            raise RuntimeError(f"GET / {resp.status_code}")

    try:
        drive(get, 0.5, concurrency)  # both workers booted and warm before the window
        before = server.cpu_seconds()
        ok, _, errors = drive(get, seconds, concurrency)
        cpu = server.cpu_seconds() - before
    finally:
        server.stop()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests to the bare app, first: {errors[0]}")
    return cpu * 1000 / max(1, ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    floor = bare_floor(args.seconds, args.concurrency)
    print(f"bare WSGI floor: {floor:.2f} ms server CPU per request "
          f"(gunicorn 2 sync workers, concurrency {args.concurrency}, {args.seconds:g} s)")


if __name__ == "__main__":
    main()
