"""A small, real LTI 1.3 platform (a mini-LMS) for local demos and the tool's integration tests.

Public API: `create_platform_app(config)`, `registration_json(base_url)`, `demo_platform.client.LaunchClient`.
"""

from __future__ import annotations

from typing import Any

from demo_platform.app import DEFAULTS, create_platform_app, platform_urls

__all__ = ["create_platform_app", "registration_json"]


def registration_json(
    base_url: str = "http://127.0.0.1:5001",
    client_id: str = DEFAULTS["CLIENT_ID"],
    deployment_id: str = DEFAULTS["DEPLOYMENT_ID"],
) -> dict[str, Any]:
    """How the tool should register this platform (the dict `lti_tool`'s CLI imports)."""
    u = platform_urls(base_url)
    return {
        "issuer": u["issuer"],
        "client_id": client_id,
        "auth_login_url": u["auth"],
        "auth_token_url": u["token"],
        "key_set_url": u["jwks"],
        "deployment_ids": [deployment_id],
        "name": DEFAULTS["PLATFORM_NAME"],
    }
