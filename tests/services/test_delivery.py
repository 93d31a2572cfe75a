"""Score delivery over HTTP to a fake LMS: token reuse, outages, refusals, order, line items."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from lti_tool.grades.models import DELIVERED, FAILED, PENDING, ScoreOutbox
from tests.services.conftest import AGS, enqueue, make_course


def rows(app) -> list[ScoreOutbox]:
    from lti_tool.extensions import db

    with app.app_context():
        found = list(db.session.scalars(select(ScoreOutbox).order_by(ScoreOutbox.id)))
        db.session.expunge_all()
        return found


def make_due(app) -> None:
    """Skip the backoff wait: every pending row is due now (what time passing would do)."""
    from lti_tool.extensions import db
    from lti_tool.models import utcnow

    with app.app_context():
        db.session.execute(ScoreOutbox.__table__.update().values(next_attempt_at=utcnow()))
        db.session.commit()


def deliver(app, **kwargs):
    from lti_tool.services.delivery import deliver_pending

    return deliver_pending(app, **kwargs)


def test_many_scores_one_token_request(app, lms):
    course = make_course(app, lms, learners=5)
    for sub, lt in course.launches.items():
        if sub.startswith("learner"):
            for fraction in (0.25, 0.5, 1.0):
                enqueue(app, lt, fraction, completed=fraction == 1.0)
    report = deliver(app)
    assert report.delivered == 15 and report.failed == 0
    assert len(lms.token_requests) == 1  # one token for the platform, not one per score
    request = lms.token_requests[0]
    assert request["claims"]["iss"] == request["claims"]["sub"] == "natalli-client"
    assert AGS + "score" in request["scopes"]
    scores = lms.scores[course.lineitem]
    assert len(scores) == 15
    # A second pass later reuses the cached token, from this process or from the shared table.
    from lti_tool.services import tokens

    tokens.clear_process_cache()
    enqueue(app, course.launches["learner-1"], 1.0)
    deliver(app)
    assert len(lms.token_requests) == 1
    assert len(lms.scores[course.lineitem]) == 16


def test_score_payload_follows_ags(app, lms):
    course = make_course(app, lms)
    enqueue(app, course.launches["learner-1"], 0.5, completed=False)
    enqueue(app, course.launches["learner-1"], 1.0, completed=True)
    deliver(app)
    pending, done = lms.scores[course.lineitem]
    assert pending["userId"] == "learner-1"
    assert pending["gradingProgress"] == "Pending" and "scoreGiven" not in pending
    assert pending["activityProgress"] == "InProgress"
    assert done["scoreGiven"] == 100.0 and done["scoreMaximum"] == 100.0
    assert done["activityProgress"] == "Completed" and done["gradingProgress"] == "FullyGraded"
    for score in (pending, done):
        assert score["timestamp"].endswith("Z") and len(score["timestamp"]) == len("2026-01-01T00:00:00.000Z")
    assert datetime.fromisoformat(pending["timestamp"][:-1]) < datetime.fromisoformat(done["timestamp"][:-1])


@pytest.mark.parametrize("outage", ["down", "error500", "slow"])
def test_platform_down_then_up_loses_nothing_and_keeps_order(app, lms, outage, monkeypatch):
    # A "slow" LMS holds each request until released, so the tool's short timeout always fires first.
    monkeypatch.setitem(app.config, "HTTP_TIMEOUT_SECONDS", 0.3)
    course = make_course(app, lms, learners=3)
    expected: dict[str, list[float]] = {}
    for sub in ("learner-1", "learner-2", "learner-3"):
        for fraction in (0.2, 0.6, 1.0):
            enqueue(app, course.launches[sub], fraction)
            expected.setdefault(sub, []).append(round(fraction * 100, 4))
    lms.mode = outage
    report = deliver(app)
    assert report.delivered == 0 and report.retrying == 3  # one head per learner tried, the rest wait
    waiting = rows(app)
    assert all(r.status == PENDING for r in waiting)
    assert {r.attempts for r in waiting if r.last_error} == {1}
    assert all(r.next_attempt_at > r.created_at for r in waiting if r.last_error)  # backed off
    assert not lms.scores.get(course.lineitem)

    # Still down on the second try; then the platform comes back.
    make_due(app)
    deliver(app)
    lms.mode = "ok"
    lms.release_held()  # the held requests answer 504 to nobody; none of them records a score
    monkeypatch.setitem(app.config, "HTTP_TIMEOUT_SECONDS", 10)
    make_due(app)
    report = deliver(app)
    assert report.delivered == 9
    received = lms.scores[course.lineitem]
    assert len(received) == 9  # exactly once each
    for sub, fractions in expected.items():
        mine = [s for s in received if s["userId"] == sub]
        assert [s["scoreGiven"] for s in mine] == fractions  # in order
        stamps = [s["timestamp"] for s in mine]
        assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert all(r.status == DELIVERED and r.claimed_by is None for r in rows(app))
    assert deliver(app).claimed == 0


def test_timeout_after_the_platform_recorded_is_not_sent_twice(app, lms, monkeypatch):
    """The LMS stored the score but answered too late: the retry meets a 409 and counts as delivered."""
    monkeypatch.setitem(app.config, "HTTP_TIMEOUT_SECONDS", 0.2)
    course = make_course(app, lms)
    enqueue(app, course.launches["learner-1"], 1.0)
    lms.mode = "slow_then_record"
    assert deliver(app).retrying == 1  # the LMS holds the request until released: the tool gave up first
    assert not lms.recorded.is_set()
    lms.release_held()
    assert lms.recorded.wait(10), "the LMS records the score once released"  # bound only against a hang
    lms.mode = "ok"
    monkeypatch.setitem(app.config, "HTTP_TIMEOUT_SECONDS", 10)  # a loaded test machine must not time out now
    make_due(app)
    assert deliver(app).delivered == 1
    assert len(lms.scores[course.lineitem]) == 1
    (row,) = rows(app)
    assert row.status == DELIVERED and row.last_status == 409


def test_a_down_platform_costs_one_attempt_per_pass_not_one_per_learner(app, lms, monkeypatch):
    monkeypatch.setitem(app.config, "HTTP_TIMEOUT_SECONDS", 0.2)
    course = make_course(app, lms, learners=20)
    for sub, lt in course.launches.items():
        if sub.startswith("learner"):
            enqueue(app, lt)
    lms.mode = "slow"
    report = deliver(app, threads=1)
    assert report.retrying == 20 and report.delivered == 0
    assert lms.score_attempts == 1  # one timeout, then the other 19 wait without trying
    assert all("did not answer" in r.last_error for r in rows(app))
    lms.mode = "ok"
    lms.release_held()
    monkeypatch.setitem(app.config, "HTTP_TIMEOUT_SECONDS", 10)
    make_due(app)
    assert deliver(app).delivered == 20


def test_rate_limit_honours_retry_after(app, lms):
    course = make_course(app, lms)
    enqueue(app, course.launches["learner-1"])
    lms.mode = "ratelimit"
    deliver(app)
    (row,) = rows(app)
    assert row.status == PENDING and row.last_status == 429
    assert (row.next_attempt_at - row.created_at).total_seconds() >= 29


def test_refusal_is_failed_with_the_platforms_message_and_does_not_block_newer(app, lms):
    course = make_course(app, lms)
    first = enqueue(app, course.launches["learner-1"], 0.5)
    lms.mode = "reject"
    lms.reject_message = "User <b>learner-1</b> is not enrolled"
    report = deliver(app)
    assert report.failed == 1
    (row,) = rows(app)
    assert row.id == first and row.status == FAILED and row.last_status == 422
    assert "is not enrolled" in row.last_error
    lms.mode = "ok"
    enqueue(app, course.launches["learner-1"], 1.0)
    assert deliver(app).delivered == 1


def test_resend_only_the_latest_and_it_arrives(app, lms):
    from lti_tool.extensions import db
    from lti_tool.services.delivery import resend

    course = make_course(app, lms)
    lms.mode = "reject"
    older = enqueue(app, course.launches["learner-1"], 0.5)
    latest = enqueue(app, course.launches["learner-1"], 1.0)
    deliver(app)
    assert [r.status for r in rows(app)] == [FAILED, FAILED]
    lms.mode = "ok"
    with app.app_context():
        with pytest.raises(ValueError):
            resend(older)
        db.session.rollback()
        resend(latest)
    assert deliver(app).delivered == 1
    assert [s["scoreGiven"] for s in lms.scores[course.lineitem]] == [100.0]


def test_lineitem_found_by_resource_link_then_remembered(app, lms):
    from lti_tool.extensions import db
    from lti_tool.models import ResourceLink

    course = make_course(app, lms, with_lineitem=False)
    existing = lms.add_lineitem("Made by deep linking", "link-1", resourceId="safe-start", tag="natalli")
    lms.add_lineitem("Another link's column", "link-2")
    enqueue(app, course.launches["learner-1"])
    enqueue(app, course.launches["learner-1"])
    deliver(app)
    assert lms.lineitem_gets == 1 and lms.lineitem_posts == 0
    assert len(lms.scores[existing]) == 2
    with app.app_context():
        assert db.session.get(ResourceLink, course.link_pk).lineitem_url == existing


def test_lineitem_found_on_a_later_page(app, lms):
    course = make_course(app, lms, with_lineitem=False)
    lms.ignore_filter = True
    lms.lineitem_page_size = 10
    for n in range(25):
        lms.add_lineitem(f"Other {n}", f"other-{n}")
    ours = lms.add_lineitem("Ours", "link-1")
    enqueue(app, course.launches["learner-1"])
    assert deliver(app).delivered == 1
    assert lms.lineitem_gets == 3 and lms.lineitem_posts == 0
    assert len(lms.scores[ours]) == 1


def test_lineitem_created_when_platform_has_none(app, lms):
    from lti_tool.extensions import db
    from lti_tool.models import ResourceLink

    course = make_course(app, lms, with_lineitem=False, learners=3)
    lms.ignore_filter = True  # a platform that ignores ?resource_link_id: we still match on resourceLinkId
    lms.add_lineitem("Unrelated", "other-link")
    for sub in ("learner-1", "learner-2", "learner-3"):
        enqueue(app, course.launches[sub])
    deliver(app, threads=3)
    assert lms.lineitem_posts == 1  # one column, even with three senders at once
    created = [i for i in lms.lineitems.values() if i.get("resourceLinkId") == "link-1"]
    assert len(created) == 1
    item = created[0]
    assert item["resourceId"] == "safe-start" and item["tag"] == "natalli" and item["scoreMaximum"] == 100
    # The gradebook can open each learner's work from this column (AGS submission review).
    assert item["submissionReview"] == {
        "label": "View the work in NatAlli", "url": app.config["TOOL_BASE_URL"] + "/lti/launch",
        "custom": {"activity": "safe-start"},
    }
    assert len(lms.scores[item["id"]]) == 3
    with app.app_context():
        assert db.session.get(ResourceLink, course.link_pk).lineitem_url == item["id"]


def test_no_lineitem_scope_means_failed_with_reason(app, lms):
    course = make_course(app, lms, with_lineitem=False, scopes=[AGS + "score", AGS + "lineitem.readonly"])
    enqueue(app, course.launches["learner-1"])
    deliver(app)
    (row,) = rows(app)
    assert row.status == FAILED and row.last_status == 403 and "insufficient_scope" in row.last_error


def test_expired_token_is_replaced_once(app, lms):
    course = make_course(app, lms)
    enqueue(app, course.launches["learner-1"])
    deliver(app)
    lms.tokens.clear()  # the LMS restarted and forgot every token
    enqueue(app, course.launches["learner-1"])
    assert deliver(app).delivered == 1
    assert len(lms.token_requests) == 2


def test_two_workers_never_send_a_row_twice_or_out_of_order(app, lms):
    """Claims are exclusive: passes running at once on two threads share the work without overlap."""
    import threading

    course = make_course(app, lms, learners=4)
    for sub in ("learner-1", "learner-2", "learner-3", "learner-4"):
        for fraction in (0.1, 0.2, 0.3, 0.4, 0.5):
            enqueue(app, course.launches[sub], fraction)
    errors: list[BaseException] = []

    def worker():
        try:
            deliver(app, threads=2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=worker) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    deliver(app)  # anything a busy worker released
    received = lms.scores[course.lineitem]
    assert len(received) == 20
    for sub in ("learner-1", "learner-2", "learner-3", "learner-4"):
        assert [s["scoreGiven"] for s in received if s["userId"] == sub] == [10.0, 20.0, 30.0, 40.0, 50.0]


def test_cli_deliver_status_and_resend(app, lms):
    course = make_course(app, lms)
    lms.mode = "reject"
    row_id = enqueue(app, course.launches["learner-1"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["grades", "deliver"])
    assert result.exit_code == 0 and "failed 1" in result.output
    status = runner.invoke(args=["grades", "status"])
    assert "failed" in status.output and "not enrolled" in status.output and str(row_id) in status.output
    lms.mode = "ok"
    assert runner.invoke(args=["grades", "resend", str(row_id)]).exit_code == 0
    assert "Delivered 1" in runner.invoke(args=["grades", "deliver"]).output
    assert "Nothing pending" in runner.invoke(args=["grades", "status"]).output
    assert runner.invoke(args=["grades", "resend", "999999"]).exit_code != 0


def test_backoff_grows_and_is_capped():
    import random

    from lti_tool.services.delivery import BACKOFF_CAP_SECONDS, backoff_seconds

    rng = random.Random(1)
    delays = [backoff_seconds(n, rng=rng) for n in range(1, 20)]
    assert delays[0] <= 5 and delays[5] > delays[0]
    assert max(delays) <= BACKOFF_CAP_SECONDS
    assert backoff_seconds(1, retry_after=120, rng=rng) >= 120


def test_tokens_shared_through_redis(app, lms, monkeypatch):
    import redis

    from tests.support.requirements import unavailable

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.ping()
    except redis.RedisError:
        unavailable("no Redis on 127.0.0.1:6379")  # skips on a laptop without Redis; fails in CI
    client.flushdb()
    from lti_tool.services import tokens

    monkeypatch.setitem(app.extensions["natalli"], "redis", client)
    course = make_course(app, lms)
    enqueue(app, course.launches["learner-1"])
    deliver(app)
    assert any(k.startswith(b"natalli:service-token:") for k in client.keys())
    tokens.clear_process_cache()  # another process: no local copy, the shared one is used
    enqueue(app, course.launches["learner-1"])
    deliver(app)
    assert len(lms.token_requests) == 1
    client.flushdb()


def test_long_running_worker_delivers_and_stops(app, lms):
    import threading

    from lti_tool.services.delivery import run_forever

    course = make_course(app, lms)
    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(app,), kwargs={"idle_seconds": 0.05, "stop": stop})
    worker.start()
    try:
        enqueue(app, course.launches["learner-1"], 1.0)  # the worker picks it up while idling
        lms.recorded.wait(10)  # the LMS says when it stored the score; the bound only stops a hang
    finally:
        stop.set()
        worker.join(5)
    assert not worker.is_alive()
    assert len(lms.scores[course.lineitem]) == 1


@pytest.mark.slow
def test_several_worker_processes_share_the_outbox(app, lms, database_url):
    """Three `flask grades deliver` processes at once (as on several nodes): each score once, in order."""
    import os
    import subprocess
    import sys

    course = make_course(app, lms, learners=10)
    for sub, lt in course.launches.items():
        if sub.startswith("learner"):
            for fraction in (0.2, 0.4, 0.6, 0.8, 1.0):
                enqueue(app, lt, fraction)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"}
    flask = [sys.executable, "-m", "flask", "--app", "lti_tool", "grades", "deliver", "--threads", "2", "--limit", "7"]
    procs = [subprocess.Popen(flask, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(3)]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    deliver(app)  # whatever the limited runs left
    received = lms.scores[course.lineitem]
    assert len(received) == 50, outputs
    for i in range(1, 11):
        assert [s["scoreGiven"] for s in received if s["userId"] == f"learner-{i}"] == [20.0, 40.0, 60.0, 80.0, 100.0]
    # A one-pass worker that finds every learner's head leased by the others exits with nothing, which is
    # right; at least two of the three always find work, whatever the start-up timing.
    delivered = sorted(int(o.split("Delivered ")[1].split(",")[0]) for o in outputs)
    assert delivered[1:] == [7, 7], outputs
