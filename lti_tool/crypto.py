"""Encryption at rest for reflections (journal entries, group notes): a database dump alone reveals nothing.

Keys come from the environment: ENCRYPTION_KEYS is a comma-separated list of Fernet keys, newest first
(MultiFernet decrypts with any of them and encrypts with the first, so keys rotate without downtime:
add the new key in front, run `flask --app lti_tool privacy reencrypt`, then drop the old key).

Without ENCRYPTION_KEYS (local trials, tests) a key is generated into `instance/encryption_key`, so data is
still not stored in clear text; production must set the variable and back the key up separately.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

PREFIX = "fernet:"
_lock = threading.Lock()
_fernet: MultiFernet | None = None


def configure(keys: list[str] | None = None, instance_path: str | None = None) -> MultiFernet:
    """Set the process-wide keys (called by create_app; tests may call it with their own keys)."""
    global _fernet
    raw = keys if keys is not None else [k.strip() for k in os.environ.get("ENCRYPTION_KEYS", "").split(",") if k.strip()]
    if not raw:
        path = Path(instance_path or "instance") / "encryption_key"
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock:
            if not path.exists():
                path.write_text(Fernet.generate_key().decode())
                path.chmod(0o600)
        raw = [path.read_text().strip()]
    with _lock:
        _fernet = MultiFernet([Fernet(k.encode()) for k in raw])
    return _fernet


def fernet() -> MultiFernet:
    return _fernet or configure()


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was enabled
    try:
        return fernet().decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise RuntimeError("A stored reflection cannot be decrypted: is ENCRYPTION_KEYS missing the old key?") from exc


def rotate(stored: str) -> str:
    """Re-encrypt with the newest key."""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + fernet().rotate(stored[len(PREFIX):].encode("ascii")).decode("ascii")


class EncryptedText(TypeDecorator):
    """A Text column whose value is Fernet-encrypted in the database and plain text in Python."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str | None:  # noqa: ANN001
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect) -> str | None:  # noqa: ANN001
        return None if value is None else decrypt(value)
