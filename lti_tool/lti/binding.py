"""The launch token's life: bound to the browser where the browser allows it, ended by idleness or "leave".

The `/s/<token>/` token in page URLs is what lets the tool work in LMS iframes whose cookies are blocked, but a
URL is easy to leave behind (browser history on a lab computer). So:

- **Binding.** Each launch sets a cookie scoped to its own token's path (`/s/<token>/`; `Secure;
  SameSite=None; Partitioned` over https, so it also works in a cross-site iframe in browsers that partition
  third-party cookies). The session keeps only a hash of the cookie. The first request after the launch decides
  the mode: the cookie came back → *bound*: from then on every request needs token + cookie, and the URL alone
  opens nothing; no cookie came back → the browser does not keep our cookies there → *URL-only* (today's mode).
  Pages ask for that first request straight away (`/s/<token>/bind` from a script), so the decision is made
  by the browser that launched, not by whoever opens the URL next.
- **Idle end.** A session unused for LAUNCH_IDLE_SECONDS (default 2 h) ends, inside the 8 h maximum.
- **Leave.** The person can end the session themselves.
- **Replaced.** A new launch of the same person on the same link from *another* browser ends the older
  sessions that were bound to a different browser (the learner who walked away from a lab computer); sessions in
  the same browser — other tabs — are kept, and URL-only sessions are left to the idle end, because the tool
  cannot tell their browser apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import cache
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import bindparam, update

from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.models import LaunchSession, utcnow

SESSION_COOKIE_PREFIX = "natalli-s-"
BROWSER_COOKIE = "natalli-browser"
SEEN_RESOLUTION = 300  # seconds: last use is written at most every five minutes
BOUND, URL_ONLY = "bound", "url"


def _digest(value: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"browser:" + value.encode(), hashlib.sha256).hexdigest()[:40]


def _secure() -> bool:
    return current_app.config["TOOL_BASE_URL"].startswith("https://")


def session_cookie_name(token: str) -> str:
    return SESSION_COOKIE_PREFIX + hashlib.sha256(token.encode()).hexdigest()[:16]


def launch_claims() -> tuple[dict[str, Any], dict[str, str]]:
    """Claims a new session keeps about its browser (hashes only), and the cookie values to set."""
    cookies = {"session": secrets.token_urlsafe(32)}
    browser = request.cookies.get(BROWSER_COOKIE) or ""
    if not 16 <= len(browser) <= 100:
        browser = cookies["browser"] = secrets.token_urlsafe(24)
    claims: dict[str, Any] = {"bk": _digest(cookies["session"]), "binding": None, "seen": int(time.time()),
                              "browser": _digest(browser)}
    return claims, cookies


def set_launch_cookies(response: Response, token: str, cookies: dict[str, str]) -> None:
    """The session's own cookie (path /s/<token>/) and, for a browser we have not seen, its browser-wide id."""
    secure = _secure()
    lifetime = current_app.config["LAUNCH_SESSION_SECONDS"]
    options: dict[str, Any] = {"secure": secure, "httponly": True, "samesite": "None" if secure else "Lax",
                               "partitioned": secure}
    response.set_cookie(session_cookie_name(token), cookies["session"], max_age=lifetime, path=f"/s/{token}/",
                        **options)
    if "browser" in cookies:
        response.set_cookie(BROWSER_COOKIE, cookies["browser"], max_age=365 * 86400, path="/", **options)


@cache
def _end_replaced() -> Any:
    claims = LaunchSession.claims
    return (
        update(LaunchSession)
        .where(LaunchSession.user_id == bindparam("b_user"),
               LaunchSession.resource_link_pk == bindparam("b_link"),
               LaunchSession.token != bindparam("b_token"), LaunchSession.expires_at > bindparam("b_now"),
               # Only sessions whose own browser proved to keep our cookies can be told apart from this one.
               claims["binding"].as_string() == BOUND, claims["browser"].as_string() != bindparam("b_browser"))
        .values(expires_at=bindparam("b_ended"))
        .execution_options(synchronize_session=False)
    )


def end_replaced_sessions(user_id: int, resource_link_pk: int | None, new_claims: dict[str, Any], token: str) -> None:
    """End this person's older sessions on the same link that are bound to another browser (see module doc):
    one UPDATE, whatever there is to end."""
    browser = new_claims.get("browser")
    if not browser or resource_link_pk is None:
        return
    now = utcnow()
    db.session.connection().execute(_end_replaced(), {"b_user": user_id, "b_link": resource_link_pk,
                                                      "b_token": token, "b_now": now, "b_browser": browser,
                                                      "b_ended": now})


def check(session: LaunchSession) -> None:
    """Enforce binding and idleness for a request on `session` (not the launch answering with its first page).
    Writes (and commits) the binding decision or the last-use time when they change."""
    claims = dict(session.claims or {})
    if "bk" not in claims:
        return  # a session from before binding existed: URL-only, as it was issued
    now = int(time.time())
    idle = int(current_app.config.get("LAUNCH_IDLE_SECONDS", 7200))
    if now - int(claims.get("seen") or now) > idle:
        raise LaunchError(
            "launch_idle",
            "Your session ended after a while without activity. Anything you saved is kept — please open the "
            "activity again from your course.",
            401,
        )
    sent = request.cookies.get(session_cookie_name(session.token))
    matches = bool(sent) and hmac.compare_digest(_digest(sent), claims["bk"])
    changes: dict[str, Any] = {}
    binding = claims.get("binding")
    # Refused: a bound session without its cookie, or any session shown a cookie that is not its own.
    if not matches and (binding == BOUND or (binding is None and sent)):
        raise LaunchError(
            "other_browser",
            "This page belongs to a session opened in another browser, so it cannot be opened from a copied "
            "address. Please open the activity again from your course.",
            401,
        )
    if binding is None:
        changes["binding"] = BOUND if matches else URL_ONLY
    if now - int(claims.get("seen") or 0) >= SEEN_RESOLUTION:
        changes["seen"] = now
    if changes:
        claims.update(changes)
        session.claims = claims  # a new dict: the ORM sees the change
        db.session.commit()


def end(session: LaunchSession) -> None:
    """Leave: the session ends now (the caller commits)."""
    db.session.execute(update(LaunchSession).where(LaunchSession.token == session.token).values(expires_at=utcnow()))
