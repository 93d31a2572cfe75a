"""Login initiation, the OIDC authorisation endpoint and the id_tokens it signs."""

from __future__ import annotations

import jwt
import pytest

from demo_platform import create_platform_app, registration_json
from demo_platform.client import parse_forms
from demo_platform.roster import INSTRUCTORS, LEARNERS, PEOPLE

from .conftest import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    PLATFORM,
    TOOL,
    auth_params,
    launch_form,
    query,
    verified_id_token,
)

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def test_roster_is_realistic_and_stable():
    assert len(PEOPLE) == 25 and len(INSTRUCTORS) == 2
    assert len({p.sub for p in PEOPLE}) == 25
    assert {p.locale for p in PEOPLE} == {"en", "nl", "uk", "de"}
    assert all("@" in p.email and p.email.isascii() for p in PEOPLE)


def test_launch_start_redirects_to_tool_login_with_all_parameters(pclient):
    resp = pclient.get("/launch?user=u-1003&link=rl-safe-start")
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.startswith(TOOL + "/lti/login?")
    params = query(location)
    assert params["iss"] == PLATFORM
    assert params["login_hint"] == "u-1003"
    assert params["target_link_uri"] == TOOL + "/lti/launch"
    assert params["client_id"] == CLIENT_ID
    assert params["lti_deployment_id"] == DEPLOYMENT_ID
    assert params["lti_message_hint"]


def test_launch_start_can_post_the_login_initiation(pclient):
    resp = pclient.get("/launch?user=u-1003&link=rl-safe-start&method=post&lti_storage_target=_parent")
    (form,) = parse_forms(resp.get_data(as_text=True))
    assert form.method == "post" and form.action == TOOL + "/lti/login"
    assert form.fields["login_hint"] == "u-1003" and form.fields["lti_storage_target"] == "_parent"


@pytest.mark.parametrize("url, status", [
    ("/launch?user=nobody&link=rl-safe-start", 404),
    ("/launch?user=u-1003&link=rl-missing", 404),
    ("/deeplink?user=u-1003", 403),  # learners cannot add activities
])
def test_launch_start_refuses_unknown_people_links_and_learner_deep_linking(pclient, url, status):
    assert pclient.get(url).status_code == status


def test_resource_link_id_token_is_signed_and_carries_the_lti_claims(pclient):
    action, fields, params = launch_form(pclient, "/launch?user=u-1003&link=rl-safe-start")
    assert action == TOOL + "/lti/launch"
    assert fields["state"] == params["state"]
    header = jwt.get_unverified_header(fields["id_token"])
    assert header["alg"] == "RS256" and header["kid"]
    claims = verified_id_token(pclient, fields["id_token"])

    olena = next(p for p in PEOPLE if p.sub == "u-1003")
    assert claims["sub"] == "u-1003" and claims["azp"] == CLIENT_ID and claims["nonce"] == params["nonce"]
    assert claims["exp"] > claims["iat"]
    assert (claims["name"], claims["given_name"], claims["family_name"]) == (olena.name, "Olena", "Kovalenko")
    assert claims["email"] == olena.email
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == DEPLOYMENT_ID
    assert claims[LTI + "target_link_uri"] == TOOL + "/lti/launch"
    assert claims[LTI + "resource_link"]["id"] == "rl-safe-start"
    assert claims[LTI + "resource_link"]["title"] == "Module 1: A safe start"
    assert claims[LTI + "roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
                                     "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"]
    assert claims[LTI + "context"]["id"] == "demo-course-101"
    assert claims[LTI + "context"]["title"] == "Mentoring in transition (demo)"
    assert claims[LTI + "custom"] == {"activity": "safe-start"}
    presentation = claims[LTI + "launch_presentation"]
    assert presentation == {"locale": "uk", "document_target": "iframe", "return_url": PLATFORM + "/"}
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"] == PLATFORM + "/api/lti/courses/demo-course-101/lineitems"
    assert ags["lineitem"].startswith(ags["lineitems"] + "/")
    assert {s.rsplit("/", 1)[1] for s in ags["scope"]} >= {"lineitem", "result.readonly", "score"}
    nrps = claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"]
    assert nrps == {"context_memberships_url": PLATFORM + "/api/lti/courses/demo-course-101/memberships",
                    "service_versions": ["2.0"]}


def test_ungraded_link_has_no_lineitem_and_instructor_gets_instructor_roles(pclient):
    _, fields, _ = launch_form(pclient, "/launch?user=u-1002&link=rl-journal")
    claims = verified_id_token(pclient, fields["id_token"])
    assert "lineitem" not in claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor" in claims[LTI + "roles"]
    assert claims[LTI + "launch_presentation"]["locale"] == "nl"


def test_deep_linking_request_carries_its_settings(pclient):
    action, fields, _ = launch_form(pclient, "/deeplink?user=u-1001")
    claims = verified_id_token(pclient, fields["id_token"])
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    assert LTI + "resource_link" not in claims
    settings = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    assert settings["deep_link_return_url"] == PLATFORM + "/deep_link_return"
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["accept_presentation_document_targets"] == ["iframe", "window"]
    assert settings["accept_multiple"] is True and settings["auto_create"] is True
    assert settings["data"] and settings["accept_lineitem"] is True
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"] == PLATFORM + "/api/lti/courses/demo-course-101/lineitems" and "lineitem" not in ags


def test_home_shows_what_the_tool_returns_on_the_return_url(pclient):
    page = pclient.get("/?lti_msg=Saved+your+plan&lti_errormsg=<script>x</script>").get_data(as_text=True)
    assert "Message from the tool: Saved your plan" in page
    assert "The tool reported a problem: &lt;script&gt;x&lt;/script&gt;" in page


def test_auth_refuses_unregistered_redirect_uri_without_posting_anywhere(pclient):
    first = pclient.get("/launch?user=u-1003&link=rl-safe-start")
    resp = pclient.get("/auth", query_string=auth_params(first.headers["Location"], redirect_uri="https://evil.test/x"))
    assert resp.status_code == 400
    assert parse_forms(resp.get_data(as_text=True)) == []


def test_auth_refuses_unknown_client(pclient):
    first = pclient.get("/launch?user=u-1003&link=rl-safe-start")
    resp = pclient.get("/auth", query_string=auth_params(first.headers["Location"], client_id="someone-else"))
    assert resp.status_code == 400
    assert b"id_token" not in resp.data


@pytest.mark.parametrize("override, error", [
    ({"response_type": "code"}, "unsupported_response_type"),
    ({"scope": "profile"}, "invalid_scope"),
    ({"prompt": "login"}, "invalid_request"),
    ({"nonce": None}, "invalid_request"),
    ({"lti_message_hint": "forged"}, "invalid_request"),
    ({"login_hint": "u-1004"}, "login_required"),
])
def test_auth_errors_are_posted_back_to_the_tool(pclient, override, error):
    first = pclient.get("/launch?user=u-1003&link=rl-safe-start")
    resp = pclient.get("/auth", query_string=auth_params(first.headers["Location"], **override))
    (form,) = parse_forms(resp.get_data(as_text=True))
    assert form.action == TOOL + "/lti/launch"
    assert form.fields["error"] == error and form.fields["error_description"]
    assert form.fields["state"] == "state-123"
    assert "id_token" not in form.fields


def test_auth_refuses_when_another_user_is_signed_in_in_this_browser(pclient):
    first = pclient.get("/launch?user=u-1003&link=rl-safe-start")
    pclient.get("/launch?user=u-1005&link=rl-safe-start")  # the browser's user is now someone else
    resp = pclient.get("/auth", query_string=auth_params(first.headers["Location"]))
    (form,) = parse_forms(resp.get_data(as_text=True))
    assert form.fields["error"] == "login_required"


def test_key_and_state_survive_a_restart(tmp_path, tool_keys):
    config = {"INSTANCE_PATH": str(tmp_path), "PLATFORM_BASE_URL": PLATFORM, "TOOL_BASE_URL": TOOL,
              "TOOL_JWKS_FETCH": tool_keys.fetch}
    first = create_platform_app(config).test_client()
    kid = first.get("/.well-known/jwks.json").get_json()["keys"][0]["kid"]
    first.post("/token", data={})  # counted even though refused
    second = create_platform_app(config).test_client()
    assert second.get("/.well-known/jwks.json").get_json()["keys"][0]["kid"] == kid
    assert second.get("/_status").get_json()["token_requests"]["total"] == 1
    assert (tmp_path / "platform_key.pem").exists()


def test_registration_json_matches_the_served_configuration(pclient):
    reg = registration_json(PLATFORM)
    config = pclient.get("/.well-known/openid-configuration").get_json()
    assert reg["issuer"] == config["issuer"] == PLATFORM
    assert reg["auth_login_url"] == config["authorization_endpoint"]
    assert reg["auth_token_url"] == config["token_endpoint"]
    assert reg["key_set_url"] == config["jwks_uri"]
    assert reg["client_id"] == CLIENT_ID and reg["deployment_ids"] == [DEPLOYMENT_ID]
    assert reg["name"]


def test_pages_render_course_gradebook_and_status(pclient):
    home = pclient.get("/").get_data(as_text=True)
    assert "Mentoring in transition (demo)" in home
    assert "Launch as learner" in home and "Launch as instructor" in home
    assert "Add activities (Deep Linking)" in home and "Register the tool (Dynamic Registration)" in home
    assert "Ciara O&#39;Sullivan" in home  # escaped, not raw
    gradebook = pclient.get("/gradebook").get_data(as_text=True)
    assert "A safe start" in gradebook and "Siobhán Ní Bhriain" in gradebook
    assert pclient.get("/status").status_code == 200
    assert len(LEARNERS) == 23


def test_play_page_frames_the_launch_with_a_storage_target(pclient):
    page = pclient.get("/play?user=u-1003&link=rl-safe-start").get_data(as_text=True)
    assert 'name="post_message_forwarding"' in page
    assert "lti_storage_target=post_message_forwarding" in page
    assert '"http://tool.test"' in page  # only the tool's origin may use the storage
    frame = pclient.get("/post_message_forwarding").get_data(as_text=True)
    assert "lti.put_data" in frame and "lti.get_data" in frame
    assert pclient.get("/play?user=u-1003&link=nope").status_code == 404
    start = pclient.get("/launch?user=u-1003&link=rl-safe-start&lti_storage_target=post_message_forwarding")
    assert query(start.headers["Location"])["lti_storage_target"] == "post_message_forwarding"


def test_auth_accepts_a_form_post_too(pclient):
    first = pclient.get("/launch?user=u-1024&link=rl-quiet-video-call")
    resp = pclient.post("/auth", data=auth_params(first.headers["Location"]))
    (form,) = parse_forms(resp.get_data(as_text=True))
    claims = verified_id_token(pclient, form.fields["id_token"])
    assert claims["sub"] == "u-1024" and claims[LTI + "resource_link"]["id"] == "rl-quiet-video-call"
    assert resp.headers["Cache-Control"] == "no-store"
