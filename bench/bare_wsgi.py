"""The floor: a trivial WSGI callable under gunicorn, measured the way bench/launch_load.py measures the tool.

    python bench/bare_wsgi.py [--seconds 3] [--concurrency 4]

This machine is slow and its speed drifts, so absolute CPU figures only mean something next to references
measured in the same run: this one is what gunicorn (2 sync workers) and the HTTP round trip cost per
request before any framework or application work. Server CPU = user+sys of the gunicorn master and workers
from /proc (harness.GunicornServer.cpu_seconds), divided by the requests answered.

The module stays light at import (stdlib only above `app`): gunicorn's workers import it, and importing the
benchmark machinery (bench/harness.py, imported inside the functions) there would only add boot time and
memory to the thing being measured.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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
    """200 "ok" for any path (including /healthz, which harness.GunicornServer.wait_ready polls)."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def bare_floor(seconds: float = 3.0, concurrency: int = 4) -> float:
    """Server CPU ms per GET of a bare WSGI callable under gunicorn (2 sync workers): the request floor."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from harness import drive, start_gunicorn

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
