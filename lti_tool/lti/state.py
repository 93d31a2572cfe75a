"""Server-side OIDC state and nonce, single use, shared by every worker and node.

The database is the default store; with REDIS_URL set, Redis is used (GETDEL makes consumption atomic).
Either way a state can be consumed exactly once, which is what makes the nonce single-use: the id_token's
nonce must equal the nonce stored with the state the browser brings back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete

from lti_tool.extensions import db
from lti_tool.models import LoginState, utcnow


@dataclass(frozen=True)
class StoredState:
    state: str
    nonce: str
    platform_id: int
    target_link_uri: str
    storage_target: str | None = None


class StateStore(Protocol):
    def put(self, item: StoredState, ttl_seconds: int) -> None: ...

    def consume(self, state: str) -> StoredState | None: ...


class DatabaseStateStore:
    def put(self, item: StoredState, ttl_seconds: int) -> None:
        db.session.add(
            LoginState(
                state=item.state,
                nonce=item.nonce,
                platform_id=item.platform_id,
                target_link_uri=item.target_link_uri,
                storage_target=item.storage_target,
                expires_at=utcnow() + timedelta(seconds=ttl_seconds),
            )
        )
        db.session.commit()

    def consume(self, state: str) -> StoredState | None:
        # DELETE … RETURNING is atomic on SQLite and PostgreSQL: of two concurrent launches with the same
        # state, exactly one gets the row back.
        stmt = (
            delete(LoginState)
            .where(LoginState.state == state)
            .returning(
                LoginState.nonce,
                LoginState.platform_id,
                LoginState.target_link_uri,
                LoginState.storage_target,
                LoginState.expires_at,
            )
        )
        row = db.session.execute(stmt).first()
        # No commit here: the deletion commits together with the recorded launch (one transaction), and a
        # launch that fails to record leaves its state unused rather than half-consumed.
        if row is None:
            return None
        nonce, platform_id, target, storage_target, expires_at = row
        if isinstance(expires_at, datetime) and expires_at < utcnow():
            return None
        return StoredState(state, nonce, platform_id, target, storage_target)


class RedisStateStore:
    prefix = "natalli:state:"

    def __init__(self, client) -> None:  # noqa: ANN001 - redis.Redis
        self.client = client

    def put(self, item: StoredState, ttl_seconds: int) -> None:
        payload = json.dumps([item.nonce, item.platform_id, item.target_link_uri, item.storage_target])
        self.client.set(self.prefix + item.state, payload, ex=ttl_seconds)

    def consume(self, state: str) -> StoredState | None:
        raw = self.client.getdel(self.prefix + state)
        if raw is None:
            return None
        nonce, platform_id, target, storage_target = json.loads(raw)
        return StoredState(state, nonce, int(platform_id), target, storage_target)


def purge_expired() -> int:
    """Remove login states that were never used (abandoned logins)."""
    result = db.session.execute(delete(LoginState).where(LoginState.expires_at < utcnow()))
    db.session.commit()
    return result.rowcount or 0
