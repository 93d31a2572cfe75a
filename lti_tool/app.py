"""Application factory: `create_app(config)`, one blueprint per concern."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask.sessions import SessionInterface
from sqlalchemy import event

from lti_tool.config import load_config
from lti_tool.extensions import db, migrate
from lti_tool.lti.jwks_cache import JwksCache
from lti_tool.lti.registry import Registry
from lti_tool.lti.state import DatabaseUsedStates, RedisUsedStates, StateSigner
from lti_tool.web.errors import init_error_pages
from lti_tool.web.i18n import init_i18n
from lti_tool.web.metrics import Metrics
from lti_tool.web.observability import init_observability
from lti_tool.web.security import init_security

log = logging.getLogger("lti_tool")
MIGRATIONS = str(Path(__file__).parent / "migrations")


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
    from lti_tool.pairing.space_views import bp as pair_space_bp  # the published pairs' own spaces
    from lti_tool.pairing.views import bp as pairing_bp  # pairing tables and views
    from lti_tool.programme import cli as programme_cli
    from lti_tool.programme import feedback as programme_feedback  # feedback tables and questionnaires
    from lti_tool.programme import views as programme_views

    app.register_blueprint(launch_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(pairing_bp)
    app.register_blueprint(pair_space_bp)
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
    app.register_blueprint(activities.practice.bp)
    app.register_blueprint(activities.insight.bp)
    app.register_blueprint(programme_feedback.bp)
    app.register_blueprint(programme_views.bp)

    from lti_tool import privacy
    from lti_tool.cli import register_cli
    from lti_tool.privacy_views import bp as my_data_bp

    app.register_blueprint(my_data_bp)
    register_cli(app)
    privacy.register_cli(app)
    services.cli.register_cli(app)
    programme_cli.register_cli(app)
    init_security(app)
    from lti_tool.web.ratelimit import init_rate_limits

    init_rate_limits(app)
    init_error_pages(app)
    _register_request_hooks(app)
    return app


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def observe(response):
        if request.path == "/lti/launch":
            app.extensions["natalli"]["metrics"].launch_seconds.observe(time.perf_counter() - g.started)
        return response
