"""Registrations, looked up once per process and kept for a short time.

A launch needs the platform (issuer + client_id) twice — at login and at launch — and its deployments;
reading them from the database on every request is wasted work on the hot path. Entries live for
REGISTRY_CACHE_SECONDS (default 30 s), so a registration changed from the CLI on another node is seen within
that time; unknown platforms are never cached, so a new registration works at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lti_tool.extensions import db
from lti_tool.models import Platform


@dataclass(frozen=True)
class PlatformInfo:
    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    key_set_url: str | None
    key_set: Any
    deployment_ids: frozenset[str]


class Registry:
    def __init__(self, ttl_seconds: float = 30.0) -> None:
        self.ttl = ttl_seconds
        self._entries: dict[tuple[str, str | None], tuple[float, list[PlatformInfo]]] = {}
        self._lock = threading.Lock()

    def find(self, issuer: str, client_id: str | None) -> list[PlatformInfo]:
        key = (issuer, client_id)
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        query = select(Platform).options(selectinload(Platform.deployments)).where(Platform.issuer == issuer)
        if client_id:
            query = query.where(Platform.client_id == client_id)
        found = [
            PlatformInfo(
                p.id, p.issuer, p.client_id, p.auth_login_url, p.key_set_url, p.key_set,
                frozenset(d.deployment_id for d in p.deployments),
            )
            for p in db.session.scalars(query.limit(2))
        ]
        if found:
            with self._lock:
                self._entries[key] = (now, found)
        return found

    def invalidate(self) -> None:
        with self._lock:
            self._entries.clear()
