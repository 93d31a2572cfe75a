"""The score delivery worker: sends the outbox (`score_outbox`) to each platform's AGS, losing nothing.

How it stays correct with several workers on several nodes:

* **Claiming** is a lease, not a long transaction: one UPDATE marks rows `claimed_by` this batch until
  `claimed_until`, and commits. On PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`, so
  concurrent workers take different rows without waiting; on SQLite the single-writer UPDATE is atomic.
  A crashed worker's lease runs out and another worker picks its rows up.
* **Order per learner and link**: a worker may claim a row only when no older row of the same user + link
  is still pending ("heads"), and then the pending rows queued behind the heads it holds ("followers").
  Nobody else can hold a head of that key, so a newer score is never sent before an older pending one.
  Within a key rows go out one by one in timestamp order; the first that must wait stops the key.
* **Retries**: timeouts, connection errors, 5xx, 408 and 429 back off exponentially with jitter
  (429/503 honour Retry-After); a score is retried until it arrives. Other 4xx answers will never
  succeed: the row is marked failed with the platform's message (instructors see it; `grades resend`).
* The HTTP happens outside any database transaction, on a few threads (one key per thread at a time).

`deliver_pending(app, limit)` runs passes until nothing is due; the CLI (`flask --app lti_tool grades
deliver [--loop]`) wraps it.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import and_, exists, or_, select, update

from lti_tool.extensions import db
from lti_tool.grades.models import DELIVERED, FAILED, PENDING, ScoreOutbox
from lti_tool.models import LaunchSession, Platform, ResourceLink, User, utcnow
from lti_tool.services.ags import AgsClient, score_payload, service_scopes, submission_review
from lti_tool.services.http import ServiceError

log = logging.getLogger("lti_tool.grades.delivery")

LEASE_SECONDS = 300
BATCH_SIZE = 200
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0


@dataclass(frozen=True)
class PlatformRef:
    """A detached copy of a registration for the sending threads (ORM objects stay in their session)."""

    id: int
    client_id: str
    auth_token_url: str
    auth_audience: str | None


@dataclass
class Job:
    row_id: int
    key: tuple[int, int]
    user_sub: str
    link_pk: int
    resource_link_id: str
    link_title: str
    activity_id: str
    lineitem_url: str | None
    lineitems_url: str | None
    scopes: list[str]
    platform: PlatformRef
    payload: dict[str, Any]
    score_maximum: float
    attempts: int


@dataclass
class Result:
    row_id: int
    status: str
    attempts: int
    error: str | None = None
    http_status: int | None = None
    lineitem_url: str | None = None
    retry_in: float | None = None


@dataclass
class PassReport:
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    retrying: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: PassReport) -> None:
        self.claimed += other.claimed
        self.delivered += other.delivered
        self.failed += other.failed
        self.retrying += other.retrying
        self.released += other.released
        self.errors.extend(other.errors)


def backoff_seconds(attempts: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter (half to full delay), capped at an hour; Retry-After wins if later."""
    rng = rng or random
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    delay = rng.uniform(delay / 2, delay)
    if retry_after is not None:
        delay = max(delay, min(retry_after, BACKOFF_CAP_SECONDS) + rng.uniform(0, 1))
    return delay


def _setting(app: Flask, name: str, default: int) -> int:
    """App config first (tests, create_app overrides), then the environment (operators), then the default."""
    value = app.config.get(name) or os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        return default


def worker_name() -> str:
    return f"{socket.gethostname()[:20]}:{os.getpid()}"


# -- claiming ----------------------------------------------------------------------------------------------------
def claim(limit: int, claim_id: str, lease_seconds: int = LEASE_SECONDS) -> int:
    """Lease up to `limit` due rows to `claim_id` (heads, then their followers); returns how many."""
    now = utcnow()
    until = now + timedelta(seconds=lease_seconds)
    o = ScoreOutbox.__table__
    older = o.alias("older")
    unleased = or_(o.c.claimed_until.is_(None), o.c.claimed_until < now)
    older_pending = exists().where(
        older.c.user_id == o.c.user_id,
        older.c.resource_link_pk == o.c.resource_link_pk,
        older.c.status == PENDING,
        or_(older.c.timestamp < o.c.timestamp, and_(older.c.timestamp == o.c.timestamp, older.c.id < o.c.id)),
    )
    heads = (
        select(o.c.id)
        .where(o.c.status == PENDING, o.c.next_attempt_at <= now, unleased, ~older_pending)
        .order_by(o.c.id)
        .limit(limit)
    )
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        heads = heads.with_for_update(skip_locked=True, of=o)
    claimed = db.session.execute(
        update(o).where(o.c.id.in_(heads)).values(claimed_by=claim_id, claimed_until=until)
    ).rowcount
    remaining = limit - claimed
    if claimed and remaining > 0:
        mine = o.alias("mine")
        followers = (
            select(o.c.id)
            .where(
                o.c.status == PENDING,
                unleased,
                exists().where(
                    mine.c.claimed_by == claim_id,
                    mine.c.user_id == o.c.user_id,
                    mine.c.resource_link_pk == o.c.resource_link_pk,
                ),
            )
            .order_by(o.c.timestamp, o.c.id)
            .limit(remaining)
        )
        if postgres:
            followers = followers.with_for_update(skip_locked=True, of=o)
        claimed += db.session.execute(
            update(o).where(o.c.id.in_(followers)).values(claimed_by=claim_id, claimed_until=until)
        ).rowcount
    db.session.commit()
    return claimed


def _load_jobs(claim_id: str) -> list[Job]:
    rows = db.session.execute(
        select(ScoreOutbox, User.sub, ResourceLink, Platform)
        .join(User, User.id == ScoreOutbox.user_id)
        .join(ResourceLink, ResourceLink.id == ScoreOutbox.resource_link_pk)
        .join(Platform, Platform.id == ScoreOutbox.platform_id)
        .where(ScoreOutbox.claimed_by == claim_id, ScoreOutbox.status == PENDING)
        .order_by(ScoreOutbox.timestamp, ScoreOutbox.id)
    ).all()
    fallback_endpoints = _fallback_endpoints({link.id for _, _, link, _ in rows if not link.lineitems_url})
    jobs = []
    for row, sub, link, platform in rows:
        endpoint = fallback_endpoints.get(link.id) or {}
        jobs.append(
            Job(
                row_id=row.id,
                key=(row.user_id, row.resource_link_pk),
                user_sub=sub,
                link_pk=link.id,
                resource_link_id=link.resource_link_id,
                link_title=link.title,
                activity_id=row.activity_id or link.activity_id,
                lineitem_url=link.lineitem_url,
                lineitems_url=link.lineitems_url or endpoint.get("lineitems"),
                scopes=service_scopes(link.ags_scopes or endpoint.get("scope")),
                platform=PlatformRef(platform.id, platform.client_id, platform.auth_token_url, platform.auth_audience),
                payload=score_payload(
                    sub, row.score_given, row.score_maximum, row.activity_progress, row.grading_progress, row.timestamp
                ),
                score_maximum=row.score_maximum,
                attempts=row.attempts,
            )
        )
    db.session.commit()
    return jobs


def _fallback_endpoints(link_pks: set[int]) -> dict[int, dict[str, Any]]:
    """The AGS endpoint claim of the latest launch of a link, for links recorded without one."""
    if not link_pks:
        return {}
    found: dict[int, dict[str, Any]] = {}
    for link_pk, claims in db.session.execute(
        select(LaunchSession.resource_link_pk, LaunchSession.claims)
        .where(LaunchSession.resource_link_pk.in_(link_pks))
        .order_by(LaunchSession.created_at.desc())
    ):
        endpoint = (claims or {}).get("ags_endpoint")
        if link_pk not in found and isinstance(endpoint, dict) and endpoint.get("lineitems"):
            found[link_pk] = endpoint
    return found


# -- line items --------------------------------------------------------------------------------------------------
_lineitem_locks: dict[int, threading.Lock] = {}
_lineitem_locks_guard = threading.Lock()


def resolve_lineitem(job: Job, client: AgsClient) -> str:
    """The line item for the job's link: the launch's, the one we found or created before, or find-or-create
    now (GET lineitems?resource_link_id=…, else POST one) and remember it on the ResourceLink."""
    if job.lineitem_url:
        return job.lineitem_url
    client.ensure_token()  # the token cache may commit: do it before taking the row lock below
    with _lineitem_locks_guard:
        lock = _lineitem_locks.setdefault(job.link_pk, threading.Lock())
    with lock:
        query = select(ResourceLink).where(ResourceLink.id == job.link_pk)
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update()  # one creator across processes; held only for this rare step
        link = db.session.scalars(query).first()
        if link is None:
            db.session.rollback()
            raise ServiceError("The course link no longer exists.", retryable=False)
        if link.lineitem_url:
            url = link.lineitem_url
            db.session.commit()
            return url
        if not job.lineitems_url:
            db.session.rollback()
            raise ServiceError("The platform offers no gradebook service (AGS) for this link.", retryable=False)
        try:
            url = client.find_lineitem(job.lineitems_url, job.resource_link_id, job.activity_id)
            if url is None:
                url = client.create_lineitem(
                    job.lineitems_url,
                    label=job.link_title or job.activity_id,
                    resource_link_id=job.resource_link_id,
                    resource_id=job.activity_id,
                    score_maximum=job.score_maximum,
                    review=submission_review(current_app.config["TOOL_BASE_URL"] + "/lti/launch", job.activity_id),
                )
        except Exception:
            db.session.rollback()
            raise
        link.lineitem_url = url
        db.session.commit()
        return url


# -- sending -----------------------------------------------------------------------------------------------------
class Breaker:
    """Platforms found down during this batch: their other rows wait without another timeout each."""

    def __init__(self) -> None:
        self._down: dict[int, ServiceError] = {}
        self._lock = threading.Lock()

    def trip(self, platform_id: int, error: ServiceError) -> None:
        if error.status is None or error.status >= 500 or error.status == 429:
            with self._lock:
                self._down.setdefault(platform_id, error)

    def down(self, platform_id: int) -> ServiceError | None:
        with self._lock:
            return self._down.get(platform_id)


def _send_key(jobs: list[Job], deadline: float, breaker: Breaker | None = None) -> list[Result]:
    """Send one user+link's rows in order; stop at the first that has to wait."""
    breaker = breaker or Breaker()
    results: list[Result] = []
    for job in jobs:
        if time.monotonic() > deadline:
            break  # lease nearly over: leave the rest to the next pass
        attempts = job.attempts + 1
        known_down = breaker.down(job.platform.id)
        if known_down is not None:
            delay = backoff_seconds(attempts, known_down.retry_after)
            results.append(
                Result(job.row_id, PENDING, attempts, known_down.message, known_down.status, retry_in=delay)
            )
            break
        client = AgsClient(job.platform, job.scopes)
        url: str | None = None
        status = 200
        try:
            url = resolve_lineitem(job, client)
            status = client.post_score(url, job.payload)
        except ServiceError as exc:
            if exc.status == 409 and url is not None:
                # The platform already holds a score at least this new for the learner (our earlier attempt
                # landed but its answer was lost, e.g. a timeout): AGS says to keep the newer one. Done.
                results.append(Result(job.row_id, DELIVERED, attempts, f"Already recorded: {exc.message}", 409,
                                      lineitem_url=url))
                continue
            if exc.retryable:
                breaker.trip(job.platform.id, exc)
                delay = backoff_seconds(attempts, exc.retry_after)
                results.append(Result(job.row_id, PENDING, attempts, exc.message, exc.status, retry_in=delay))
                log.warning("score %s: will retry in %.0f s: %s", job.row_id, delay, exc.message)
                break
            results.append(Result(job.row_id, FAILED, attempts, exc.message, exc.status))
            log.error("score %s failed for good: %s", job.row_id, exc.message)
            continue
        except Exception as exc:  # a bug or an unexpected answer: keep the score, retry later, say why
            delay = backoff_seconds(attempts)
            log.exception("score %s: unexpected error", job.row_id)
            results.append(Result(job.row_id, PENDING, attempts, f"Unexpected error: {exc!r}"[:1000], retry_in=delay))
            break
        results.append(Result(job.row_id, DELIVERED, attempts, None, status, lineitem_url=url))
    return results


def _apply(results: list[Result], claim_id: str) -> PassReport:
    now = utcnow()
    report = PassReport()
    values = []
    for r in results:
        row: dict[str, Any] = {
            "id": r.row_id,
            "status": r.status,
            "attempts": r.attempts,
            "last_error": r.error,
            "last_status": r.http_status,
            "claimed_by": None,
            "claimed_until": None,
        }
        if r.status == DELIVERED:
            row["delivered_at"] = now
            row["lineitem_url"] = r.lineitem_url
            report.delivered += 1
        elif r.status == FAILED:
            report.failed += 1
            report.errors.append(f"#{r.row_id}: {r.error}")
        else:
            row["next_attempt_at"] = now + timedelta(seconds=r.retry_in or BACKOFF_BASE_SECONDS)
            report.retrying += 1
            report.errors.append(f"#{r.row_id} (will retry): {r.error}")
        values.append(row)
    # Group rows by their set of columns: the ORM's bulk UPDATE by primary key needs one shape per batch.
    by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in values:
        by_shape.setdefault(tuple(sorted(row)), []).append(row)
    for rows in by_shape.values():
        db.session.execute(update(ScoreOutbox), rows)
    # Whatever this claim did not get to (stopped keys, lease deadline) goes back to the queue as it was.
    o = ScoreOutbox.__table__
    report.released = db.session.execute(
        update(o).where(o.c.claimed_by == claim_id).values(claimed_by=None, claimed_until=None)
    ).rowcount
    db.session.commit()
    return report


def run_batch(app: Flask, limit: int = BATCH_SIZE, threads: int | None = None) -> PassReport:
    """Claim one batch, send it, record the results. Call inside an app context."""
    claim_id = f"{worker_name()}:{uuid.uuid4().hex[:8]}"[:40]
    lease = _setting(app, "GRADES_LEASE_SECONDS", LEASE_SECONDS)
    claimed = claim(limit, claim_id, lease)
    if not claimed:
        return PassReport()
    deadline = time.monotonic() + lease * 0.8
    jobs = _load_jobs(claim_id)
    by_key: dict[tuple[int, int], list[Job]] = {}
    for job in jobs:
        by_key.setdefault(job.key, []).append(job)
    threads = threads or _setting(app, "GRADES_DELIVERY_THREADS", 4)
    breaker = Breaker()
    results: list[Result] = []
    if threads <= 1 or len(by_key) == 1:
        for key_jobs in by_key.values():
            results.extend(_send_key(key_jobs, deadline, breaker))
    else:

        def send_in_context(key_jobs: list[Job]) -> list[Result]:
            with app.app_context():
                try:
                    return _send_key(key_jobs, deadline, breaker)
                finally:
                    db.session.remove()

        with ThreadPoolExecutor(max_workers=min(threads, len(by_key))) as pool:
            for chunk in pool.map(send_in_context, by_key.values()):
                results.extend(chunk)
    report = _apply(results, claim_id)
    report.claimed = claimed
    return report


def deliver_pending(app: Flask, limit: int | None = None, threads: int | None = None) -> PassReport:
    """Send everything that is due now (at most `limit` rows); returns counts. For the CLI, tests and bench."""
    total = PassReport()
    with app.app_context():
        while limit is None or total.claimed < limit:
            batch = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - total.claimed)
            report = run_batch(app, batch, threads)
            total.add(report)
            if report.claimed == 0 or (report.delivered + report.failed) == 0:
                break  # nothing due, or everything due has to wait
        db.session.remove()
    return total


def run_forever(
    app: Flask, idle_seconds: float = 2.0, echo: Callable[[str], None] | None = None, stop: threading.Event | None = None
) -> None:
    """The long-lived worker: deliver, sleep while idle, stop cleanly on SIGTERM/SIGINT or `stop`."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    while not stop.is_set():
        try:
            report = deliver_pending(app)
        except Exception:  # the database restarting must not kill the worker: log, wait, go on
            log.exception("delivery pass failed")
            report = PassReport()
            stop.wait(idle_seconds * 5)
            continue
        if echo and report.claimed:
            echo(f"{_now()} delivered {report.delivered}, failed {report.failed}, retrying {report.retrying}")
        if report.delivered == 0 and report.failed == 0:
            stop.wait(idle_seconds)


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S")


# -- status and resend -------------------------------------------------------------------------------------------
def resend(row_id: int) -> ScoreOutbox:
    """Queue a failed (or delivered) score again, as the newest score of its learner and link.

    Only the latest score of a learner + link can be resent: sending an older one with a new timestamp
    would replace a newer result in the gradebook.
    """
    row = db.session.get(ScoreOutbox, row_id)
    if row is None:
        raise LookupError(f"No score with id {row_id}.")
    newer = db.session.scalar(
        select(ScoreOutbox.id)
        .where(
            ScoreOutbox.user_id == row.user_id,
            ScoreOutbox.resource_link_pk == row.resource_link_pk,
            ScoreOutbox.id != row.id,
            or_(
                ScoreOutbox.timestamp > row.timestamp,
                and_(ScoreOutbox.timestamp == row.timestamp, ScoreOutbox.id > row.id),
            ),
        )
        .limit(1)
    )
    if newer is not None:
        raise ValueError(f"Score {row_id} has a newer score (#{newer}) for the same learner and link; resend that one.")
    if row.status == PENDING:
        row.next_attempt_at = utcnow()
        row.attempts = 0
        db.session.commit()
        return row
    now = utcnow()
    row.timestamp = now if now > row.timestamp else row.timestamp + timedelta(milliseconds=1)
    row.status = PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.last_error = None
    row.last_status = None
    row.delivered_at = None
    row.claimed_by = None
    row.claimed_until = None
    db.session.commit()
    return row


def outstanding(limit: int = 200) -> list[ScoreOutbox]:
    """Pending and failed rows, oldest first, for `grades status`."""
    return list(
        db.session.scalars(
            select(ScoreOutbox)
            .where(ScoreOutbox.status.in_((PENDING, FAILED)))
            .order_by(ScoreOutbox.status, ScoreOutbox.id)
            .limit(limit)
        )
    )
