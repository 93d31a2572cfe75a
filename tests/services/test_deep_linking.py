"""Deep Linking 2.0 round trip over HTTP: instructor launch -> picker -> signed response verified with the
tool's published JWKS."""

from __future__ import annotations

import html
import json
import re

import jwt
import pytest
import requests
from markupsafe import escape

from tests.support.forms import at_page_address
from tests.support.platform import INSTRUCTOR, LEARNER, LTI, landed_at, launch_token

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RETURN_URL = "https://platform.example.edu/deep_link_return?course=1"


def dl_claims(multiple: bool = True, **extra):
    settings = {
        "deep_link_return_url": RETURN_URL,
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": multiple,
        "data": "opaque-csrf-token-from-platform",
    }
    settings.update(extra)
    return {
        LTI + "message_type": "LtiDeepLinkingRequest",
        LTI + "resource_link": None,
        LTI + "custom": None,
        LTI + "roles": [INSTRUCTOR],
        DL + "deep_linking_settings": settings,
        LTI + "launch_presentation": {"locale": "nl"},
    }


def open_picker(platform, live_tool, **claims) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    launched = platform.launch(session, live_tool, **claims)
    if launched.status_code == 200:
        landed_at(launched)  # the launch answers with the picker itself
    return session, at_page_address(launched)


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def verify_with_jwks(live_tool: str, token: str, issuer: str) -> dict:
    jwks = requests.get(live_tool + "/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    return jwt.decode(token, key, algorithms=["RS256"], audience=issuer)


def test_picker_lists_every_activity_in_the_ui_language(platform, live_tool):
    from course_content import load

    _, page = open_picker(platform, live_tool, **dl_claims())
    assert page.status_code == 200
    assert "/deep-link" in page.url
    assert '<html lang="nl">' in page.text
    for activity in load().activities("nl"):
        assert f'value="{activity.id}"' in page.text
        assert str(escape(activity.title)) in page.text
    assert 'type="checkbox"' in page.text and 'value="programme"' in page.text


def test_server_side_search_filters(platform, live_tool):
    session, page = open_picker(platform, live_tool, **dl_claims())
    filtered = session.get(page.url, params={"q": "dagboek"})  # "journal" in Dutch
    assert 'value="reflection-journal"' in filtered.text
    assert 'value="safe-start"' not in filtered.text


def test_whole_programme_round_trip_verifies_with_jwks(platform, live_tool):
    from course_content import load

    session, page = open_picker(platform, live_tool, **dl_claims())
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    resp = session.post(
        live_tool + action, data={"csrf_token": hidden(page.text, "csrf_token"), "bundle": "programme"}
    )
    assert resp.status_code == 200
    assert f'action="{html.escape(RETURN_URL)}"' in resp.text
    claims = verify_with_jwks(live_tool, hidden(resp.text, "JWT"), platform.issuer)
    assert claims["iss"] == platform.client_id
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == platform.deployment_id
    assert claims[DL + "data"] == "opaque-csrf-token-from-platform"
    assert claims["nonce"] and claims["exp"] > claims["iat"]
    items = claims[DL + "content_items"]
    catalog = load()
    modules = [m.id for m in catalog.modules()]
    ids = [i["custom"]["activity"] for i in items]
    assert ids[0] == modules[0]
    assert set(modules) <= set(ids) and "reflection-journal" in ids and "action-plan-30-60-90" in ids
    assert ids.index(modules[1]) > ids.index(catalog.modules()[0].scenario_ids[0])  # module, its scenarios, next
    for item in items:
        assert item["type"] == "ltiResourceLink"
        assert item["url"] == live_tool + "/lti/launch"
        assert item["title"] and item["text"]
        assert item["lineItem"] == {
            "scoreMaximum": 100, "label": item["title"], "resourceId": item["custom"]["activity"], "tag": "natalli",
            # the gradebook opens a person's work at our launch URL, on this activity (AGS submission review)
            "submissionReview": {"label": "Het werk bekijken in NatAlli", "url": live_tool + "/lti/launch",
                                 "custom": {"activity": item["custom"]["activity"]}},
        }
    titles_nl = {a.id: a.title for a in catalog.activities("nl")}
    assert items[0]["title"] == titles_nl[items[0]["custom"]["activity"]]


def test_single_selection_platform(platform, live_tool):
    session, page = open_picker(platform, live_tool, **dl_claims(multiple=False))
    assert 'type="radio"' in page.text and 'value="programme"' not in page.text
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    token = hidden(page.text, "csrf_token")
    two = session.post(live_tool + action, data={"csrf_token": token, "activity": ["safe-start", "workshop-agenda"]})
    assert two.status_code == 400
    one = session.post(live_tool + action, data={"csrf_token": token, "activity": "workshop-agenda"})
    claims = verify_with_jwks(live_tool, hidden(one.text, "JWT"), platform.issuer)
    (item,) = claims[DL + "content_items"]
    assert item["custom"] == {"activity": "workshop-agenda"}


def test_titles_are_escaped(platform, live_tool, monkeypatch):
    from lti_tool.services import deep_linking

    evil = deep_linking.Choice("safe-start", "module", '<script>alert("x")</script> & "quotes"', "<b>bold</b>")
    monkeypatch.setattr(deep_linking, "catalog_choices", lambda lang: [evil])
    session, page = open_picker(platform, live_tool, **dl_claims())
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert "<b>bold</b>" not in page.text
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    resp = session.post(live_tool + action, data={"csrf_token": hidden(page.text, "csrf_token"), "activity": "safe-start"})
    assert "<script>alert" not in resp.text
    claims = verify_with_jwks(live_tool, hidden(resp.text, "JWT"), platform.issuer)
    # In the JWT the title is JSON data, byte for byte; the LMS escapes it for its own HTML.
    assert claims[DL + "content_items"][0]["title"] == evil.title


def test_learners_cannot_deep_link(platform, live_tool):
    claims = dl_claims()
    claims[LTI + "roles"] = [LEARNER]
    _, page = open_picker(platform, live_tool, **claims)
    assert page.status_code == 403


@pytest.mark.parametrize("field", ["csrf_token", None])
def test_response_needs_the_forms_token(platform, live_tool, field):
    session, page = open_picker(platform, live_tool, **dl_claims())
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    data = {"activity": "safe-start"}
    if field:
        data[field] = "forged"
    assert session.post(live_tool + action, data=data).status_code == 400


def test_picker_refuses_a_resource_link_launch(platform, live_tool):
    session = requests.Session()
    launched = platform.launch(session, live_tool, **{LTI + "roles": [INSTRUCTOR]})
    lt = launch_token(launched)
    assert session.get(f"{live_tool}/s/{lt}/deep-link").status_code == 400


def test_picker_speaks_the_learners_language(platform, live_tool):
    claims = dl_claims()
    claims[LTI + "launch_presentation"] = {"locale": "uk-UA"}
    _, page = open_picker(platform, live_tool, **claims)
    assert '<html lang="uk">' in page.text
    assert "Модулі менторства" in page.text and "Додати всю програму" in page.text


def test_no_lineitem_when_the_platform_does_not_accept_them(platform, live_tool):
    session, page = open_picker(platform, live_tool, **dl_claims(accept_lineitem=False))
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    resp = session.post(live_tool + action, data={"csrf_token": hidden(page.text, "csrf_token"), "activity": "safe-start"})
    (item,) = verify_with_jwks(live_tool, hidden(resp.text, "JWT"), platform.issuer)[DL + "content_items"]
    assert "lineItem" not in item and item["custom"] == {"activity": "safe-start"}
