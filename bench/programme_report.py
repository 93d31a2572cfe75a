"""Benchmark: the programme report on 100,000 launch sessions of 10,000 learners (target < 2 s).

Run: .venv/bin/python bench/programme_report.py
         [--database-url URL]  (default: database programme_bench, recreated) [--runs 5] [--keep]

Builds a fresh schema with the migrations, registers 5 platforms and seeds each with 8 courses of 250
learners (lti_tool.programme.demo, the same generator as the demo): every learner launches 5–15 times
(≈ 100,000 launch sessions in all), works through the modules with the usual drop-off, writes journal
entries, joins breakouts, starts plans and answers questionnaires. Then it times what the operator waits for:
the consortium report as one self-contained HTML file (`report programme`: all queries, the k-anonymous
figures, charts and rendering), and what an LMS administrator's page needs for one platform. Prints the
median and the slowest of `--runs` runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

PLATFORMS = 5
COURSES_PER_PLATFORM = 8
LEARNERS_PER_COURSE = 250


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None,
                        help="default: database programme_bench on the local PostgreSQL, dropped and recreated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the data of an earlier run (no reseeding)")
    args = parser.parse_args()
    if args.database_url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from harness import recreate_postgres_database

        if args.keep:
            args.database_url = "postgresql+psycopg://postgres@127.0.0.1:5432/programme_bench"
        else:
            args.database_url = recreate_postgres_database("programme_bench")

    from flask_migrate import upgrade

    from lti_tool import create_app
    from lti_tool.cli import import_registration
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession, User
    from lti_tool.programme.cli import render_programme_report
    from lti_tool.programme.demo import Plan, seed_pilot_activity
    from lti_tool.programme.report import PLATFORM, Scope, build_report

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        if not args.keep:
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            upgrade(revision="heads")
            started = time.perf_counter()
            plan = Plan(learners=(LEARNERS_PER_COURSE,) * COURSES_PER_PLATFORM, launches=(5, 15), months=12)
            for n in range(PLATFORMS):
                issuer = f"https://lms{n + 1}.bench.example"
                import_registration({"issuer": issuer, "client_id": "bench", "auth_login_url": issuer + "/auth",
                                     "auth_token_url": issuer + "/token", "key_set_url": issuer + "/jwks",
                                     "deployment_ids": ["1"], "name": f"Bench university {n + 1}"})
                seed_pilot_activity(issuer, "1", Plan(**{**plan.__dict__, "seed": n + 1}))
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            print(f"seeded in {time.perf_counter() - started:.1f} s")
        sessions = db.session.scalar(select(func.count()).select_from(LaunchSession))
        people = db.session.scalar(select(func.count()).select_from(User))
        print(f"{db.engine.dialect.name}: {sessions:,} launch sessions, {people:,} people")

        cpu: list[float] = []

        def timed(work) -> list[float]:
            """Wall-clock seconds per run; the tool process's own CPU seconds go to `cpu` (on a shared
            machine the wall clock also counts waiting for a core, the CPU time does not)."""
            times = []
            cpu.clear()
            for _ in range(args.runs):
                db.session.remove()
                t0, c0 = time.perf_counter(), time.process_time()
                work()
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            return times

        size = len(render_programme_report("en"))
        consortium = timed(lambda: render_programme_report("en"))
        print(f"consortium report (CLI, {size // 1024} KiB HTML): median {statistics.median(consortium):.2f} s, "
              f"slowest {max(consortium):.2f} s  (target < 2 s); tool CPU median {statistics.median(cpu):.2f} s")
        with app.test_request_context("/"):
            one = timed(lambda: build_report(Scope(PLATFORM, issuer="https://lms1.bench.example"), "en", "bench"))
        print(f"one platform's report (figures only): median {statistics.median(one):.2f} s, slowest {max(one):.2f} s;"
              f" tool CPU median {statistics.median(cpu):.2f} s")
        print(f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
