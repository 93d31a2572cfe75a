"""Fetching and caching a tool's public keys (JWKS) by URL, refetched when an unknown kid appears.

The fetch function is injectable (config TOOL_JWKS_FETCH) so tests can serve keys without a tool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import jwt
import requests

Fetch = Callable[[str], Any]


class JwksError(Exception):
    """The tool's keys could not be fetched or do not contain the key asked for."""


def http_fetch(timeout: float = 10) -> Fetch:
    def fetch(url: str) -> Any:
        resp = requests.get(url, headers={"Accept": "application/json"}, timeout=timeout)
        resp.raise_for_status()
        return resp.json()

    return fetch


def parse_jwks(data: Any) -> dict[str, Any]:
    """kid → public key object, for the RSA signing keys in a JWKS document (others are skipped)."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise JwksError("The tool's JWKS is not a JSON object with a 'keys' list.")
    found: dict[str, Any] = {}
    for jwk in data["keys"]:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or not jwk.get("kid"):
            continue
        if jwk.get("use", "sig") != "sig":
            continue
        try:
            found[str(jwk["kid"])] = jwt.PyJWK(jwk, algorithm="RS256").key
        except jwt.PyJWTError:
            continue
    return found


class JwksCache:
    def __init__(self, fetch: Fetch, ttl_seconds: float = 300) -> None:
        self._fetch = fetch
        self._ttl = ttl_seconds
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def _load(self, url: str) -> dict[str, Any]:
        try:
            data = self._fetch(url)
        except (requests.RequestException, ValueError) as exc:
            raise JwksError(f"Could not fetch the tool's keys from {url}: {exc}") from exc
        keys = parse_jwks(data)
        with self._lock:
            self._entries[url] = (time.monotonic(), keys)
            self.fetches += 1
        return keys

    def get_key(self, url: str, kid: str) -> Any:
        """The key `kid` from `url`; a cached set that lacks it is refetched once (key rotation)."""
        with self._lock:
            entry = self._entries.get(url)
        if entry and time.monotonic() - entry[0] < self._ttl and kid in entry[1]:
            return entry[1][kid]
        keys = self._load(url)
        if kid not in keys:
            raise JwksError(f"The tool's key set at {url} has no key with kid {kid!r}.")
        return keys[kid]
