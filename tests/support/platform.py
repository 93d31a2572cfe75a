"""A scriptable LTI 1.3 platform for negative tests: it signs whatever claims a test asks for.

Its JWKS is served over real HTTP so the tool's key fetching and caching are exercised. Happy-path
integration tests use the demo platform (`demo_platform`) and the independent `lti1p3platform` package.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def registration_for(issuer: str, base: str, client_id: str, deployment_id: str, name: str) -> dict[str, Any]:
    """What the tool's `platforms import` needs for a test platform serving /auth, /token and /jwks at `base`."""
    return {
        "issuer": issuer,
        "client_id": client_id,
        "auth_login_url": base + "/auth",
        "auth_token_url": base + "/token",
        "key_set_url": base + "/jwks",
        "deployment_ids": [deployment_id],
        "name": name,
    }


class TestPlatform:
    __test__ = False  # not a test class

    def __init__(self, issuer: str = "https://platform.example.edu", client_id: str = "tool-client-1") -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.deployment_id = "deployment-1"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        self.jwks_requests = 0
        self.registration_token = "reg-token-123"
        self.registrations: list[dict[str, Any]] = []
        self._server = None

    # -- HTTP side: only the JWKS (and an auth endpoint that is never followed) ---------------------------
    def _wsgi(self, environ, start_response):
        request = Request(environ)
        if request.path == "/jwks":
            self.jwks_requests += 1
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
            return Response(json.dumps({"keys": [jwk]}), mimetype="application/json")(environ, start_response)
        if request.path == "/.well-known/openid-configuration":
            return Response(json.dumps(self.openid_configuration()), mimetype="application/json")(
                environ, start_response
            )
        if request.path == "/register" and request.method == "POST":
            if request.headers.get("Authorization") != f"Bearer {self.registration_token}":
                return Response('{"error": "invalid_token"}', status=401, mimetype="application/json")(
                    environ, start_response
                )
            body = json.loads(request.get_data())
            self.registrations.append(body)
            answer = dict(body, client_id="dyn-client-1")
            answer["https://purl.imsglobal.org/spec/lti-tool-configuration"] = dict(
                body["https://purl.imsglobal.org/spec/lti-tool-configuration"], deployment_id="dyn-deployment-1"
            )
            return Response(json.dumps(answer), mimetype="application/json")(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    def openid_configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "authorization_endpoint": self.base + "/auth",
            "token_endpoint": self.base + "/token",
            "jwks_uri": self.base + "/jwks",
            "registration_endpoint": self.base + "/register",
            "scopes_supported": [
                "openid",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            ],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "testlms",
                "version": "1.0",
                "messages_supported": [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}],
            },
        }

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self._wsgi, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()

    def reset(self) -> None:
        self.jwks_requests = 0
        self.registrations.clear()

    def registration(self) -> dict[str, Any]:
        return registration_for(self.issuer, self.base, self.client_id, self.deployment_id, "Test platform")

    # -- LTI side ------------------------------------------------------------------------------------------
    def login(self, session: requests.Session, tool: str, **extra: str) -> tuple[str, str]:
        """Start a third-party login at the tool; return the (state, nonce) it sends to our auth endpoint."""
        params = {
            "iss": self.issuer,
            "login_hint": "user-1",
            "target_link_uri": tool + "/lti/launch",
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        params.update(extra)
        resp = session.post(tool + "/lti/login", data=params, allow_redirects=False)
        assert resp.status_code == 302, resp.text
        query = parse_qs(urlparse(resp.headers["Location"]).query)
        return query["state"][0], query["nonce"][0]

    def claims(self, nonce: str, tool: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "sub": "learner-sub-1",
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "name": "Olena Kovalenko",
            LTI + "deployment_id": self.deployment_id,
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "target_link_uri": tool + "/lti/launch",
            LTI + "resource_link": {"id": "link-1", "title": "Starting safely"},
            LTI + "roles": [LEARNER],
            LTI + "context": {"id": "course-1", "label": "MENT101", "title": "Mentoring in transition"},
            LTI + "launch_presentation": {"locale": "uk", "document_target": "iframe"},
            LTI + "custom": {"activity": "safe-start"},
        }
        for key, value in overrides.items():
            if value is None:
                claims.pop(key, None)
            else:
                claims[key] = value
        return claims

    def sign(self, claims: dict[str, Any], *, kid: str | None = None, key: Any = None, alg: str = "RS256") -> str:
        return jwt.encode(claims, key or self.key, algorithm=alg, headers={"kid": kid or self.kid})

    def launch(
        self, session: requests.Session, tool: str, *, claims: dict[str, Any] | None = None, **overrides: Any
    ) -> requests.Response:
        """Login + a signed launch with the given claim overrides; returns the tool's launch response."""
        state, nonce = self.login(session, tool)
        body = claims if claims is not None else self.claims(nonce, tool, **overrides)
        return session.post(
            tool + "/lti/launch", data={"id_token": self.sign(body), "state": state}, allow_redirects=False
        )


def landed_at(resp: requests.Response) -> str:
    """The tool answers a launch with its first page itself; Content-Location names that page's address."""
    assert resp.status_code == 200, (resp.status_code, resp.text[:300])
    assert "history.replaceState" in resp.text  # reloading goes to the page, never re-posts the used launch
    return resp.headers["Content-Location"]


def launch_token(resp: requests.Response) -> str:
    """The `lt` of a launch answered with its first page."""
    return landed_at(resp).split("/")[2]


def unique() -> str:
    return uuid.uuid4().hex[:8]
