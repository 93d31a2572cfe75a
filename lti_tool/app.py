"""Application factory: `create_app(config)`, one blueprint per concern."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from flask.sessions import SessionInterface
from flask_babel import get_locale, gettext, lazy_gettext
from markupsafe import escape
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from lti_tool.config import load_config
from lti_tool.extensions import db, migrate
from lti_tool.i18n import init_i18n
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.jwks_cache import JwksCache
from lti_tool.lti.registry import Registry
from lti_tool.lti.session import forget_unsaved_launch
from lti_tool.lti.state import DatabaseUsedStates, RedisUsedStates, StateSigner
from lti_tool.metrics import Metrics
from lti_tool.observability import init_observability
from lti_tool.security import init_security

log = logging.getLogger("lti_tool")
MIGRATIONS = str(Path(__file__).parent / "migrations")


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.is_json


class NoFlaskSession(SessionInterface):
    """The tool keeps no cookie session: a launch lives in its URL token and the database (iframes often
    block third-party cookies). Skipping Flask's signed-cookie session saves work on every request."""

    def open_session(self, app: Flask, request: Any) -> None:
        return None  # Flask substitutes a NullSession, which refuses writes loudly

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        return None


def _tune_sqlite(engine: Any) -> None:
    """The embedded SQLite default in write-ahead-log mode: pages read while a launch writes, so two gunicorn
    workers on one file do not wait for each other's readers. (Durability is unchanged: every commit is
    still synced.)"""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return

    @event.listens_for(engine, "connect")
    def write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.session_interface = NoFlaskSession()
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)

    from lti_tool import crypto

    crypto.configure(app.config.get("ENCRYPTION_KEYS"), app.instance_path)
    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=MIGRATIONS)
    init_i18n(app)
    init_observability(app)

    redis_client = None
    if app.config.get("REDIS_URL"):
        import redis

        redis_client = redis.Redis.from_url(app.config["REDIS_URL"])
    app.extensions["natalli"] = {
        "redis": redis_client,
        "state_signer": StateSigner(app.config["SECRET_KEY"]),
        "used_states": RedisUsedStates(redis_client) if redis_client else DatabaseUsedStates(),
        "jwks_cache": JwksCache(app.config["JWKS_CACHE_SECONDS"], app.config["HTTP_TIMEOUT_SECONDS"]),
        "metrics": Metrics(),
        "registry": Registry(float(app.config.get("REGISTRY_CACHE_SECONDS", 30))),
    }

    from lti_tool import (
        activities,  # activity tables and blueprints
        models,  # noqa: F401 - register tables with the metadata
        services,  # LTI Advantage services: tables, blueprints, CLI
    )
    from lti_tool.grades import models as grade_models  # noqa: F401
    from lti_tool.lti.launch import bp as launch_bp
    from lti_tool.lti.registration import bp as registration_bp
    from lti_tool.pages import bp as pages_bp
    from lti_tool.pairing.views import bp as pairing_bp  # pairing tables and views

    app.register_blueprint(launch_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(pairing_bp)
    app.register_blueprint(services.deep_linking.bp)
    app.register_blueprint(services.link_setup.bp)
    app.register_blueprint(services.groups.bp)
    app.register_blueprint(services.grades_admin.bp)
    app.register_blueprint(services.review.bp)
    app.register_blueprint(activities.modules.bp)
    app.register_blueprint(activities.breakouts.bp)
    app.register_blueprint(activities.journal.bp)
    app.register_blueprint(activities.action_plan.bp)
    app.register_blueprint(activities.ttt.bp)
    app.register_blueprint(activities.insight.bp)

    from lti_tool import privacy
    from lti_tool.cli import register_cli
    from lti_tool.privacy_views import bp as my_data_bp

    app.register_blueprint(my_data_bp)
    register_cli(app)
    privacy.register_cli(app)
    services.cli.register_cli(app)
    init_security(app)
    from lti_tool.ratelimit import init_rate_limits

    init_rate_limits(app)
    _register_error_handlers(app)
    _register_request_hooks(app)
    return app


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


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(LaunchError)
    def launch_error(exc: LaunchError):
        # Messages are English msgids; the catalogs carry the learner-facing ones in nl/uk/de. The language is
        # settled before the rollback, which expires the launch's person it is read from.
        message = gettext(exc.message)
        db.session.rollback()
        forget_unsaved_launch()
        log.warning("refused: %s (%s) %s", exc.code, exc.status, request.path)
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
        log.error("unexpected error on %s", request.path, exc_info=exc, extra={"request_id": g.get("request_id", "-")})
        app.extensions["natalli"]["metrics"].error(500)
        if request.path == "/lti/launch":
            app.extensions["natalli"]["metrics"].launch("unexpected_error")
        message = gettext(
            "Something went wrong on our side. Nothing you saved before is lost. Please try again in a moment; "
            "if it happens again, give your support team the reference below."
        )
        return error_response("unexpected_error", message, 500)


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def observe(response):
        if request.path == "/lti/launch":
            app.extensions["natalli"]["metrics"].launch_seconds.observe(time.perf_counter() - g.started)
        return response
