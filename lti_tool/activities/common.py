"""Shared plumbing for the activity blueprints: CSRF, content in the learner's language, safe Markdown,
text limits, the support text, and writing a grade only when the outcome changed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

import nh3
from flask import Blueprint, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import bindparam, select

from lti_tool.domain.grading import Outcome
from lti_tool.extensions import db
from lti_tool.lti import csrf
from lti_tool.lti.errors import LaunchError
from lti_tool.web.forms import LONG_TEXT, normalise_text, too_long_message
from lti_tool.web.forms import (
    SHORT_TEXT as SHORT_TEXT,  # the limits live in lti_tool.web.forms; importable here too
)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# activity kind -> (learner endpoint, instructor endpoint, name of the id argument or None)
KIND_VIEWS: dict[str, tuple[str, str, str | None]] = {
    "module": ("modules.resume", "modules.resume", "module_id"),
    "scenario": ("breakouts.scenario", "breakouts.facilitator", "scenario_id"),
    "journal": ("journal.index", "journal.shared", None),
    "action_plan": ("action_plan.index", "action_plan.index", None),
    "ttt_unit": ("ttt.unit", "ttt.unit", "unit_id"),
    "workshop_agenda": ("ttt.planner", "ttt.planner", None),
    "self_assessment": ("pairing.assessment", "pairing.facilitator", "assessment_id"),  # the pairing part
    "pair_space": ("pairspace.index", "pairspace.facilitator", None),  # a published pair's own space
}


def kind_view(kind: str, launch: Any = None) -> tuple[str, str | None] | None:
    """(endpoint, id argument) for the role of `launch` (default: the request's launch), or None when no part
    of this server serves that kind (e.g. the pairing part is not installed)."""
    views = KIND_VIEWS.get(kind)
    if views is None:
        return None
    endpoint = views[1] if (launch or g.launch).is_instructor else views[0]
    if endpoint not in current_app.view_functions:
        return None
    return endpoint, views[2]


def csrf_token(lt: str) -> str:
    return csrf.token_for(lt)


def check_csrf() -> None:
    """before_request hook of every activity blueprint: unsafe methods must carry the launch's token."""
    if request.method in UNSAFE_METHODS:
        csrf.check((request.view_args or {}).get("lt", ""))


def make_blueprint(name: str, import_name: str) -> Blueprint:
    bp = Blueprint(name, import_name)
    bp.before_request(check_csrf)
    return bp


def lang() -> str:
    return str(get_locale() or "en")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Raw HTML is switched off: content and overrides are Markdown only.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown(text: str | None) -> Markup:
    """Content Markdown -> HTML, with raw HTML disabled and the result sanitised again with nh3."""
    return Markup(_render_markdown(text or ""))


@lru_cache(maxsize=2048)
def _render_markdown(text: str) -> str:
    """Only programme content (and the institution's support text) is rendered here, so the set of inputs is
    small and fixed: render each once per process instead of on every page view."""
    return nh3.clean(_markdown().render(text), link_rel="noopener noreferrer")


def catalog() -> Any:
    from course_content import load

    return load()


def support_text(language: str | None = None) -> tuple[str, str]:
    """(title, Markdown body) of the referral text. An institution's own text wins over the programme's
    default: app config, else environment, SUPPORT_TEXT_<LANG> (e.g. SUPPORT_TEXT_NL), then SUPPORT_TEXT for
    every language; the heading likewise from SUPPORT_TITLE_<LANG> / SUPPORT_TITLE."""
    language = language or lang()
    default = catalog().support(language)

    def setting(name: str) -> str | None:
        for key in (f"{name}_{language.upper()}", name):
            value = current_app.config.get(key) or os.environ.get(key)
            if value:
                return str(value)
        return None

    return setting("SUPPORT_TITLE") or default.title, setting("SUPPORT_TEXT") or default.body


def context_pk() -> int:
    """The launch's course. Every activity belongs to a course; a launch without one cannot use them."""
    pk = g.launch.context_pk
    if pk is None:
        raise LaunchError(
            "no_context", _("This activity needs to be opened from inside a course."), 400
        )
    return pk


def clean_text(value: str | None, limit: int = LONG_TEXT, *, field_label: str = "") -> str:
    """Learner text as plain text: NULs removed, newlines normalised, refused (413) beyond `limit`.
    Forms validate with `lti_tool.web.forms.LearnerText`, which does the same; this stays for callers that
    have not moved to a schema yet."""
    text = normalise_text(value)
    if len(text) > limit:
        raise LaunchError("text_too_long", too_long_message(len(text), limit), 413)
    return text


def launch_activity_is(activity_id: str) -> bool:
    return (g.launch.activity_id or "") == activity_id


def record_outcome(activity_id: str, outcome: Outcome) -> bool:
    """Queue a score for the launch's gradebook column when the work is on the activity the link names and
    the outcome differs from the last one queued (keeps the outbox small). Caller commits."""
    from lti_tool.grades.models import ScoreOutbox
    from lti_tool.grades.outbox import SCORE_MAXIMUM, enqueue_score

    launch = g.launch
    if not launch_activity_is(activity_id) or launch.resource_link_pk is None:
        return False
    outbox = ScoreOutbox.__table__.c
    # A person created by this very request (a first launch) has no score queued yet.
    last = None if g.get("person_created") == launch.user_id else db.session.connection().execute(
        select(outbox.activity_progress, outbox.grading_progress, outbox.score_given, outbox.timestamp)
        .where(outbox.user_id == bindparam("user"), outbox.resource_link_pk == bindparam("link"))
        .order_by(outbox.timestamp.desc(), outbox.id.desc())
        .limit(1),
        {"user": launch.user_id, "link": launch.resource_link_pk},
    ).first()
    given = outcome.score_given(SCORE_MAXIMUM)
    if last is not None and (
        last.activity_progress == str(outcome.activity_progress)
        and last.grading_progress == str(outcome.grading_progress)
        and last.score_given == given
    ):
        return False
    return enqueue_score(launch, outcome, last_timestamp=last.timestamp if last is not None else None) is not None


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.is_json


def template_globals() -> dict[str, Any]:
    """Names every activity template may use."""
    launch = g.get("launch")
    return {
        "csrf_token": csrf_token(launch.token) if launch is not None else "",
        "owner_key": owner_key(launch.user_id) if launch is not None else "anon",
        "launch": launch,
        "md": markdown,
        "fb": fallback_lang,
        "language_names": LANGUAGE_NAMES,
        "support_info": support_text,
        "activity_url": activity_url,
        "has_endpoint": lambda name: name in current_app.view_functions,
    }


LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "uk": "Українська", "de": "Deutsch"}


def owner_key(user_id: int) -> str:
    """An opaque per-person key for the browser's local copy of unsaved text (a shared computer must not
    show one person's draft to the next)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"owner:{user_id}".encode(), hashlib.sha256).hexdigest()[:20]


def fallback_lang(item: Any, path: str) -> Markup:
    """` lang="en"` when this field of a content item fell back to English, so screen readers switch voice."""
    fallbacks = getattr(item, "fallback_fields", ()) or ()
    # A match either way: the field itself, a containing field, or a part of it (one list item) fell back.
    if lang() != "en" and any(path == f or path.startswith(f + ".") or f.startswith(path + ".") for f in fallbacks):
        return Markup(' lang="en"')
    return Markup("")


def activity_url(ref: Any) -> str:
    """Where an activity opens for the current launch's role ("#" for kinds this part does not serve)."""
    view = kind_view(ref.kind)
    if view is None:
        return "#"
    endpoint, arg = view
    return url_for(endpoint, lt=g.launch.token, **({arg: ref.id} if arg else {}))
