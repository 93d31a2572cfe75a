"""HTTP security headers for a tool that lives inside other sites' iframes.

The Content-Security-Policy's `frame-ancestors` lists only the registered platforms' origins (issuer, login
and key-set URLs) plus FRAME_ANCESTORS from the environment (e.g. a Canvas institution's own domain, which
differs from its issuer). The list is recomputed at most once a minute per process.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from urllib.parse import urlparse

from flask import Flask, Response, current_app, g, request
from sqlalchemy import select

from lti_tool.extensions import db

_CACHE_SECONDS = 60.0


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return f"{parsed.scheme}://{parsed.netloc}"


class FrameAncestors:
    def __init__(self, extra: str) -> None:
        self.extra = [o for o in (_origin(x.strip()) for x in extra.split()) if o]
        self._value: list[str] = []
        self._at = 0.0
        self._lock = threading.Lock()

    def origins(self) -> list[str]:
        now = time.monotonic()
        if now - self._at > _CACHE_SECONDS:
            from lti_tool.models import Platform

            rows = db.session.execute(select(Platform.issuer, Platform.auth_login_url, Platform.key_set_url)).all()
            found = {o for row in rows for o in map(_origin, row) if o}
            with self._lock:
                self._value = sorted(found | set(self.extra))
                self._at = now
        return self._value

    def invalidate(self) -> None:
        self._at = 0.0


def csp_nonce() -> str:
    """Per-request nonce for the few inline scripts we need (auto-submitting LTI forms)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_security(app: Flask) -> None:
    ancestors = FrameAncestors(app.config.get("FRAME_ANCESTORS", os.environ.get("FRAME_ANCESTORS", "")))
    app.extensions["natalli"]["frame_ancestors"] = ancestors
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response: Response) -> Response:
        if response.mimetype == "text/html":
            try:
                frames = ancestors.origins()
            except Exception:  # database trouble must not turn every page into an error
                db.session.rollback()
                frames = ancestors.extra
            platform_origins = " ".join(frames)
            response.headers["Content-Security-Policy"] = "; ".join(
                [
                    "default-src 'self'",
                    f"script-src 'self' 'nonce-{csp_nonce()}'",
                    "style-src 'self' 'unsafe-inline'",
                    "img-src 'self' data:",
                    "object-src 'none'",
                    "base-uri 'none'",
                    # Deep-linking responses and launches post forms to the platform.
                    f"form-action 'self' {platform_origins}".strip(),
                    f"frame-ancestors 'self' {platform_origins}".strip(),
                ]
            )
        if request.path.startswith("/s/") or request.path == "/lti/launch":
            # Pages and JSON of a launch show personal data: never kept by browsers or shared caches
            # (the back button on a lab computer must not show the previous person's journal).
            response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.is_secure or current_app.config["TOOL_BASE_URL"].startswith("https://"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
