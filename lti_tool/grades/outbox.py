"""Enqueue a score for passback. Called by activity code inside its own transaction (no commit here)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from lti_tool.domain.grading import Outcome
from lti_tool.extensions import db
from lti_tool.grades.models import PENDING, ScoreOutbox
from lti_tool.models import LaunchSession, utcnow
from lti_tool.sql import insert_row

SCORE_MAXIMUM = 100.0


_UNKNOWN = object()


def enqueue_score(
    launch: LaunchSession, outcome: Outcome, score_maximum: float = SCORE_MAXIMUM, *, last_timestamp: Any = _UNKNOWN
) -> int | None:
    """Add the outcome of `launch`'s activity to the outbox; the caller commits it with the learner's work.

    Returns the new outbox row's id, or None when there is nothing to send to (no resource link, e.g. a
    deep-linking launch, or a platform that offers no AGS for this link). A caller that has just read this
    person's latest score for the link passes its timestamp (or None when there is none), which saves a query.
    """
    link = launch.resource_link
    endpoint = (launch.claims or {}).get("ags_endpoint") or {}
    if link is None or not (link.lineitem_url or link.lineitems_url or endpoint.get("lineitems")):
        return None
    last = last_timestamp if last_timestamp is not _UNKNOWN else db.session.scalar(
        select(func.max(ScoreOutbox.timestamp)).where(
            ScoreOutbox.user_id == launch.user_id, ScoreOutbox.resource_link_pk == link.id
        )
    )
    now = utcnow()
    timestamp = now if last is None or now > last else last + timedelta(milliseconds=1)
    values = {
        "user_id": launch.user_id,
        "resource_link_pk": link.id,
        "platform_id": launch.platform_id,
        "activity_id": launch.activity_id,
        "score_given": outcome.score_given(score_maximum),
        "score_maximum": score_maximum,
        "activity_progress": str(outcome.activity_progress),
        "grading_progress": str(outcome.grading_progress),
        "timestamp": timestamp,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    # One INSERT now, in the caller's transaction: no ORM object to build or to check at the commit (nothing
    # in the request reads the row back; the delivery worker does, later).
    return int(insert_row(db.session.connection(), ScoreOutbox.__table__, values, returning="id"))
