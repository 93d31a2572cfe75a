"""A per-launch CSRF token for the services' forms (resend, groups, deep-link response).

Derived from the launch token with the app secret (HMAC), so it needs no cookie — the tool runs in LMS
iframes where third-party cookies are often blocked — and a page from another site cannot compute it.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from lti_tool.lti.errors import LaunchError


def token_for(launch_token: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"natalli-csrf:" + launch_token.encode(), hashlib.sha256).hexdigest()


def check(launch_token: str) -> None:
    """Refuse a POST whose form lacks this launch's token (400, readable page)."""
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, token_for(launch_token)):
        raise LaunchError(
            "csrf", "This form has expired or did not come from this page. Please reload the page and try again.", 400
        )
