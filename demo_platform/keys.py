"""The platform's RSA signing key: generated once into the instance folder, parsed once per process.

Parsing a PEM costs tens of milliseconds, so the key object is cached by path; the kid is the RFC 7638
thumbprint, stable across restarts, so tools that cached the JWKS keep working.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_cache: dict[str, PlatformKey] = {}
_lock = threading.Lock()


def _b64uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """RSA public key as a JWK, with the RFC 7638 thumbprint as kid."""
    numbers = public_key.public_numbers()
    jwk = {"e": _b64uint(numbers.e), "kty": "RSA", "n": _b64uint(numbers.n)}
    digest = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


@dataclass(frozen=True)
class PlatformKey:
    private_key: rsa.RSAPrivateKey
    kid: str
    jwk: dict[str, str]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk]}


def load_or_create(path: str | os.PathLike[str]) -> PlatformKey:
    """Return the key stored at `path`, creating it (mode 0600) on first use."""
    path = Path(path)
    cache_key = str(path.resolve())
    with _lock:
        if cache_key in _cache:
            return _cache[cache_key]
        if path.exists():
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(private, rsa.RSAPrivateKey):
                raise ValueError(f"{path} does not hold an RSA private key")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            os.replace(tmp, path)
        jwk = public_jwk(private.public_key())
        key = PlatformKey(private, jwk["kid"], jwk)
        _cache[cache_key] = key
        return key
