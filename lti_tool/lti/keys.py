"""The tool's RSA keys: created, rotated and retired in the database, parsed once per process.

Parsing a PEM costs ~25 ms on this machine, so parsed key objects are kept in a process cache by kid.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.models import ToolKey, utcnow

_parsed: dict[str, RSAPrivateKey] = {}
_lock = threading.Lock()


def generate_key() -> ToolKey:
    """Create (not yet commit) a new RSA-2048 signing key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    # Hex, so a kid never starts with '-' (which `keys retire KID` on the command line would take for an option).
    kid = secrets.token_hex(12)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    key = ToolKey(kid=kid, private_pem=pem, public_jwk=jwk)
    db.session.add(key)
    with _lock:
        _parsed[kid] = private
    return key


def active_keys() -> list[ToolKey]:
    return list(
        db.session.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None)).order_by(ToolKey.created_at))
    )


def ensure_key() -> ToolKey:
    """The current signing key, creating the first one on a fresh installation."""
    keys = active_keys()
    if keys:
        return keys[-1]
    key = generate_key()
    db.session.commit()
    return key


def signing_key() -> tuple[str, RSAPrivateKey]:
    key = ensure_key()
    return key.kid, private_key_object(key)


def private_key_object(key: ToolKey) -> RSAPrivateKey:
    with _lock:
        parsed = _parsed.get(key.kid)
    if parsed is None:
        loaded = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
        assert isinstance(loaded, RSAPrivateKey)
        parsed = loaded
        with _lock:
            _parsed[key.kid] = parsed
    return parsed


def public_jwks() -> dict[str, Any]:
    """Every non-retired public key: platforms keep verifying with the old key during a rotation."""
    return {"keys": [k.public_jwk for k in active_keys()]}


def rotate() -> ToolKey:
    key = generate_key()
    db.session.commit()
    return key


def retire(kid: str) -> ToolKey:
    key = db.session.get(ToolKey, kid)
    if key is None:
        raise LookupError(f"No key with kid {kid!r}.")
    if key.retired_at is not None:
        raise ValueError(f"Key {kid!r} is already retired.")
    others = [k for k in active_keys() if k.kid != kid]
    if not others:
        raise ValueError("Refusing to retire the only active key: run `keys rotate` first.")
    key.retired_at = utcnow()
    db.session.commit()
    return key


def sign_jwt(claims: dict[str, Any]) -> str:
    kid, private = signing_key()
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})
