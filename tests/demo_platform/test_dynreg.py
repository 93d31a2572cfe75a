"""LTI Dynamic Registration 1.0, platform side."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import PLATFORM, TOOL

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
NEW_TOOL = "http://new-tool.test"


def registration_body(**overrides):
    body = {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": NEW_TOOL + "/lti/login",
        "redirect_uris": [NEW_TOOL + "/lti/launch"],
        "client_name": "NatAlli (dynamic)",
        "jwks_uri": NEW_TOOL + "/.well-known/jwks.json",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score https://example.test/not-offered",
        TOOL_CONFIG: {
            "domain": "new-tool.test",
            "target_link_uri": NEW_TOOL + "/lti/launch",
            "claims": ["iss", "sub", "name"],
            "messages": [{"type": "LtiResourceLinkRequest"},
                         {"type": "LtiDeepLinkingRequest", "target_link_uri": NEW_TOOL + "/lti/deep"}],
        },
    }
    body.update(overrides)
    return body


class _Frame(HTMLParser):
    src = ""

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.src = dict(attrs)["src"]


def registration_token(pclient) -> str:
    page = pclient.get("/register-tool")
    assert page.status_code == 200
    assert b"org.imsglobal.lti.close" in page.data
    frame = _Frame()
    frame.feed(page.get_data(as_text=True))
    assert frame.src.startswith(TOOL + "/lti/register?")
    params = parse_qs(urlparse(frame.src).query)
    assert params["openid_configuration"] == [PLATFORM + "/.well-known/openid-configuration"]
    return params["registration_token"][0]


def test_openid_configuration_describes_the_platform(pclient):
    config = pclient.get("/.well-known/openid-configuration").get_json()
    assert config["issuer"] == PLATFORM
    assert config["registration_endpoint"] == PLATFORM + "/register"
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    lti = config["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert lti["product_family_code"]
    assert {m["type"] for m in lti["messages_supported"]} == {
        "LtiResourceLinkRequest", "LtiDeepLinkingRequest", "LtiSubmissionReviewRequest"}
    assert "Context.id" in lti["variables"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_register_needs_a_valid_registration_token(pclient, headers):
    resp = pclient.post("/register", json=registration_body(), headers=headers)
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_token"
    assert pclient.get("/_status").get_json()["tool_registrations"] == 0


def test_register_creates_a_client_once_per_token(pclient):
    token = registration_token(pclient)
    resp = pclient.post("/register", json=registration_body(), headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    answer = resp.get_json()
    client_id = answer["client_id"]
    assert client_id and client_id != "natalli-demo"
    assert answer[TOOL_CONFIG]["deployment_id"]
    assert answer["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    again = pclient.post("/register", json=registration_body(), headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401
    # The new client can be used: deep linking goes to its own login URL and deep-link target.
    start = pclient.get(f"/deeplink?user=u-1001&client={client_id}")
    assert start.status_code == 302 and start.headers["Location"].startswith(NEW_TOOL + "/lti/login?")
    query = parse_qs(urlparse(start.headers["Location"]).query)
    assert query["target_link_uri"] == [NEW_TOOL + "/lti/deep"]
    assert query["lti_deployment_id"] == [answer[TOOL_CONFIG]["deployment_id"]]
    assert client_id in pclient.get("/status").get_data(as_text=True)


@pytest.mark.parametrize("overrides, fragment", [
    ({"application_type": "native"}, "application_type"),
    ({"grant_types": ["implicit"]}, "grant_types"),
    ({"response_types": ["code"]}, "response_types"),
    ({"redirect_uris": []}, "redirect_uris"),
    ({"initiate_login_uri": "javascript:alert(1)"}, "initiate_login_uri"),
    ({"jwks_uri": None}, "jwks_uri"),
    ({"token_endpoint_auth_method": "client_secret_basic"}, "token_endpoint_auth_method"),
    ({TOOL_CONFIG: {"messages": []}}, "target_link_uri"),
    ({TOOL_CONFIG: {"target_link_uri": NEW_TOOL, "messages": [{"type": "LtiSubmissionReview"}]}}, "not supported"),
])
def test_register_validates_the_client_metadata(pclient, overrides, fragment):
    token = registration_token(pclient)
    resp = pclient.post("/register", json=registration_body(**overrides), headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "invalid_client_metadata"
    assert fragment in resp.get_json()["error_description"]
