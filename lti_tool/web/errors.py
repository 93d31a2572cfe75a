"""Error pages: every refusal and every failure answers a page a person can read (JSON when asked), in their
language, with a request id to quote — never Werkzeug's defaults, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import get_locale, gettext, lazy_gettext
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import forget_unsaved_launch
from lti_tool.web.observability import redact

log = logging.getLogger("lti_tool")


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.is_json



def error_response(code: str, message: str, status: int, headers: dict[str, str] | None = None):
    """A refusal a person can read: an HTML page, or JSON when the client asks for it."""
    request_id = g.get("request_id", "")
    if wants_json():
        body = jsonify({"error": code, "message": message, "request_id": request_id})
    else:
        try:
            body = render_template("error.html", code=code, message=message, status=status)
        except Exception:  # the page's own layout failed too: still a readable page, never a traceback
            log.error("error page could not be rendered", exc_info=True)
            body = Response(
                f"<!doctype html><html lang=en><meta charset=utf-8><title>NatAlli Mentoring</title>"
                f"<p>{escape(message)}</p><p>Reference: {escape(code)} (HTTP {status}), request {escape(request_id)}</p>",
                mimetype="text/html",
            )
    return body, status, headers or {}


# Plain HTTP errors, with words for people instead of Werkzeug's defaults (translated in the catalogs).
HTTP_ERRORS = {
    404: ("not_found", lazy_gettext("This page does not exist.")),
    405: ("method_not_allowed", lazy_gettext("This address does not accept that kind of request.")),
    413: ("too_large", lazy_gettext("What you sent is too large. Please shorten it and try again.")),
}


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(LaunchError)
    def launch_error(exc: LaunchError):
        # Messages are English msgids; the catalogs carry the learner-facing ones in nl/uk/de. The language is
        # settled before the rollback, which expires the launch's person it is read from.
        message = gettext(exc.message)
        db.session.rollback()
        forget_unsaved_launch()
        log.warning("refused: %s (%s) %s", exc.code, exc.status, redact(request.path))
        if request.path == "/lti/launch":
            app.extensions["natalli"]["metrics"].launch(exc.code)
        return error_response(exc.code, message, exc.status)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc: Exception):
        try:
            get_locale()  # settled while the launch's person is still loaded (the rollback expires it)
        except Exception:  # the person was not loaded yet: the request's language is used
            pass
        db.session.rollback()
        forget_unsaved_launch()
        log.error("database unavailable: %s", exc.__class__.__name__)
        message = gettext(
            "The tool cannot reach its database right now. Nothing was saved from this request and nothing "
            "you saved before is lost. Please try again in a few minutes."
        )
        return error_response("unavailable", message, 503, {"Retry-After": "60"})

    def http_error(exc: HTTPException):
        code, message = HTTP_ERRORS[exc.code]
        return error_response(code, str(message), exc.code)

    for status in HTTP_ERRORS:
        app.register_error_handler(status, http_error)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        """Anything else: never Werkzeug's default page. Other HTTP errors get plain words; a bug gets a calm
        page with the request id a person can quote, and the traceback goes to the log under that id."""
        if isinstance(exc, HTTPException) and exc.code is not None and exc.code < 500:
            return error_response(
                "request_refused", gettext("This request cannot be handled. Please go back and try again."),
                exc.code,
            )
        try:
            get_locale()  # settled while the launch's person is still loaded (the rollback expires it)
        except Exception:
            pass
        try:
            db.session.rollback()
        except Exception:  # a broken connection: the pool discards it
            log.warning("rollback after an unexpected error failed", exc_info=True)
        forget_unsaved_launch()
        log.error("unexpected error on %s", redact(request.path), exc_info=exc, extra={"request_id": g.get("request_id", "-")})
        app.extensions["natalli"]["metrics"].error(500)
        if request.path == "/lti/launch":
            app.extensions["natalli"]["metrics"].launch("unexpected_error")
        message = gettext(
            "Something went wrong on our side. Nothing you saved before is lost. Please try again in a moment; "
            "if it happens again, give your support team the reference below."
        )
        return error_response("unexpected_error", message, 500)
