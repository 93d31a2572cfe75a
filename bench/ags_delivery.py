"""Benchmark: scores delivered per second by the outbox worker to a local AGS endpoint, with token reuse.

    .venv/bin/python bench/ags_delivery.py                      # 5000 scores, SQLite, AGS server in a process
    .venv/bin/python bench/ags_delivery.py --server thread      # AGS server on threads of this process
    .venv/bin/python bench/ags_delivery.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

It builds a fresh database with the real migrations, registers a platform whose token and AGS endpoints are
a minimal local HTTP server (HTTP/1.1 keep-alive, checks the bearer token and the score media type), queues
N scores for `--learners` learners on one line item with `enqueue_score` (as activity code does), then times
`deliver_pending` (claim, send, record) until the outbox is empty. It prints scores/s and the number of
token requests (expected: 1). Not a test: the figure goes to bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform as host
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


class AgsHandler(BaseHTTPRequestHandler):
    """Token endpoint + score endpoint; counts what it receives in shared counters."""

    protocol_version = "HTTP/1.1"
    counters: dict = {}

    def log_message(self, *args) -> None:  # quiet
        pass

    def _reply(self, status: int, body: bytes = b"", content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        c = self.counters
        if self.path == "/token":
            with c["lock"]:
                c["tokens"].value += 1
            self._reply(200, json.dumps({"access_token": "bench-token", "token_type": "Bearer", "expires_in": 3600}).encode())
            return
        if self.path.endswith("/scores"):
            if self.headers.get("Authorization") != "Bearer bench-token":
                self._reply(401, b'{"error":"unauthorized"}')
                return
            if self.headers.get("Content-Type", "").split(";")[0] != SCORE_TYPE:
                self._reply(415, b'{"error":"media type"}')
                return
            score = json.loads(body)
            if "userId" not in score or "timestamp" not in score:
                self._reply(400, b'{"error":"bad score"}')
                return
            with c["lock"]:
                c["scores"].value += 1
            self._reply(204, content_type="text/plain")
            return
        self._reply(404, b"{}")


def serve(port: int, counters: dict, ready) -> None:
    AgsHandler.counters = counters
    server = ThreadingHTTPServer(("127.0.0.1", port), AgsHandler)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scores", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--threads", type=int, default=4, help="worker sender threads")
    parser.add_argument("--server", choices=("process", "thread"), default="process")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from tests.support.platform import free_port

    port = free_port()
    ctx = multiprocessing.get_context("fork")
    counters = {"lock": ctx.Lock(), "tokens": ctx.Value("i", 0), "scores": ctx.Value("i", 0)}
    ready = ctx.Event() if args.server == "process" else threading.Event()
    if args.server == "process":
        proc = ctx.Process(target=serve, args=(port, counters, ready), daemon=True)
        proc.start()
    else:
        threading.Thread(target=serve, args=(port, counters, ready), daemon=True).start()
    ready.wait(10)
    base = f"http://127.0.0.1:{port}"

    tmp = tempfile.mkdtemp(prefix="natalli-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    os.environ.setdefault("SECRET_KEY", "bench")
    from flask_migrate import upgrade
    from sqlalchemy import text

    from lti_tool import create_app
    from lti_tool.cli import import_registration
    from lti_tool.domain.grading import ActivityProgress, Outcome
    from lti_tool.extensions import db
    from lti_tool.grades.outbox import enqueue_score
    from lti_tool.models import Context, LaunchSession, ResourceLink, User, utcnow
    from lti_tool.services.delivery import deliver_pending

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "GRADES_DELIVERY_THREADS": args.threads})
    import logging

    logging.getLogger("lti_tool").setLevel(logging.ERROR)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        platform = import_registration(
            {
                "issuer": "https://bench-lms.example",
                "client_id": "bench",
                "auth_login_url": base + "/auth",
                "auth_token_url": base + "/token",
                "key_set_url": base + "/jwks",
                "deployment_ids": ["d1"],
            }
        )
        context = Context(issuer=platform.issuer, deployment_id="d1", context_id="c1", platform_id=platform.id)
        db.session.add(context)
        db.session.flush()
        link = ResourceLink(
            context_pk=context.id, resource_link_id="l1", title="Module", activity_id="safe-start",
            lineitem_url=base + "/lineitems/1", lineitems_url=base + "/lineitems",
            ags_scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        )
        db.session.add(link)
        db.session.flush()
        launches = []
        for i in range(args.learners):
            user = User(issuer=platform.issuer, sub=f"u{i}", name=f"Learner {i}")
            db.session.add(user)
            db.session.flush()
            launch = LaunchSession(
                token=f"t{i}", user_id=user.id, platform_id=platform.id, deployment_id="d1", context_pk=context.id,
                resource_link_pk=link.id, message_type="LtiResourceLinkRequest", role="learner",
                expires_at=utcnow() + timedelta(hours=1),
            )
            db.session.add(launch)
            launches.append(launch)
        db.session.commit()
        started = time.perf_counter()
        for n in range(args.scores):
            fraction = ((n // args.learners) % 10 + 1) / 10
            enqueue_score(launches[n % args.learners], Outcome(fraction == 1.0, fraction, ActivityProgress.IN_PROGRESS))
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
        enqueue_seconds = time.perf_counter() - started

    started = time.perf_counter()
    report = deliver_pending(app)
    seconds = time.perf_counter() - started
    rate = report.delivered / seconds if seconds else 0.0
    database = url.split(":")[0].split("+")[0]
    print(f"machine: {os.cpu_count()} CPUs, {host.platform()}, Python {host.python_version()}, database {database}")
    print(f"queued {args.scores} scores for {args.learners} learners in {enqueue_seconds:.2f} s")
    print(
        f"delivered {report.delivered} (failed {report.failed}, retrying {report.retrying}) in {seconds:.2f} s "
        f"with {args.threads} sender threads, AGS server in a {args.server}"
    )
    print(f"server received {counters['scores'].value} scores; token requests: {counters['tokens'].value}")
    print(f"RESULT: {rate:.0f} scores/s")
    if report.delivered != args.scores or counters["scores"].value != args.scores:
        sys.exit("Not every score arrived exactly once.")


if __name__ == "__main__":
    main()
