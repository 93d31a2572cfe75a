"""Fixtures for the demo platform: an app in a temp instance folder and a fake tool key pair whose JWKS
the platform "fetches" through an injected function (no tool process needed)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask.testing import FlaskClient

from demo_platform import create_platform_app
from demo_platform.client import parse_forms
from demo_platform.keys import public_jwk

PLATFORM = "http://platform.test"
TOOL = "http://tool.test"
CLIENT_ID = "natalli-demo"
DEPLOYMENT_ID = "demo-deployment-1"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


@dataclass
class FakeToolKeys:
    """The tool's key pair(s); `jwks` is what the platform gets when it fetches the tool's JWKS."""

    private_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    published: list[dict[str, str]] = field(default_factory=list)
    fetches: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.published.append(self.jwk)

    @property
    def jwk(self) -> dict[str, str]:
        return public_jwk(self.private_key.public_key())

    @property
    def kid(self) -> str:
        return self.jwk["kid"]

    def rotate(self) -> None:
        self.private_key = rsa.generate_private_key(65537, 2048)
        self.published.append(self.jwk)

    def fetch(self, url: str) -> dict[str, Any]:
        self.fetches.append(url)
        return {"keys": list(self.published)}

    def sign(self, claims: dict[str, Any], key: rsa.RSAPrivateKey | None = None, kid: str | None = None) -> str:
        return jwt.encode(claims, key or self.private_key, algorithm="RS256", headers={"kid": kid or self.kid})

    def assertion(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": PLATFORM + "/token", "iat": now, "exp": now + 60,
                  "jti": str(uuid.uuid4())}
        claims.update(overrides)
        return self.sign({k: v for k, v in claims.items() if v is not None})


@pytest.fixture(scope="session")
def _tool_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


@pytest.fixture
def tool_keys(_tool_key: rsa.RSAPrivateKey) -> FakeToolKeys:
    return FakeToolKeys(private_key=_tool_key)


@pytest.fixture
def platform_app(tmp_path: Path, tool_keys: FakeToolKeys) -> Flask:
    return create_platform_app(
        {
            "INSTANCE_PATH": str(tmp_path / "platform"),
            "PLATFORM_BASE_URL": PLATFORM,
            "TOOL_BASE_URL": TOOL,
            "TOOL_JWKS_FETCH": tool_keys.fetch,
            "TESTING": True,
        }
    )


@pytest.fixture
def pclient(platform_app: Flask) -> Iterator[FlaskClient]:
    with platform_app.test_client() as c:
        yield c


def token_for(pclient: FlaskClient, tool_keys: FakeToolKeys, *scopes: str) -> str:
    resp = pclient.post("/token", data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": tool_keys.assertion(),
        "scope": " ".join(scopes),
    })
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["access_token"]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def auth_params(login_location: str, **overrides: str) -> dict[str, str]:
    """What the tool would send to /auth after receiving the login initiation at `login_location`."""
    login = query(login_location)
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": login["client_id"],
        "redirect_uri": TOOL + "/lti/launch",
        "state": "state-123",
        "nonce": "nonce-" + uuid.uuid4().hex,
        "login_hint": login["login_hint"],
        "lti_message_hint": login["lti_message_hint"],
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def launch_form(pclient: FlaskClient, start: str, **overrides: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """Run /launch or /deeplink then /auth; return (form action, form fields, auth params)."""
    first = pclient.get(start)
    assert first.status_code == 302, first.data
    params = auth_params(first.headers["Location"], **overrides)
    resp = pclient.get("/auth", query_string=params)
    assert resp.status_code == 200, resp.data
    forms = parse_forms(resp.get_data(as_text=True))
    assert len(forms) == 1
    return forms[0].action, forms[0].fields, params


def platform_key(pclient: FlaskClient, kid: str) -> Any:
    jwks = pclient.get("/.well-known/jwks.json").get_json()
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    return jwt.PyJWK(jwk).key


def verified_id_token(pclient: FlaskClient, token: str, audience: str = CLIENT_ID) -> dict[str, Any]:
    header = jwt.get_unverified_header(token)
    return jwt.decode(token, platform_key(pclient, header["kid"]), algorithms=["RS256"], audience=audience,
                      issuer=PLATFORM)
