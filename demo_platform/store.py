"""Platform state in one JSON file under the instance folder, guarded by a lock.

A demo platform holds little data (a course, a few links, a latest score per person and line item), so a
JSON document that is rewritten atomically on each change is simpler than a database and survives
restarts: line items, resource links, registrations, access tokens and counters all come back. Every
score received is also appended to a JSON-lines log beside it, so the document stays small however many
scores a test or benchmark sends.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


def empty_state() -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "counters": {"line_item": 0, "resource_link": 0, "registration": 0},
        "resource_links": {},
        "line_items": {},
        "latest_scores": {},
        "token_requests": {"total": 0, "granted": 0, "rejected": 0},
        "access_tokens": {},
        "used_jtis": {},
        "used_dl_nonces": {},
        "deep_link_requests": {},
        "registration_tokens": {},
        "tool_registrations": {},
        "seeded": False,
    }


class Store:
    """A JSON document with a re-entrant lock. Use `transaction()` to change it, `read()` to look."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.scores_path = self.path.with_name(self.path.stem + "_scores.jsonl")
        self._lock = threading.RLock()
        self._state = self._load()
        self._saved = json.dumps(self._state)
        self.scores: list[dict[str, Any]] = self._load_scores()

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return empty_state()
        with self.path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        state = empty_state()
        state.update(data)
        return state

    def _load_scores(self) -> list[dict[str, Any]]:
        if not self.scores_path.exists():
            return []
        with self.scores_path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def append_score(self, record: dict[str, Any]) -> None:
        """Log a received score (call inside `transaction()` so log and latest score stay in step)."""
        with self._lock:
            self.scores_path.parent.mkdir(parents=True, exist_ok=True)
            with self.scores_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.scores.append(record)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        text = json.dumps(self._state)
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.path)
        self._saved = text

    @contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """Yield the live state under the lock; it is written to disk when the block ends without error.

        On an exception the in-memory state is restored from the last saved text, so a half-done change
        never lingers in memory or reaches the file.
        """
        with self._lock:
            try:
                yield self._state
            except BaseException:
                self._state = json.loads(self._saved)
                raise
            self._prune()
            self._save()

    @contextmanager
    def read(self) -> Iterator[dict[str, Any]]:
        """Yield the state under the lock for reading (callers copy what they keep)."""
        with self._lock:
            yield self._state

    def next_id(self, state: dict[str, Any], counter: str) -> int:
        state["counters"][counter] = state["counters"].get(counter, 0) + 1
        return state["counters"][counter]

    def _prune(self) -> None:
        """Drop expired single-use markers and tokens so the file does not grow without bound."""
        now = time.time()
        for name in ("access_tokens", "deep_link_requests", "registration_tokens"):
            table = self._state[name]
            for key in [k for k, v in table.items() if v.get("exp", 0) < now]:
                del table[key]
        for name in ("used_jtis", "used_dl_nonces"):
            table = self._state[name]
            for key in [k for k, exp in table.items() if exp < now]:
                del table[key]
