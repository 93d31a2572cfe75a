"""The whole browser flow over real HTTP: platform and a tiny fake tool, each on its own threaded server.

The fake tool does what any LTI tool does (login → redirect to /auth, verify the id_token with the
platform's JWKS, answer deep linking with a signed JWT, fetch a token with a client assertion), so the
LaunchClient, `submit_auto_form` and the real JWKS fetch are exercised end to end.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
import requests
from flask import Flask, jsonify, render_template_string, request
from werkzeug.serving import make_server

from demo_platform import create_platform_app
from demo_platform.client import LaunchClient, submit_auto_form

from .conftest import FakeToolKeys

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: Flask, port: int) -> Any:
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fake_tool(base: str, platform: str, keys: FakeToolKeys) -> Flask:
    app = Flask("fake_tool")
    pending: dict[str, str] = {}
    jwks_client = jwt.PyJWKClient(platform + "/.well-known/jwks.json")

    @app.get("/.well-known/jwks.json")
    def jwks():
        return jsonify({"keys": keys.published})

    @app.route("/lti/login", methods=["GET", "POST"])
    def login():
        p = request.values
        state, nonce = secrets.token_urlsafe(8), secrets.token_urlsafe(8)
        pending[state] = nonce
        query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
                 "client_id": p["client_id"], "redirect_uri": base + "/lti/launch", "state": state, "nonce": nonce,
                 "login_hint": p["login_hint"], "lti_message_hint": p["lti_message_hint"]}
        return "", 302, {"Location": platform + "/auth?" + urlencode(query)}

    @app.post("/lti/launch")
    def launch():
        if request.form.get("error"):
            return f"platform error: {request.form['error']}", 400
        token = request.form["id_token"]
        claims = jwt.decode(token, jwks_client.get_signing_key_from_jwt(token).key, algorithms=["RS256"],
                            audience="natalli-demo", issuer=platform)
        assert pending.pop(request.form["state"]) == claims["nonce"]
        if claims[LTI + "message_type"] == "LtiDeepLinkingRequest":
            settings = claims[DL + "deep_linking_settings"]
            now = int(time.time())
            response = keys.sign({
                "iss": "natalli-demo", "aud": platform, "iat": now, "exp": now + 300, "nonce": uuid.uuid4().hex,
                LTI + "deployment_id": claims[LTI + "deployment_id"],
                LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
                DL + "data": settings["data"],
                DL + "content_items": [{"type": "ltiResourceLink", "title": "Workshop agenda",
                                        "custom": {"activity": "workshop-agenda"},
                                        "lineItem": {"scoreMaximum": 1, "label": "Workshop attended"}}],
            })
            return render_template_string(
                '<form method="post" action="{{ url }}"><input type="hidden" name="JWT" value="{{ jwt }}">'
                '<input type="submit" value="Add"></form>', url=settings["deep_link_return_url"], jwt=response)
        return f"Hello {claims['name']} ({claims[LTI + 'custom'].get('activity')})"

    return app


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, FakeToolKeys]]:
    tool_port, platform_port = free_port(), free_port()
    tool_url, platform_url = f"http://127.0.0.1:{tool_port}", f"http://127.0.0.1:{platform_port}"
    keys = FakeToolKeys()
    platform_app = create_platform_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("platform")),
                                        "PLATFORM_BASE_URL": platform_url, "TOOL_BASE_URL": tool_url})
    running = [serve(fake_tool(tool_url, platform_url, keys), tool_port), serve(platform_app, platform_port)]
    yield tool_url, platform_url, keys
    for server in running:
        server.shutdown()


def test_launch_client_runs_the_whole_browser_flow(servers):
    _, platform, _ = servers
    page = LaunchClient(platform).launch("u-1023", "rl-safe-start")
    assert page.status_code == 200
    assert page.text == "Hello Ciara O'Sullivan (safe-start)"


def test_deep_linking_round_trip_adds_an_activity(servers):
    _, platform, _ = servers
    client = LaunchClient(platform)
    picker = client.deep_link("u-1002")
    assert picker.status_code == 200 and 'name="JWT"' in picker.text
    course = client.submit_form(picker)
    assert course.url == platform + "/"
    assert "Added “Workshop agenda” to the course." in course.text


def test_token_endpoint_fetches_the_tool_jwks_over_http(servers):
    _, platform, keys = servers
    assertion = keys.assertion(aud=platform + "/token")
    resp = requests.post(platform + "/token", data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    }, timeout=10)
    assert resp.status_code == 200, resp.text
    members = requests.get(platform + "/api/lti/courses/demo-course-101/memberships",
                           headers={"Authorization": "Bearer " + resp.json()["access_token"]}, timeout=10)
    assert len(members.json()["members"]) == 10 and 'rel="next"' in members.headers["Link"]
    assert requests.get(platform + "/_status", timeout=10).json()["token_requests"]["granted"] >= 1


def test_launch_client_reads_status_and_switches_faults(servers):
    _, platform, _ = servers
    client = LaunchClient(platform)
    assert client.control(nrps="error500")["nrps"] == "error500"
    assert client.status()["controls"]["nrps"] == "error500"
    assert client.control(nrps="ok")["nrps"] == "ok"
    with pytest.raises(requests.HTTPError):
        client.control(nrps="sometimes")


def test_submit_auto_form_posts_hidden_fields_to_the_resolved_action(servers):
    _, platform, _ = servers
    session = requests.Session()
    page = session.get(platform + "/launch?user=u-1003&link=rl-journal&method=post", allow_redirects=False)
    auth_page = submit_auto_form(session, page)  # login form → tool → /auth: the id_token form
    assert "id_token" in auth_page.text
    final = submit_auto_form(session, auth_page)
    assert final.status_code == 200 and final.text.startswith("Hello Olena Kovalenko")
