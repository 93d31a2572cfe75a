"""OIDC state and nonce: signed at login, single use at launch, shared by every worker and node.

Login writes nothing: the state is a random id plus the platform, the expiry and the optional LTI storage
target, signed with an HMAC key derived from SECRET_KEY; the nonce is derived from the state with the same
key, so the id_token's nonce must belong to exactly this state. What makes the pair single-use is the
launch: it records the state's id as used — in the database (an INSERT that only one of two concurrent
launches can make, committed with the launch itself) or, with REDIS_URL set, in Redis (SET NX with the
state's remaining lifetime). A forged, altered or expired state fails the signature or expiry check before
anything is written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from lti_tool.extensions import db
from lti_tool.models import UsedLoginState
from lti_tool.sql import insert_ignoring_duplicates

_KEY_LABEL = b"natalli-oidc-state-v1"
_MAC_BYTES = 16


@dataclass(frozen=True)
class StoredState:
    state_id: str
    nonce: str
    platform_id: int
    expires_at: int
    storage_target: str | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class StateSigner:
    """state = id.platform.expiry.target.mac — every part but the id is checked by the MAC."""

    def __init__(self, secret_key: str | bytes) -> None:
        raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
        self._key = hmac.new(raw, _KEY_LABEL, hashlib.sha256).digest()

    def _mac(self, message: str) -> str:
        return _b64(hmac.new(self._key, message.encode(), hashlib.sha256).digest()[:_MAC_BYTES])

    def nonce_for(self, state: str) -> str:
        return _b64(hmac.new(self._key, b"nonce." + state.encode(), hashlib.sha256).digest()[:24])

    def issue(self, platform_id: int, ttl_seconds: int, storage_target: str | None = None) -> tuple[str, str]:
        """A fresh (state, nonce) for a login."""
        body = ".".join([
            secrets.token_urlsafe(16), str(platform_id), str(int(time.time()) + ttl_seconds),
            _b64((storage_target or "").encode()),
        ])
        state = f"{body}.{self._mac(body)}"
        return state, self.nonce_for(state)

    def read(self, state: str) -> StoredState | None:
        """The state's content if it was signed by us and has not expired; None otherwise."""
        if not isinstance(state, str) or len(state) > 400:
            return None
        parts = state.split(".")
        if len(parts) != 5:
            return None
        state_id, platform, expiry, target, mac = parts
        if not hmac.compare_digest(mac, self._mac(".".join(parts[:4]))):
            return None
        try:
            platform_id, expires_at = int(platform), int(expiry)
            storage_target = _unb64(target).decode() or None
        except (ValueError, UnicodeError):
            return None
        if expires_at < time.time():
            return None
        return StoredState(state_id, self.nonce_for(state), platform_id, expires_at, storage_target)


class UsedStates(Protocol):
    def claim(self, item: StoredState) -> bool:
        """True exactly once per state id: the first launch to bring it."""
        ...


class DatabaseUsedStates:
    """Used state ids in the `used_login_state` table; the row is part of the launch's transaction, so a
    launch that fails to record leaves its state unused rather than half-consumed."""

    def claim(self, item: StoredState) -> bool:
        claimed = insert_ignoring_duplicates(db.session.connection(), UsedLoginState.__table__, self.row(item),
                                             returning="state_id")
        return claimed is not None

    @staticmethod
    def row(item: StoredState) -> dict[str, object]:
        """The `used_login_state` row that marks `item` used (for statements that claim it themselves)."""
        return {"state_id": item.state_id, "expires_at": datetime.fromtimestamp(item.expires_at, UTC).replace(tzinfo=None)}


class RedisUsedStates:
    prefix = "natalli:used-state:"

    def __init__(self, client) -> None:  # noqa: ANN001 - redis.Redis
        self.client = client

    def claim(self, item: StoredState) -> bool:
        ttl = max(1, item.expires_at - int(time.time()) + 1)
        return bool(self.client.set(self.prefix + item.state_id, b"1", nx=True, ex=ttl))
