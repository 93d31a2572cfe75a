"""OAuth2 access tokens for LTI Advantage services (client_credentials grant with a signed JWT assertion).

A token is cached per platform registration and set of scopes until shortly before it expires, at three
levels: this process (a dict), then every process (Redis when the app has one, else the `service_token`
table), then the platform's token endpoint. So a delivery worker asks a platform for one token, not one per
score, and several workers on several nodes share it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import requests
from flask import current_app
from sqlalchemy import delete, select

from lti_tool.extensions import db
from lti_tool.lti.keys import sign_jwt
from lti_tool.models import utcnow
from lti_tool.services.models import ServiceToken

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Refresh this long before the platform's expiry, so a token never expires in flight.
EXPIRY_MARGIN_SECONDS = 60


class PlatformLike(Protocol):
    """What a token request needs from a registration (a `Platform` row or a detached copy for threads)."""

    id: int
    client_id: str
    auth_token_url: str
    auth_audience: str | None


class TokenError(Exception):
    """The platform refused or failed to give a token. `retryable` is False for answers that need an admin."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


@dataclass(frozen=True)
class CachedToken:
    value: str
    expires_at: float  # epoch seconds, already shortened by the margin


# Keyed by (platform id, token URL, client id, scope key): a re-registered platform never reuses a token.
_local: dict[tuple[int, str, str, str], CachedToken] = {}
_local_lock = threading.Lock()
_fetch_locks: dict[tuple[int, str, str, str], threading.Lock] = {}


def scope_key(scopes: list[str] | tuple[str, ...] | set[str]) -> str:
    return hashlib.sha256(" ".join(sorted(set(scopes))).encode()).hexdigest()


def _redis() -> Any:
    return (current_app.extensions.get("natalli") or {}).get("redis")


def _redis_key(platform_id: int, key: str) -> str:
    return f"natalli:service-token:{platform_id}:{key}"


def client_assertion(platform: PlatformLike) -> str:
    """The JWT that authenticates the tool at the token endpoint (RFC 7523; LTI Security Framework 4.1)."""
    now = int(time.time())
    return sign_jwt(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.auth_audience or platform.auth_token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_urlsafe(16),
        }
    )


def request_token(platform: PlatformLike, scopes: list[str], http: requests.Session | None = None) -> tuple[str, int]:
    """Ask the platform's token endpoint; return (access_token, lifetime in seconds)."""
    http = http or requests.Session()
    try:
        resp = http.post(
            platform.auth_token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(platform),
                "scope": " ".join(sorted(set(scopes))),
            },
            headers={"Accept": "application/json"},
            timeout=current_app.config.get("HTTP_TIMEOUT_SECONDS", 10),
        )
    except requests.RequestException as exc:
        raise TokenError(f"Token endpoint unreachable: {exc.__class__.__name__}: {exc}") from exc
    if resp.status_code != 200:
        detail = _error_detail(resp)
        # 400/401 (invalid_client, invalid_scope…) need an admin to fix the registration; retrying later is
        # still right (a score is never dropped), the message tells the admin what to fix.
        raise TokenError(f"Token endpoint answered {resp.status_code}: {detail}", resp.status_code)
    try:
        body = resp.json()
        token = str(body["access_token"])
        lifetime = int(body.get("expires_in") or 3600)
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenError("Token endpoint answered without an access_token.", resp.status_code) from exc
    return token, lifetime


def _error_detail(resp: requests.Response) -> str:
    try:
        body = resp.json()
        if isinstance(body, dict):
            parts = [str(body.get(k)) for k in ("error", "error_description", "message") if body.get(k)]
            if parts:
                return " — ".join(parts)[:500]
    except ValueError:
        pass
    return (resp.text or resp.reason or "").strip()[:500]


def get_token(platform: PlatformLike, scopes: list[str], http: requests.Session | None = None) -> str:
    """A valid access token for `platform` with `scopes`, from the nearest cache that has one."""
    key = (platform.id, platform.auth_token_url, platform.client_id, scope_key(scopes))
    now = time.time()
    with _local_lock:
        cached = _local.get(key)
        lock = _fetch_locks.setdefault(key, threading.Lock())
    if cached and cached.expires_at > now:
        return cached.value
    with lock:  # one fetch per process at a time; the others wait and reuse it
        with _local_lock:
            cached = _local.get(key)
        if cached and cached.expires_at > time.time():
            return cached.value
        shared = _read_shared(platform.id, key[3])
        if shared is None:
            value, lifetime = request_token(platform, scopes, http)
            margin = min(EXPIRY_MARGIN_SECONDS, lifetime // 5)
            shared = CachedToken(value, time.time() + lifetime - margin)
            _write_shared(platform.id, key[3], shared)
        with _local_lock:
            _local[key] = shared
        return shared.value


def invalidate(platform_id: int, scopes: list[str]) -> None:
    """Forget a token the platform no longer accepts (it answered 401), everywhere."""
    key = scope_key(scopes)
    with _local_lock:
        for cached in [k for k in _local if k[0] == platform_id and k[3] == key]:
            _local.pop(cached, None)
    redis = _redis()
    if redis is not None:
        redis.delete(_redis_key(platform_id, key))
    else:
        db.session.execute(
            delete(ServiceToken).where(ServiceToken.platform_id == platform_id, ServiceToken.scope_key == key)
        )
        db.session.commit()


def clear_process_cache() -> None:
    """Tests and the bench start from a cold cache."""
    with _local_lock:
        _local.clear()


def _read_shared(platform_id: int, key: str) -> CachedToken | None:
    redis = _redis()
    if redis is not None:
        raw = redis.get(_redis_key(platform_id, key))
        if raw:
            data = json.loads(raw)
            if data["expires_at"] > time.time():
                return CachedToken(data["value"], data["expires_at"])
        return None
    row = db.session.scalars(
        select(ServiceToken).where(ServiceToken.platform_id == platform_id, ServiceToken.scope_key == key)
    ).first()
    db.session.commit()  # end the read transaction: workers must not hold one open across HTTP
    if row is None or row.expires_at <= utcnow():
        return None
    remaining = (row.expires_at - utcnow()).total_seconds()
    return CachedToken(row.access_token, time.time() + remaining)


def _write_shared(platform_id: int, key: str, token: CachedToken) -> None:
    lifetime = max(1, int(token.expires_at - time.time()))
    redis = _redis()
    if redis is not None:
        redis.set(
            _redis_key(platform_id, key),
            json.dumps({"value": token.value, "expires_at": token.expires_at}),
            ex=lifetime,
        )
        return
    expires = utcnow() + timedelta(seconds=lifetime)
    row = db.session.get(ServiceToken, (platform_id, key))
    if row is None:
        db.session.add(ServiceToken(platform_id=platform_id, scope_key=key, access_token=token.value, expires_at=expires))
    else:
        row.access_token = token.value
        row.expires_at = expires
    try:
        db.session.commit()
    except Exception:  # another process stored one at the same moment: theirs is as good as ours
        db.session.rollback()
