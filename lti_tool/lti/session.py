"""Loading the launch behind a request: the `lt` token in the URL names a LaunchSession.

Every activity view goes through `launch_required`, which also enforces the role the view needs; objects
a view touches must then be checked against `g.launch` (its user and course), never trusted from the URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from lti_tool.extensions import db
from lti_tool.lti import binding
from lti_tool.lti.errors import LaunchError
from lti_tool.models import LaunchSession, utcnow

# The person (every page needs their language) and the link (pages that record progress queue its score)
# come with the launch: one query instead of three.
_BY_TOKEN = (
    select(LaunchSession)
    .options(joinedload(LaunchSession.user), joinedload(LaunchSession.resource_link))
    .where(LaunchSession.token == bindparam("t"))
)


def load_launch(token: str) -> LaunchSession:
    fresh = g.get("fresh_launch")
    if fresh is not None and token and fresh.token == token:
        return fresh  # the launch being answered with its first page: written in this very transaction
    session = db.session.scalars(_BY_TOKEN, {"t": token}).first() if token else None
    if session is None:
        raise LaunchError(
            "no_launch",
            "We could not find your session. Please open the activity again from your course.",
            401,
        )
    if (session.claims or {}).get("pending_state"):
        raise LaunchError(
            "launch_unverified",
            "This launch has not been confirmed by your browser. Please open the activity again from your course.",
            401,
        )
    if session.expires_at < utcnow():
        raise LaunchError(
            "launch_expired",
            "Your session has ended. Anything you saved is kept — please open the activity again from your course.",
            401,
        )
    binding.check(session)
    return session


def forget_unsaved_launch() -> None:
    """After a rollback: a launch written in the rolled-back transaction (a launch whose first page refused)
    no longer exists, so error pages must not show or reload it."""
    fresh = g.pop("fresh_launch", None)
    if fresh is not None:
        g.pop("landed_at", None)  # the page's address does not exist either: the browser stays where it is
        if g.get("launch") is fresh:
            g.pop("launch")


def launch_required(role: str | None = None) -> Callable:
    """Decorator: load `g.launch` from the `lt` view argument; `role="instructor"` admits instructors and admins."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.launch = load_launch(kwargs.get("lt", ""))
            if role == "instructor" and not g.launch.is_instructor:
                raise LaunchError("forbidden", "This page is for the course's facilitators.", 403)
            if role == "admin" and g.launch.role != "admin":
                raise LaunchError("forbidden", "This page is for administrators.", 403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
