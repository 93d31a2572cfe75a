"""Deep Linking 2.0 return: the tool's signed response creates resource links (and line items)."""

from __future__ import annotations

import time
import uuid

from cryptography.hazmat.primitives.asymmetric import rsa

from .conftest import CLIENT_ID, DEPLOYMENT_ID, PLATFORM, launch_form, verified_id_token

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"

SCENARIO = {
    "type": "ltiResourceLink",
    "title": "Scenario: The registration form",
    "text": "Navigating unfamiliar systems together.",
    "custom": {"activity": "the-registration-form"},
    "lineItem": {"scoreMaximum": 5, "label": "The registration form", "resourceId": "the-registration-form",
                 "tag": "participation"},
}


def deep_link_data(pclient) -> str:
    _, fields, _ = launch_form(pclient, "/deeplink?user=u-1001")
    claims = verified_id_token(pclient, fields["id_token"])
    return claims[DL + "deep_linking_settings"]["data"]


def response_claims(data: str | None, items: list, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": CLIENT_ID, "aud": PLATFORM, "iat": now, "exp": now + 300, "nonce": uuid.uuid4().hex,
        LTI + "deployment_id": DEPLOYMENT_ID,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        DL + "content_items": items,
        DL + "data": data,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def links(pclient) -> set[str]:
    return set(pclient.application.extensions["demo_platform"].store._state["resource_links"])


def test_deep_link_response_creates_links_with_line_items(pclient, tool_keys):
    data = deep_link_data(pclient)
    journal = {"type": "ltiResourceLink", "title": "Journal, week 2", "custom": {"activity": "reflection-journal"}}
    token = tool_keys.sign(response_claims(data, [SCENARIO, journal], **{DL + "msg": "Two activities added."}))
    resp = pclient.post("/deep_link_return", data={"JWT": token})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/")
    home = pclient.get("/").get_data(as_text=True)
    assert "Scenario: The registration form" in home and "Journal, week 2" in home
    assert "Message from the tool: Two activities added." in home
    state = pclient.application.extensions["demo_platform"].store._state
    new = [lk for lk in state["resource_links"].values() if lk["title"] == SCENARIO["title"]][0]
    item = state["line_items"][new["line_item_id"]]
    assert item["resourceLinkId"] == new["id"] and item["scoreMaximum"] == 5 and item["tag"] == "participation"

    # Launching the new link carries its custom parameters and line item.
    _, fields, _ = launch_form(pclient, f"/launch?user=u-1006&link={new['id']}")
    claims = verified_id_token(pclient, fields["id_token"])
    assert claims[LTI + "custom"] == {"activity": "the-registration-form"}
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitem"].endswith("/lineitems/" + new["line_item_id"])


def test_deep_link_response_with_a_bad_signature_is_rejected(pclient, tool_keys):
    data = deep_link_data(pclient)
    before = links(pclient)
    forged = tool_keys.sign(response_claims(data, [SCENARIO]), key=rsa.generate_private_key(65537, 2048))
    resp = pclient.post("/deep_link_return", data={"JWT": forged})
    assert resp.status_code == 400 and b"invalid signature" in resp.data
    assert links(pclient) == before
    # The genuine response still works afterwards: the failed attempt consumed nothing.
    assert pclient.post("/deep_link_return", data={"JWT": tool_keys.sign(response_claims(data, [SCENARIO]))}).status_code == 303


def test_deep_link_response_cannot_be_replayed_or_invented(pclient, tool_keys):
    data = deep_link_data(pclient)
    token = tool_keys.sign(response_claims(data, [SCENARIO]))
    assert pclient.post("/deep_link_return", data={"JWT": token}).status_code == 303
    replay = pclient.post("/deep_link_return", data={"JWT": token})
    assert replay.status_code == 400 and b"nonce" in replay.data
    reused_data = pclient.post("/deep_link_return", data={"JWT": tool_keys.sign(response_claims(data, [SCENARIO]))})
    assert reused_data.status_code == 400 and b"data" in reused_data.data
    invented = pclient.post("/deep_link_return", data={"JWT": tool_keys.sign(response_claims("made-up", [SCENARIO]))})
    assert invented.status_code == 400


def test_deep_link_response_claim_checks(pclient, tool_keys):
    data = deep_link_data(pclient)
    cases = [
        ({"aud": "https://other-platform.test"}, b"aud"),
        ({LTI + "message_type": "LtiResourceLinkRequest"}, b"LtiDeepLinkingResponse"),
        ({LTI + "version": "1.1"}, b"1.3.0"),
        ({LTI + "deployment_id": "other"}, b"deployment_id"),
        ({"iss": "stranger"}, b"unknown tool"),
        ({"nonce": None}, b"nonce"),
        ({DL + "content_items": [{"type": "html", "html": "<p>x</p>"}]}, b"ltiResourceLink"),
        ({DL + "content_items": [{**SCENARIO, "lineItem": {"scoreMaximum": 0}}]}, b"scoreMaximum"),
    ]
    for overrides, fragment in cases:
        resp = pclient.post("/deep_link_return", data={"JWT": tool_keys.sign(response_claims(data, [SCENARIO], **overrides))})
        assert resp.status_code == 400, overrides
        assert fragment in resp.data, (overrides, resp.data)
    assert pclient.post("/deep_link_return", data={}).status_code == 400


def test_tool_error_message_is_shown_readably(pclient, tool_keys):
    data = deep_link_data(pclient)
    token = tool_keys.sign(response_claims(data, [], **{DL + "errormsg": "You <b>cancelled</b> the selection."}))
    resp = pclient.post("/deep_link_return", data={"JWT": token}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "Message from the tool: You &lt;b&gt;cancelled&lt;/b&gt; the selection." in page
