"""Token endpoint (JWT client assertions), AGS 2.0 line items/scores/results, NRPS 2.0 paging, fault injection."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from requests.utils import parse_header_links

from demo_platform import create_platform_app

from .conftest import AGS, NRPS_SCOPE, PLATFORM, TOOL, token_for

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LINEITEMS = "/api/lti/courses/demo-course-101/lineitems"
MT_LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
MT_SCORE = "application/vnd.ims.lis.v1.score+json"


def post_token(pclient, assertion, scope=AGS + "score", **extra):
    data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion, "scope": scope, **extra}
    return pclient.post("/token", data=data)


def status(pclient):
    return pclient.get("/_status").get_json()


# --- token endpoint ----------------------------------------------------------------------------------


def test_token_endpoint_issues_bearer_token_for_a_valid_assertion(pclient, tool_keys):
    resp = post_token(pclient, tool_keys.assertion(), scope=f"{AGS}score {AGS}lineitem unknown-scope")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["access_token"]
    assert body["scope"].split() == [AGS + "score", AGS + "lineitem"]  # unknown scopes are not granted
    assert resp.headers["Cache-Control"] == "no-store"
    assert tool_keys.fetches == [TOOL + "/.well-known/jwks.json"]
    assert status(pclient)["token_requests"] == {"total": 1, "granted": 1, "rejected": 0}


def test_token_endpoint_rejects_assertion_signed_by_another_key(pclient, tool_keys):
    stranger = rsa.generate_private_key(65537, 2048)
    now = int(time.time())
    forged = tool_keys.sign({"iss": "natalli-demo", "sub": "natalli-demo", "aud": PLATFORM + "/token",
                             "iat": now, "exp": now + 60, "jti": "x1"}, key=stranger)
    resp = post_token(pclient, forged)
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"
    assert "signature" in resp.get_json()["error_description"]


@pytest.mark.parametrize("overrides, fragment", [
    ({"exp": int(time.time()) - 300, "iat": int(time.time()) - 400}, "expired"),
    ({"aud": PLATFORM + "/elsewhere"}, "aud"),
    ({"sub": "someone-else"}, "sub"),
    ({"iss": "unknown-client", "sub": "unknown-client"}, "Unknown client"),
    ({"jti": None}, "jti"),
])
def test_token_endpoint_rejects_bad_assertions(pclient, tool_keys, overrides, fragment):
    resp = post_token(pclient, tool_keys.assertion(**overrides))
    assert resp.status_code == 401
    assert fragment in resp.get_json()["error_description"]
    assert status(pclient)["token_requests"]["rejected"] == 1


def test_token_endpoint_rejects_a_replayed_assertion(pclient, tool_keys):
    assertion = tool_keys.assertion()
    assert post_token(pclient, assertion).status_code == 200
    replay = post_token(pclient, assertion)
    assert replay.status_code == 401 and "already used" in replay.get_json()["error_description"]
    assert status(pclient)["token_requests"] == {"total": 2, "granted": 1, "rejected": 1}


@pytest.mark.parametrize("field, value, error", [
    ("grant_type", "password", "unsupported_grant_type"),
    ("client_assertion_type", "urn:other", "invalid_request"),
    ("client_assertion", "not-a-jwt", "invalid_client"),
    ("scope", "https://example.test/not-offered", "invalid_scope"),
])
def test_token_endpoint_rejects_malformed_requests(pclient, tool_keys, field, value, error):
    data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": tool_keys.assertion(), "scope": AGS + "score", field: value}
    resp = pclient.post("/token", data=data)
    assert resp.status_code in (400, 401) and resp.get_json()["error"] == error


def test_token_without_scope_gets_the_clients_default_scopes(pclient, tool_keys):
    resp = post_token(pclient, tool_keys.assertion(), scope="")
    assert resp.status_code == 200
    assert NRPS_SCOPE in resp.get_json()["scope"].split() and AGS + "score" in resp.get_json()["scope"].split()


def test_token_endpoint_refetches_tool_keys_after_rotation(pclient, tool_keys):
    assert post_token(pclient, tool_keys.assertion()).status_code == 200
    tool_keys.rotate()
    assert post_token(pclient, tool_keys.assertion()).status_code == 200
    assert len(tool_keys.fetches) == 2


def test_token_fault_injection_and_switch_off(pclient, tool_keys, tmp_path):
    assert pclient.post("/_control", json={"token": "error500"}).status_code == 200
    assert post_token(pclient, tool_keys.assertion()).status_code == 500
    assert pclient.post("/_control", json={"token": "ok"}).get_json()["token"] == "ok"
    assert post_token(pclient, tool_keys.assertion()).status_code == 200
    assert pclient.post("/_control", json={"ags": "broken"}).status_code == 400
    locked = create_platform_app({"INSTANCE_PATH": str(tmp_path / "x"), "TESTING_CONTROLS": False}).test_client()
    assert locked.post("/_control", json={"token": "error500"}).status_code == 404


# --- AGS ---------------------------------------------------------------------------------------------


@pytest.fixture
def ags_token(pclient, tool_keys):
    return token_for(pclient, tool_keys, AGS + "lineitem", AGS + "score", AGS + "result.readonly")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def post_score(pclient, token, item_url, **fields):
    body = {"userId": "u-1003", "scoreGiven": 7, "scoreMaximum": 10, "activityProgress": "Completed",
            "gradingProgress": "FullyGraded", "timestamp": "2026-11-24T10:00:00.000Z", **fields}
    body = {k: v for k, v in body.items() if v is not None}
    return pclient.post(urlparse(item_url).path + "/scores", json=body, headers={**bearer(token), "Content-Type": MT_SCORE})


def test_ags_needs_a_bearer_token_with_the_right_scope(pclient, tool_keys):
    assert pclient.get(LINEITEMS).status_code == 401
    assert pclient.get(LINEITEMS, headers=bearer("nope")).status_code == 401
    score_only = token_for(pclient, tool_keys, AGS + "score")
    resp = pclient.get(LINEITEMS, headers=bearer(score_only))
    assert resp.status_code == 403 and resp.get_json()["error"] == "insufficient_scope"


def test_line_item_container_lists_and_filters(pclient, ags_token):
    resp = pclient.get(LINEITEMS, headers=bearer(ags_token))
    assert resp.status_code == 200
    assert resp.content_type == "application/vnd.ims.lis.v2.lineitemcontainer+json"
    items = resp.get_json()
    assert {i["resourceLinkId"] for i in items} == {"rl-safe-start", "rl-quiet-video-call", "rl-practice-rounds"}
    assert all(i["id"].startswith(PLATFORM + LINEITEMS + "/") for i in items)
    filtered = pclient.get(LINEITEMS + "?resource_link_id=rl-safe-start", headers=bearer(ags_token)).get_json()
    assert [i["label"] for i in filtered] == ["A safe start"]
    assert pclient.get(LINEITEMS + "?tag=participation", headers=bearer(ags_token)).get_json()[0]["scoreMaximum"] == 10
    assert pclient.get(LINEITEMS + "?resource_id=nothing", headers=bearer(ags_token)).get_json() == []


def test_line_item_create_update_delete(pclient, ags_token):
    headers = {**bearer(ags_token), "Content-Type": MT_LINEITEM}
    wrong_type = pclient.post(LINEITEMS, json={"label": "x", "scoreMaximum": 5}, headers=bearer(ags_token))
    assert wrong_type.status_code == 415
    assert pclient.post(LINEITEMS, json={"scoreMaximum": 5}, headers=headers).status_code == 400
    assert pclient.post(LINEITEMS, json={"label": "x", "scoreMaximum": 0}, headers=headers).status_code == 400
    assert pclient.post(LINEITEMS, json={"label": "x", "scoreMaximum": 5, "resourceLinkId": "rl-nope"},
                        headers=headers).status_code == 400
    created = pclient.post(LINEITEMS, json={"label": "Action plan", "scoreMaximum": 3, "tag": "plan",
                                            "resourceLinkId": "rl-journal"}, headers=headers)
    assert created.status_code == 201 and created.content_type == MT_LINEITEM
    item = created.get_json()
    assert created.headers["Location"] == item["id"]
    path = urlparse(item["id"]).path
    assert pclient.get(path, headers=bearer(ags_token)).get_json() == item
    updated = pclient.put(path, json={**item, "label": "30/60/90 plan", "scoreMaximum": 4}, headers=headers)
    assert updated.status_code == 200 and updated.get_json()["label"] == "30/60/90 plan"
    assert pclient.put(path, json={**item, "resourceLinkId": "rl-safe-start"}, headers=headers).status_code == 400
    assert pclient.delete(path, headers=bearer(ags_token)).status_code == 204
    assert pclient.get(path, headers=bearer(ags_token)).status_code == 404


def _safe_start_item(pclient, token):
    return pclient.get(LINEITEMS + "?resource_link_id=rl-safe-start", headers=bearer(token)).get_json()[0]


def test_score_timestamps_must_increase_per_user_and_line_item(pclient, ags_token):
    item = _safe_start_item(pclient, ags_token)
    assert post_score(pclient, ags_token, item["id"]).status_code == 200
    same = post_score(pclient, ags_token, item["id"], scoreGiven=8)
    assert same.status_code == 409
    older = post_score(pclient, ags_token, item["id"], timestamp="2026-11-24T09:59:59.999+00:00")
    assert older.status_code == 409
    # Same instant in another zone is still "not after".
    assert post_score(pclient, ags_token, item["id"], timestamp="2026-11-24T11:00:00+01:00").status_code == 409
    assert post_score(pclient, ags_token, item["id"], timestamp="2026-11-24T10:00:00.001Z", scoreGiven=9).status_code == 200
    # Another learner has their own ordering.
    assert post_score(pclient, ags_token, item["id"], userId="u-1004", timestamp="2026-01-01T00:00:00Z").status_code == 200
    assert status(pclient)["scores"] == 3

    results = pclient.get(urlparse(item["id"]).path + "/results", headers=bearer(ags_token))
    assert results.content_type == "application/vnd.ims.lis.v2.resultcontainer+json"
    by_user = {r["userId"]: r for r in results.get_json()}
    assert by_user["u-1003"]["resultScore"] == 90  # 9/10 scaled to the line item's 100
    assert by_user["u-1003"]["resultMaximum"] == 100 and by_user["u-1003"]["scoreOf"] == item["id"]
    only = pclient.get(urlparse(item["id"]).path + "/results?user_id=u-1004", headers=bearer(ags_token)).get_json()
    assert [r["userId"] for r in only] == ["u-1004"]
    page = pclient.get("/gradebook").get_data(as_text=True)
    assert "9 / 10" in page and "2026-11-24T10:00:00.001Z" in page


@pytest.mark.parametrize("fields, fragment", [
    ({"scoreGiven": 11}, "exceeds"),
    ({"scoreMaximum": None}, "scoreMaximum"),
    ({"activityProgress": "Done"}, "activityProgress"),
    ({"gradingProgress": "Graded"}, "gradingProgress"),
    ({"timestamp": "yesterday"}, "timestamp"),
    ({"timestamp": "2026-11-24T10:00:00"}, "time zone"),
    ({"userId": "u-9999"}, "not a member"),
    ({"scoreGiven": -1}, "scoreGiven"),
])
def test_invalid_scores_are_rejected(pclient, ags_token, fields, fragment):
    item = _safe_start_item(pclient, ags_token)
    resp = post_score(pclient, ags_token, item["id"], **fields)
    assert resp.status_code == 400 and fragment in resp.get_json()["error_description"]
    assert status(pclient)["scores"] == 0


def test_score_needs_score_media_type_and_scope(pclient, tool_keys, ags_token):
    item = _safe_start_item(pclient, ags_token)
    path = urlparse(item["id"]).path + "/scores"
    body = {"userId": "u-1003", "activityProgress": "Started", "gradingProgress": "NotReady",
            "timestamp": "2026-11-24T10:00:00Z"}
    assert pclient.post(path, json=body, headers=bearer(ags_token)).status_code == 415
    reader = token_for(pclient, tool_keys, AGS + "result.readonly")
    assert pclient.post(path, json=body, headers={**bearer(reader), "Content-Type": MT_SCORE}).status_code == 403
    # A progress-only score (no scoreGiven) is valid.
    assert pclient.post(path, json=body, headers={**bearer(ags_token), "Content-Type": MT_SCORE}).status_code == 200


def test_extra_credit_can_be_allowed(tmp_path, tool_keys):
    app = create_platform_app({"INSTANCE_PATH": str(tmp_path), "PLATFORM_BASE_URL": PLATFORM,
                               "TOOL_JWKS_FETCH": tool_keys.fetch, "ALLOW_EXTRA_CREDIT": True})
    client = app.test_client()
    token = token_for(client, tool_keys, AGS + "lineitem", AGS + "score")
    item = _safe_start_item(client, token)
    assert post_score(client, token, item["id"], scoreGiven=12).status_code == 200


def test_ags_fault_injection(pclient, ags_token, monkeypatch):
    from types import SimpleNamespace

    from demo_platform import services

    assert pclient.post("/_control", json={"ags": "error500"}).status_code == 200
    assert pclient.get(LINEITEMS, headers=bearer(ags_token)).status_code == 500
    pclient.post("/_control", json={"ags": "slow", "slow_seconds": 0.3})
    waits: list[float] = []  # what the platform asked to wait, instead of a stopwatch around the request
    monkeypatch.setattr(services, "time", SimpleNamespace(time=time.time, sleep=waits.append))
    assert pclient.get(LINEITEMS, headers=bearer(ags_token)).status_code == 200
    assert waits == [0.3]
    pclient.post("/_control", json={"ags": "ok"})
    assert status(pclient)["controls"]["ags"] == "ok"


# --- NRPS --------------------------------------------------------------------------------------------


def test_memberships_page_through_the_whole_roster(pclient, tool_keys):
    token = token_for(pclient, tool_keys, NRPS_SCOPE)
    url = "/api/lti/courses/demo-course-101/memberships"
    members, pages = [], 0
    while url:
        resp = pclient.get(url, headers={**bearer(token), "Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"})
        assert resp.status_code == 200
        assert resp.content_type == "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
        body = resp.get_json()
        assert body["context"]["id"] == "demo-course-101"
        members += body["members"]
        pages += 1
        nexts = [link["url"] for link in parse_header_links(resp.headers.get("Link", "")) if link.get("rel") == "next"]
        url = urlparse(nexts[0])._replace(scheme="", netloc="").geturl() if nexts else None
        assert not nexts or nexts[0] == nexts[0].lower()  # survives clients that lowercase the Link header
    assert pages == 3
    assert len(members) == 25 and len({m["user_id"] for m in members}) == 25
    instructors = [m for m in members if "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor" in m["roles"]]
    assert len(instructors) == 2
    assert all(m["status"] == "Active" and m["name"] and m["email"] for m in members)


def test_memberships_role_filter_limit_and_scope(pclient, tool_keys):
    token = token_for(pclient, tool_keys, NRPS_SCOPE)
    url = "/api/lti/courses/demo-course-101/memberships"
    body = pclient.get(url + "?role=Instructor", headers=bearer(token)).get_json()
    assert [m["user_id"] for m in body["members"]] == ["u-1001", "u-1002"]
    assert len(pclient.get(url + "?limit=50", headers=bearer(token)).get_json()["members"]) == 25
    assert pclient.get(url + "?limit=0", headers=bearer(token)).status_code == 400
    assert pclient.get("/api/lti/courses/other/memberships", headers=bearer(token)).status_code == 404
    ags_only = token_for(pclient, tool_keys, AGS + "score")
    assert pclient.get(url, headers=bearer(ags_only)).status_code == 403


def test_line_items_scores_and_tokens_survive_a_restart(tmp_path, tool_keys):
    config = {"INSTANCE_PATH": str(tmp_path), "PLATFORM_BASE_URL": PLATFORM, "TOOL_JWKS_FETCH": tool_keys.fetch}
    first = create_platform_app(config).test_client()
    token = token_for(first, tool_keys, AGS + "lineitem", AGS + "score", AGS + "result.readonly")
    item = _safe_start_item(first, token)
    assert post_score(first, token, item["id"]).status_code == 200

    second = create_platform_app(config).test_client()
    assert second.get("/_status").get_json()["scores"] == 1
    # The access token is still valid, and the timestamp rule still holds after the restart.
    assert post_score(second, token, item["id"]).status_code == 409
    results = second.get(urlparse(item["id"]).path + "/results", headers=bearer(token)).get_json()
    assert [r["userId"] for r in results] == ["u-1003"]


def test_a_configured_cohort_joins_the_roster_the_launch_and_the_gradebook(tmp_path, tool_keys):
    """COHORT_SIZE adds generated learners (load benchmarks): NRPS lists them after the named people, AGS
    takes their scores, a launch may name them; numbers outside the cohort stay unknown."""
    app = create_platform_app({"INSTANCE_PATH": str(tmp_path), "PLATFORM_BASE_URL": PLATFORM,
                               "TOOL_JWKS_FETCH": tool_keys.fetch, "COHORT_SIZE": 30})
    client = app.test_client()
    token = token_for(client, tool_keys, NRPS_SCOPE, AGS + "lineitem", AGS + "score")
    members = client.get("/api/lti/courses/demo-course-101/memberships?limit=100", headers=bearer(token)).get_json()
    ids = [m["user_id"] for m in members["members"]]
    assert len(ids) == 55 and ids[25] == "u-2001" and ids[-1] == "u-2030" and len(set(ids)) == 55
    item = _safe_start_item(client, token)
    assert post_score(client, token, item["id"], userId="u-2030").status_code == 200
    for stranger in ("u-2031", "u-2000", "u-20010", "u-2abc"):
        refused = post_score(client, token, item["id"], userId=stranger)
        assert refused.status_code == 400 and "not a member" in refused.get_json()["error_description"]
    assert client.get("/launch?user=u-2007&link=rl-safe-start").status_code == 302
    assert client.get("/launch?user=u-2031&link=rl-safe-start").status_code == 404


def test_without_a_cohort_only_the_named_people_are_members(pclient, tool_keys):
    token = token_for(pclient, tool_keys, AGS + "lineitem", AGS + "score")
    item = _safe_start_item(pclient, token)
    assert post_score(pclient, token, item["id"], userId="u-2001").status_code == 400
    assert pclient.get("/launch?user=u-2001&link=rl-safe-start").status_code == 404
