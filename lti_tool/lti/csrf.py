"""One CSRF scheme for every form of the tool.

The token is an HMAC of the launch token with the app secret: it needs no cookie (LMS iframes often block
third-party cookies), and a page from another site, which cannot read ours, cannot compute it.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_babel import gettext as _

from lti_tool.lti.errors import LaunchError

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def token_for(launch_token: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"csrf:" + launch_token.encode(), hashlib.sha256).hexdigest()


def check(launch_token: str) -> None:
    """Refuse a request that does not carry this launch's token (form field or header) with a readable 400."""
    sent = request.headers.get(HEADER) or request.form.get(FIELD) or ""
    if not launch_token or not hmac.compare_digest(sent, token_for(launch_token)):
        raise LaunchError(
            "csrf_failed",
            _("This form has expired or did not come from this page. Please reload the page and try again."),
            400,
        )
