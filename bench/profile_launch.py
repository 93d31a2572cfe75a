"""In-process profile of the launch path (no gunicorn, no sockets): where does a launch's CPU go?

    python bench/profile_launch.py [--db postgres|sqlite] [--n 2000] [--profile]

Drives complete launches through Flask's test client (login → id_token POST → first page) and prints the
CPU milliseconds per step (time.process_time, this process only: the test client's own cost is included,
so figures are a little above what the server spends under gunicorn). `--profile` adds a cProfile listing
of the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import PG_ADMIN, Platform  # noqa: E402

PG_PROFILE = "postgresql+psycopg://postgres@127.0.0.1:5432/natalli_profile"


def make_app(url: str, platform: Platform):
    from lti_tool import create_app
    from lti_tool.cli import import_registration
    from lti_tool.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TOOL_BASE_URL": "http://tool.test", "SECRET_KEY": "p",
                      "RATELIMIT_ENABLED": False, "LOG_FORMAT": "text"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "lti_tool" / "migrations"), revision="heads")
        import_registration(platform.registration())
        db.session.commit()
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--pyinstrument", action="store_true",
                        help="sampling profile (pyinstrument, if installed): less distortion than cProfile")
    args = parser.parse_args()
    platform = Platform()
    if args.db == "postgres":
        subprocess.run(["psql", PG_ADMIN, "-qc", "DROP DATABASE IF EXISTS natalli_profile"], check=True)
        subprocess.run(["psql", PG_ADMIN, "-qc", "CREATE DATABASE natalli_profile"], check=True)
        url = PG_PROFILE
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'profile.db'}"
    app = make_app(url, platform)
    tool = "http://tool.test"
    steps = {"login": 0.0, "launch": 0.0, "first page": 0.0}
    statuses: dict[str, set] = {k: set() for k in steps}

    def call(method: str, path: str, data: dict | None = None, cookie: str = "") -> tuple[int, dict, float]:
        """One request straight into the WSGI app; the environ is built outside the timing, so only the
        server's own work is counted (no test client, no cookie jar)."""
        environ = EnvironBuilder(path=path, method=method, data=data, base_url=tool,
                                 headers={"Cookie": cookie} if cookie else None).get_environ()
        status: list[str] = []
        headers: dict[str, str] = {}

        def start_response(line: str, pairs: list, exc_info: object = None) -> None:
            status.append(line)
            for name, value in pairs:
                headers.setdefault(name, value)

        t0 = time.process_time()
        body = app(environ, start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        return int(status[0].split()[0]), headers, time.process_time() - t0

    def one(n: int, timed: bool) -> None:
        code, headers, t_login = call("POST", "/lti/login", {
            "iss": platform.issuer, "login_hint": f"u{n}", "target_link_uri": tool + "/lti/launch",
            "client_id": platform.client_id})
        query = parse_qs(urlparse(headers["Location"]).query)
        cookie = headers["Set-Cookie"].split(";")[0]
        token = platform.id_token(query["nonce"][0], tool, n)
        code2, headers2, t_launch = call("POST", "/lti/launch", {"id_token": token, "state": query["state"][0]},
                                         cookie)
        final, t_page, hops = code2, 0.0, 0
        while final in (302, 303) and hops < 5:
            final, headers2, spent = call("GET", headers2["Location"])
            t_page += spent
            hops += 1
        if timed:
            steps["login"] += t_login
            steps["launch"] += t_launch
            steps["first page"] += t_page
            statuses["login"].add(code)
            statuses["launch"].add(code2)
            statuses["first page"].add(final)

    for i in range(50):  # warm caches (JWKS, registry, templates, content)
        one(i, False)
    # CPU time, not wall time: waiting for the database is not work of this process.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    sampler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.0002)
        sampler.start()
    if profiler:
        profiler.enable()
    for i in range(args.n):
        one(1000 + i, True)
    if profiler:
        profiler.disable()
    if sampler:
        sampler.stop()
    total = sum(steps.values())
    print(f"# {args.db}, {args.n} launches in-process (server work only: WSGI calls with prebuilt environs)")
    for name, seconds in steps.items():
        print(f"{name:>11}: {seconds * 1000 / args.n:6.2f} ms CPU  statuses {sorted(statuses[name])}")
    print(f"{'total':>11}: {total * 1000 / args.n:6.2f} ms CPU per complete launch")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
    if sampler:
        print(sampler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
