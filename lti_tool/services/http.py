"""Bearer-token HTTP to a platform's LTI Advantage services, with errors sorted into "retry" or "give up".

One `ServiceClient` per platform registration: it gets tokens from `lti_tool.services.tokens` (cached), keeps
one `requests.Session` per thread (connection reuse), retries once with a fresh token when the platform
answers 401, and turns every failure into a `ServiceError` that says whether trying again later can help.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from flask import current_app

from lti_tool.services import tokens

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
_sessions = threading.local()


class ServiceError(Exception):
    """A service call failed. `retryable`: a later attempt may succeed (LMS down, slow, rate limiting)."""

    def __init__(
        self, message: str, status: int | None = None, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


def http_session() -> requests.Session:
    """A per-thread session: keeps connections to the platform open between scores."""
    session = getattr(_sessions, "session", None)
    if session is None:
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _sessions.session = session
    return session


def platform_message(resp: requests.Response) -> str:
    """The platform's own words about a refusal, short enough for a table cell."""
    text = ""
    try:
        body = resp.json()
        if isinstance(body, dict):
            for key in ("reason", "message", "error_description", "error", "detail", "errors"):
                if body.get(key):
                    text = str(body[key])
                    break
    except ValueError:
        pass
    text = text or (resp.text or "").strip() or (resp.reason or "")
    return f"{resp.status_code} {text}"[:1000]


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime

        when = parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class ServiceClient:
    def __init__(self, platform: tokens.PlatformLike, scopes: Sequence[str]) -> None:
        self.platform = platform
        self.scopes = sorted(set(scopes))
        self.timeout = float(current_app.config.get("HTTP_TIMEOUT_SECONDS", 10))

    def ensure_token(self) -> None:
        """Fetch (or reuse) the token now, before a step that must not touch the database mid-way."""
        try:
            tokens.get_token(self.platform, self.scopes, http_session())
        except tokens.TokenError as exc:
            raise ServiceError(str(exc), exc.status, retryable=exc.retryable) from exc

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send with a bearer token; raise ServiceError for anything but 2xx."""
        http = http_session()
        for attempt in (1, 2):
            try:
                token = tokens.get_token(self.platform, self.scopes, http)
            except tokens.TokenError as exc:
                raise ServiceError(str(exc), exc.status, retryable=exc.retryable) from exc
            headers = dict(kwargs.pop("headers", None) or {})
            headers["Authorization"] = f"Bearer {token}"
            try:
                resp = http.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
            except requests.Timeout as exc:
                raise ServiceError(f"The platform did not answer within {self.timeout:g} s.") from exc
            except requests.RequestException as exc:
                raise ServiceError(f"Could not reach the platform: {exc.__class__.__name__}.") from exc
            if resp.status_code == 401 and attempt == 1:
                # The platform no longer accepts our cached token (revoked, restarted): fetch a new one once.
                tokens.invalidate(self.platform.id, self.scopes)
                kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
                continue
            if 200 <= resp.status_code < 300:
                return resp
            retryable = resp.status_code in RETRYABLE_STATUS
            raise ServiceError(
                platform_message(resp),
                resp.status_code,
                retryable=retryable,
                retry_after=retry_after_seconds(resp.headers.get("Retry-After")) if retryable else None,
            )
        raise AssertionError("unreachable")
