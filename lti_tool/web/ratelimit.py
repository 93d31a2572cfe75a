"""Rate limits on login and launch that a lecture hall survives and a flood does not (Flask-Limiter).

A whole lecture reaches the tool from one campus NAT address, and every valid launch is signed by its platform:
valid launches are never limited per IP. What is limited:

- failures per client IP (RATELIMIT_FAILURES_PER_IP, default 60/minute): logins and launches the tool refused
  (4xx) — forged, replayed, malformed or unknown — are counted, and past the limit that address gets 429 on
  login and launch for the rest of the window;
- logins per client IP (RATELIMIT_PER_IP, default 3000/minute): a generous ceiling on the one unauthenticated
  step that succeeds without a signature (it writes nothing, so it is cheap);
- accepted launches per platform (RATELIMIT_PER_PLATFORM, default 6000/minute): counted only for launches whose
  signature was verified, so junk naming a university's issuer cannot use up that university's budget.

Counters live in Redis when REDIS_URL is set (shared by every worker and node), otherwise in process memory —
per worker; `deploy/gunicorn.conf.py` refuses to start several workers without Redis for that reason.
A breach answers 429 with a readable message and Retry-After.
"""

from __future__ import annotations

import os

from flask import Flask, Response, current_app, request
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from lti_tool.lti.validation import unverified_parts

LIMITED_VIEWS = ("lti.login", "lti.launch")
DEFAULTS = {
    "RATELIMIT_FAILURES_PER_IP": "60/minute",
    "RATELIMIT_PER_IP": "3000/minute",
    "RATELIMIT_PER_PLATFORM": "6000/minute",
}


def _platform_key() -> str:
    """The issuer a launch's id_token names. Only launches that were accepted (signature verified) are counted
    under it, so the key is trusted by the time it costs anything."""
    issuer = ""
    if request.form.get("id_token"):
        try:
            issuer = str(unverified_parts(request.form["id_token"])[1].get("iss") or "")
        except Exception:
            issuer = ""
    return "platform:" + (issuer or "unknown")[:300]


def _failure_key() -> str:
    return "failures:" + (get_remote_address() or "unknown")


def _refused(response: Response) -> bool:
    return 400 <= response.status_code < 500


def _accepted(response: Response) -> bool:
    return response.status_code < 400


def init_rate_limits(app: Flask) -> Limiter:
    for name, default in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name, default))
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
        # One failure budget per address, shared by login and launch.
        view = limiter.shared_limit(lambda: current_app.config["RATELIMIT_FAILURES_PER_IP"], "failures",
                                    key_func=_failure_key, deduct_when=_refused)(view)
        if endpoint == "lti.login":
            view = limiter.limit(lambda: current_app.config["RATELIMIT_PER_IP"], key_func=get_remote_address)(view)
        else:
            view = limiter.limit(lambda: current_app.config["RATELIMIT_PER_PLATFORM"], key_func=_platform_key,
                                 deduct_when=_accepted)(view)
        app.view_functions[endpoint] = view

    @app.errorhandler(429)
    def too_many(exc):
        from lti_tool.web.errors import error_response

        message = gettext("Too many attempts in a short time. Please wait a minute and open the activity again.")
        return error_response("rate_limited", message, 429, {"Retry-After": str(getattr(exc, "retry_after", None) or 60)})

    return limiter
