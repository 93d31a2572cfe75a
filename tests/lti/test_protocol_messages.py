"""The protocol messages platforms send (login initiation, id_token post, storage confirmation, dynamic
registration start) go through marshmallow schemas: a missing, empty or oversized parameter is a readable
4xx with a stable reason code, and nothing is stored."""

from __future__ import annotations

import pytest
import requests

from tests.lti.test_launch import JSON, assert_refused


def _login_params(platform, live_tool: str, **changes: str | None) -> dict[str, str]:
    params = {"iss": platform.issuer, "login_hint": "user-1", "target_link_uri": live_tool + "/lti/launch",
              "client_id": platform.client_id}
    params.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        params.pop(key)
    return params


@pytest.mark.parametrize("changes, code", [
    ({"iss": None}, "bad_login"),
    ({"login_hint": ""}, "bad_login"),
    ({"target_link_uri": None}, "bad_login"),
    ({"login_hint": "x" * 2001}, "bad_login"),
    ({"iss": "https://" + "a" * 600}, "bad_login"),
    ({"lti_message_hint": "m" * 4001}, "bad_login"),
    ({"lti_storage_target": "t" * 101}, "bad_login"),
    ({"client_id": "c" * 256}, "bad_login"),
])
def test_bad_login_initiation_is_refused_with_a_reason(app, live_tool, platform, changes, code):
    resp = requests.post(live_tool + "/lti/login", data=_login_params(platform, live_tool, **changes), headers=JSON,
                         allow_redirects=False)
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error"] == code and "login" in body["message"]


def test_login_by_get_is_validated_the_same_way(app, live_tool, platform):
    ok = requests.get(live_tool + "/lti/login", params=_login_params(platform, live_tool), allow_redirects=False)
    assert ok.status_code == 302
    bad = requests.get(live_tool + "/lti/login", params=_login_params(platform, live_tool, login_hint="x" * 3000),
                       headers=JSON, allow_redirects=False)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_login"


@pytest.mark.parametrize("form, code", [
    ({"state": "s"}, "missing_token"),
    ({"id_token": "", "state": "s"}, "missing_token"),
    ({"id_token": "a.b.c"}, "missing_token"),
    ({"id_token": "a" * (64 * 1024 + 1), "state": "s"}, "malformed_jwt"),
    ({"id_token": "a.b.c", "state": "s" * 401}, "state_unknown"),
])
def test_bad_launch_post_is_refused_and_stores_nothing(app, live_tool, platform, form, code):
    resp = requests.post(live_tool + "/lti/launch", data=form, headers=JSON, allow_redirects=False)
    assert_refused(app, resp, 400, code)


def test_platform_error_answer_is_shown_bounded(app, live_tool, platform):
    resp = requests.post(live_tool + "/lti/launch", data={"error": "login_required",
                                                          "error_description": "Please log in first"},
                         headers=JSON)
    assert_refused(app, resp, 400, "platform_error")
    assert "Please log in first" in resp.json()["message"]
    huge = requests.post(live_tool + "/lti/launch", data={"error": "x", "error_description": "d" * 5000}, headers=JSON)
    assert huge.status_code == 400 and huge.json()["error"] == "platform_error"
    assert "d" * 100 not in huge.json()["message"], "an oversized description is not echoed"


@pytest.mark.parametrize("form", [{}, {"lt": ""}, {"lt": "x" * 65, "value": "v"}, {"lt": "unknown", "value": "v"}])
def test_bad_storage_confirmation_is_refused(app, live_tool, form):
    resp = requests.post(live_tool + "/lti/launch/verify", data=form, headers=JSON, allow_redirects=False)
    assert resp.status_code == 400 and resp.json()["error"] == "state_unknown"


@pytest.mark.parametrize("args", [{}, {"openid_configuration": "not a url"},
                                  {"openid_configuration": "ftp://lms.example/config"},
                                  {"openid_configuration": "https://lms.example/c", "registration_token": "t" * 4001}])
def test_bad_dynamic_registration_start_is_refused(app, live_tool, args):
    resp = requests.get(live_tool + "/lti/register", params=args, headers=JSON)
    assert resp.status_code == 400 and resp.json()["error"] == "registration_request"
