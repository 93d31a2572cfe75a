"""Rate limits on login and launch, per client IP and per platform (Flask-Limiter).

Counters live in Redis when REDIS_URL is set (shared by every worker and node), otherwise in process memory.
Limits are configuration: RATELIMIT_PER_IP and RATELIMIT_PER_PLATFORM (Flask-Limiter syntax, e.g. "300/minute").
A breach answers 429 with a readable message and Retry-After.
"""

from __future__ import annotations

import os

from flask import Flask, current_app, request
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from lti_tool.lti.validation import unverified_parts

LIMITED_VIEWS = ("lti.login", "lti.launch")


def _platform_key() -> str:
    """The issuer a login or launch claims to come from (unverified: used only to count)."""
    issuer = request.values.get("iss")
    if not issuer and request.form.get("id_token"):
        try:
            issuer = str(unverified_parts(request.form["id_token"])[1].get("iss") or "")
        except Exception:
            issuer = ""
    return "platform:" + (issuer or "unknown")[:300]


def init_rate_limits(app: Flask) -> Limiter:
    app.config.setdefault("RATELIMIT_PER_IP", os.environ.get("RATELIMIT_PER_IP", "300/minute"))
    app.config.setdefault("RATELIMIT_PER_PLATFORM", os.environ.get("RATELIMIT_PER_PLATFORM", "6000/minute"))
    app.config.setdefault("RATELIMIT_ENABLED", os.environ.get("RATELIMIT_ENABLED", "true").lower() != "false")
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=app.config.get("REDIS_URL") or "memory://",
        enabled=app.config["RATELIMIT_ENABLED"],
        headers_enabled=True,
        key_prefix="natalli-rl",
        swallow_errors=True,  # a Redis hiccup must not refuse every launch
    )
    # Flask-Limiter keeps only a weak reference to itself: the app must hold the strong one.
    app.extensions["natalli"]["limiter"] = limiter
    for endpoint in LIMITED_VIEWS:
        view = app.view_functions[endpoint]
        view = limiter.limit(lambda: current_app.config["RATELIMIT_PER_IP"], key_func=get_remote_address)(view)
        view = limiter.limit(lambda: current_app.config["RATELIMIT_PER_PLATFORM"], key_func=_platform_key)(view)
        app.view_functions[endpoint] = view

    @app.errorhandler(429)
    def too_many(exc):
        from lti_tool.app import error_response

        message = gettext("Too many attempts in a short time. Please wait a minute and open the activity again.")
        return error_response("rate_limited", message, 429, {"Retry-After": str(getattr(exc, "retry_after", None) or 60)})

    return limiter
