"""Pair space pages, in process (Flask test client, SQLite file): median and p95 time to serve a pair's space
with a long meeting log, and the facilitator's counts for a large course. Prints figures; asserts nothing.

    .venv/bin/python bench/pair_space.py [--entries 60] [--pairs 100] [--runs 60]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=60, help="meetings in the measured pair's log")
    parser.add_argument("--pairs", type=int, default=100, help="pairs in the course (facilitator page)")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from lti_tool import create_app
    from lti_tool.extensions import db
    from lti_tool.models import Context, LaunchSession, Platform, User, utcnow
    from lti_tool.pairing.space_models import PairAgreementVersion, PairLogEntry, PairSpace

    folder = tempfile.mkdtemp(prefix="natalli-bench-pairs-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "b",
                      "TOOL_BASE_URL": "http://tool.test", "RATELIMIT_ENABLED": False, "LOG_FORMAT": "text"})
    with app.app_context():
        upgrade(directory=str(ROOT / "lti_tool" / "migrations"), revision="heads")
        platform = Platform(name="P", issuer="https://lms.example", client_id="c", auth_login_url="https://l/a",
                            auth_token_url="https://l/t", key_set_url="https://l/k")
        db.session.add(platform)
        db.session.flush()
        ctx = Context(issuer=platform.issuer, deployment_id="d", context_id="bench", title="Bench",
                      platform_id=platform.id)
        db.session.add(ctx)
        db.session.flush()
        first_space, mentor_id = None, None
        for n in range(args.pairs):
            mentor = User(issuer=platform.issuer, sub=f"m{n}", name=f"Mentor {n}")
            mentee = User(issuer=platform.issuer, sub=f"e{n}", name=f"Mentee {n}")
            db.session.add_all([mentor, mentee])
            db.session.flush()
            space = PairSpace(context_pk=ctx.id, mentor_user_id=mentor.id, mentee_user_id=mentee.id)
            db.session.add(space)
            db.session.flush()
            agreement = PairAgreementVersion(space_id=space.id, version=1, proposed_by=mentor.id,
                                             mentor_confirmed_at=utcnow(), mentee_confirmed_at=utcnow())
            agreement.answers = {"how-we-meet": "Every second week by video."}
            db.session.add(agreement)
            count = args.entries if n == 0 else 3
            for k in range(count):
                db.session.add(PairLogEntry(space_id=space.id, author_user_id=mentor.id,
                                            met_on=date(2026, 1, 1) + timedelta(days=14 * k),
                                            topics=f"Meeting {k}: " + "what we talked about " * 8,
                                            next_step="A small next step", step_owner="mentee"))
            if n == 0:
                first_space, mentor_id = space.id, mentor.id
        tokens = {}
        for who, role, user_id in (("mentor", "learner", mentor_id), ("facilitator", "instructor", None)):
            if user_id is None:
                fac = User(issuer=platform.issuer, sub="fac", name="Fran")
                db.session.add(fac)
                db.session.flush()
                user_id = fac.id
            tokens[who] = secrets.token_urlsafe(24)
            db.session.add(LaunchSession(token=tokens[who], user_id=user_id, platform_id=platform.id,
                                         deployment_id="d", context_pk=ctx.id, message_type="LtiResourceLinkRequest",
                                         role=role, locale="en", activity_id="pair-space", claims={},
                                         expires_at=utcnow() + timedelta(hours=2)))
        db.session.commit()

    client = app.test_client()
    pages = {
        f"space with {args.entries} meetings": f"/s/{tokens['mentor']}/pair/{first_space}/",
        f"facilitator counts, {args.pairs} pairs": f"/s/{tokens['facilitator']}/pair/facilitator",
    }
    print(f"Pair space pages, in process, SQLite file, {args.runs} requests each (after 5 warm-up):")
    for label, url in pages.items():
        for _ in range(5):
            assert client.get(url).status_code == 200
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"  {label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
