"""Platform public keys, fetched once and cached with expiry; refetched when an unknown kid appears.

A process-wide cache: every worker fetches a platform's JWKS at most once per expiry period, plus at most
one refresh per `MIN_REFRESH_SECONDS` when a platform rotates its key.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests

from lti_tool.lti.errors import LaunchError

MIN_REFRESH_SECONDS = 10.0


@dataclass
class _Entry:
    keys: dict[str, Any] = field(default_factory=dict)  # kid -> PyJWK
    fetched_at: float = 0.0


class JwksCache:
    def __init__(self, ttl_seconds: float = 3600, timeout: float = 10, session: requests.Session | None = None):
        self.ttl = ttl_seconds
        self.timeout = timeout
        self.session = session or requests.Session()
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def _fetch(self, url: str) -> _Entry:
        try:
            resp = self.session.get(url, timeout=self.timeout, headers={"Accept": "application/json"})
            resp.raise_for_status()
            data = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise LaunchError(
                "jwks_unavailable",
                "The tool could not fetch the platform's public keys. Please try again in a minute; "
                "if it keeps happening, ask your LMS administrator to check the tool registration.",
                502,
            ) from exc
        self.fetches += 1
        return _Entry(keys=parse_jwks(data), fetched_at=time.monotonic())

    def get_key(self, url: str, kid: str) -> Any:
        """The verification key for `kid`, refreshing the cached set when it is stale or lacks that kid."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(url)
        fresh = entry is not None and now - entry.fetched_at < self.ttl
        if entry is not None and fresh and kid in entry.keys:
            return entry.keys[kid]
        if entry is not None and fresh and now - entry.fetched_at < MIN_REFRESH_SECONDS:
            raise LaunchError("unknown_kid", "The launch was signed with a key the platform does not publish.", 401)
        entry = self._fetch(url)
        with self._lock:
            self._entries[url] = entry
        if kid not in entry.keys:
            raise LaunchError("unknown_kid", "The launch was signed with a key the platform does not publish.", 401)
        return entry.keys[kid]


def parse_jwks(data: Any) -> dict[str, Any]:
    """kid -> PyJWK for every usable RSA signing key in a JWKS document."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise LaunchError("jwks_invalid", "The platform's key set is not a valid JWKS document.", 502)
    keys: dict[str, Any] = {}
    for item in data["keys"]:
        if not isinstance(item, dict) or not item.get("kid") or item.get("kty") != "RSA":
            continue
        if item.get("use", "sig") != "sig":
            continue
        try:
            keys[str(item["kid"])] = jwt.PyJWK(item, algorithm="RS256")
        except jwt.PyJWTError:
            continue
    return keys
