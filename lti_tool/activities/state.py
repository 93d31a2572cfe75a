"""Reading and writing per-learner activity state, always scoped to the launch's user and course."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_tool.activities.common import catalog, context_pk, lang
from lti_tool.activities.models import ActivityState, Reflection
from lti_tool.extensions import db
from lti_tool.models import utcnow
from lti_tool.sql import insert_ignoring_duplicates


def content_or_404(activity_id: str, kind: str) -> Any:
    """The localised content item, or 404 when the id is unknown or names another kind of activity."""
    try:
        item = catalog().get(activity_id, lang())
    except KeyError:
        abort(404)
    if item.kind != kind:
        abort(404)
    return item


def read_progress(user_id: int, context: int, activity_id: str, *, hand_on: bool = False) -> ActivityState | None:
    """A person's progress row. `hand_on`: the launch reads it to know where a module resumes, and the page it
    then serves takes it once (get_state) instead of asking the database again."""
    if g.get("person_created") == user_id:
        row = None  # the person was created by this very request (a first launch): they have no progress yet
    else:
        row = db.session.scalars(
            select(ActivityState).where(
                ActivityState.user_id == user_id,
                ActivityState.context_pk == context,
                ActivityState.activity_id == activity_id,
            )
        ).first()
    if hand_on:
        g.setdefault("progress_read", {})[(user_id, context, activity_id)] = row
    return row


def get_state(activity_id: str, kind: str, *, create: bool = True) -> ActivityState | None:
    key = (g.launch.user_id, context_pk(), activity_id)
    already = g.get("progress_read")
    # Taken once: a later read in the same request (after a concurrent insert) asks the database.
    row = already.pop(key) if already and key in already else read_progress(*key)
    if row is None and create:
        row = create_once(
            ActivityState(user_id=g.launch.user_id, context_pk=context_pk(), activity_id=activity_id, kind=kind,
                          state={}),
            lambda: get_state(activity_id, kind, create=False),
        )
    return row


def first_visit(activity_id: str, kind: str, state: dict[str, Any], *, completed: bool = False) -> ActivityState | None:
    """Create the progress row of a first visit with its state in one INSERT (no savepoint, no UPDATE after,
    no ORM object: the page renders from `state`, which it already holds). Returns None when this request
    created the row; if a concurrent request (a second tab) created it a moment earlier, returns theirs for
    the caller to merge its visit into."""
    conn = db.session.connection()
    now = utcnow()
    values = {"user_id": g.launch.user_id, "context_pk": context_pk(), "activity_id": activity_id, "kind": kind,
              "state": state, "completed": completed, "created_at": now, "updated_at": now}
    new_id = insert_ignoring_duplicates(conn, ActivityState.__table__, values, returning="id")
    if new_id is not None:
        return None
    row = get_state(activity_id, kind, create=False)
    assert row is not None
    return row


def create_once(row: Any, reload: Any) -> Any:
    """Insert `row` in a savepoint; if a concurrent request (two autosaves, a double click) created the same
    unique row first, use theirs instead of failing the learner's request."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
        return row
    except IntegrityError:
        existing = reload()
        if existing is None:
            raise
        return existing


def update_state(row: ActivityState, **changes: Any) -> None:
    row.state = {**(row.state or {}), **changes}
    row.updated_at = utcnow()


def reflections(activity_id: str) -> dict[str, Reflection]:
    rows = db.session.scalars(
        select(Reflection).where(
            Reflection.user_id == g.launch.user_id,
            Reflection.context_pk == context_pk(),
            Reflection.activity_id == activity_id,
        )
    )
    return {r.prompt_id: r for r in rows}


def save_reflection(activity_id: str, prompt_id: str, text: str) -> Reflection:
    row = reflections(activity_id).get(prompt_id)
    if row is None:
        row = create_once(
            Reflection(user_id=g.launch.user_id, context_pk=context_pk(), activity_id=activity_id,
                       prompt_id=prompt_id, text=""),
            lambda: reflections(activity_id).get(prompt_id),
        )
    row.text = text
    row.updated_at = utcnow()
    return row
