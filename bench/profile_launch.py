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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from launch_load import PG_ADMIN, Platform  # noqa: E402

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
    args = parser.parse_args()
    platform = Platform()
    if args.db == "postgres":
        subprocess.run(["psql", PG_ADMIN, "-qc", "DROP DATABASE IF EXISTS natalli_profile"], check=True)
        subprocess.run(["psql", PG_ADMIN, "-qc", "CREATE DATABASE natalli_profile"], check=True)
        url = PG_PROFILE
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'profile.db'}"
    app = make_app(url, platform)
    client = app.test_client()
    tool = "http://tool.test"
    steps = {"login": 0.0, "launch": 0.0, "first page": 0.0}
    statuses: dict[str, set] = {k: set() for k in steps}

    def one(n: int, timed: bool) -> None:
        t0 = time.process_time()
        resp = client.post("/lti/login", data={"iss": platform.issuer, "login_hint": f"u{n}",
                                               "target_link_uri": tool + "/lti/launch",
                                               "client_id": platform.client_id})
        t1 = time.process_time()
        query = parse_qs(urlparse(resp.headers["Location"]).query)
        token = platform.id_token(query["nonce"][0], tool, n)
        t2 = time.process_time()
        resp2 = client.post("/lti/launch", data={"id_token": token, "state": query["state"][0]})
        t3 = time.process_time()
        final = resp2
        hops = 0
        while final.status_code in (302, 303) and hops < 5:
            final = client.get(final.headers["Location"])
            hops += 1
        t4 = time.process_time()
        if timed:
            steps["login"] += t1 - t0
            steps["launch"] += t3 - t2
            steps["first page"] += t4 - t3
            statuses["login"].add(resp.status_code)
            statuses["launch"].add(resp2.status_code)
            statuses["first page"].add(final.status_code)

    for i in range(50):  # warm caches (JWKS, registry, templates, content)
        one(i, False)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    for i in range(args.n):
        one(1000 + i, True)
    if profiler:
        profiler.disable()
    total = sum(steps.values())
    print(f"# {args.db}, {args.n} launches in-process (test client included)")
    for name, seconds in steps.items():
        print(f"{name:>11}: {seconds * 1000 / args.n:6.2f} ms CPU  statuses {sorted(statuses[name])}")
    print(f"{'total':>11}: {total * 1000 / args.n:6.2f} ms CPU per complete launch")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)


if __name__ == "__main__":
    main()
