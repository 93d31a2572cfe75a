"""Configuration from the environment, with safe local defaults.

Everything an operator sets is an environment variable; `create_app(config)` overrides win (tests).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def _instance_secret(instance_path: Path) -> str:
    """A per-installation secret for local use, so a newcomer needs no setup; production sets SECRET_KEY."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance_path: Path) -> dict[str, Any]:
    env = os.environ
    base_url = env.get("TOOL_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'natalli.db'}",
        # Recycle pooled connections instead of pinging before every checkout (a round trip per request).
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": env.get("DB_POOL_PRE_PING", "false").lower() == "true",
            "pool_recycle": int(env.get("DB_POOL_RECYCLE_SECONDS", 1800)),
        },
        "TOOL_BASE_URL": base_url,
        "TOOL_NAME": env.get("TOOL_NAME", "NatAlli Mentoring"),
        "REDIS_URL": env.get("REDIS_URL") or None,
        # Launch sessions (the `lt` token in activity URLs) live this long after a launch.
        "LAUNCH_SESSION_SECONDS": int(env.get("LAUNCH_SESSION_SECONDS", 8 * 3600)),
        # A launch unused this long ends (inside the maximum above): see lti_tool/lti/binding.py.
        "LAUNCH_IDLE_SECONDS": int(env.get("LAUNCH_IDLE_SECONDS", 2 * 3600)),
        # OIDC state + nonce are valid this long between login initiation and launch.
        "LOGIN_STATE_SECONDS": int(env.get("LOGIN_STATE_SECONDS", 600)),
        "JWT_LEEWAY_SECONDS": int(env.get("JWT_LEEWAY_SECONDS", 60)),
        "JWKS_CACHE_SECONDS": int(env.get("JWKS_CACHE_SECONDS", 3600)),
        "HTTP_TIMEOUT_SECONDS": float(env.get("HTTP_TIMEOUT_SECONDS", 10)),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 256 * 1024)),
        # Inside an LMS iframe cookies must be SameSite=None, which requires Secure (https).
        "SESSION_COOKIE_SAMESITE": "None" if base_url.startswith("https://") else "Lax",
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "SESSION_COOKIE_HTTPONLY": True,
    }
