"""LTI client-side storage (postMessage) for launches in iframes without third-party cookies."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import requests
from sqlalchemy import select

from tests.support.platform import landed_at

JSON = {"Accept": "application/json"}


def storage_login(platform, live_tool) -> tuple[str, str, str]:
    """Login with lti_storage_target from a browser that keeps no cookies; returns state, nonce, page."""
    resp = requests.post(
        live_tool + "/lti/login",
        data={"iss": platform.issuer, "login_hint": "u", "target_link_uri": live_tool + "/lti/launch",
              "client_id": platform.client_id, "lti_storage_target": "post_message_forwarding"},
        allow_redirects=False,
    )
    assert resp.status_code == 200, resp.text
    page = resp.text
    state = re.search(r'data-state="([^"]+)"', page).group(1)
    nonce = re.search(r'data-nonce="([^"]+)"', page).group(1)
    next_url = re.search(r'data-next="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(next_url).query)["state"] == [state]
    assert f'data-origin="{platform.base}"' in page and 'data-target="post_message_forwarding"' in page
    return state, nonce, page


def test_cookieless_launch_is_confirmed_through_platform_storage(app, live_tool, platform):
    state, nonce, _ = storage_login(platform, live_tool)
    token = platform.sign(platform.claims(nonce, live_tool))
    resp = requests.post(live_tool + "/lti/launch", data={"id_token": token, "state": state}, allow_redirects=False)
    assert resp.status_code == 200 and 'data-mode="get"' in resp.text
    lt = re.search(r'name="lt" value="([^"]+)"', resp.text).group(1)
    # Until the browser confirms, the launch opens nothing.
    assert requests.get(f"{live_tool}/s/{lt}/", headers=JSON).json()["error"] == "launch_unverified"
    done = requests.post(live_tool + "/lti/launch/verify", data={"lt": lt, "value": state}, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].startswith(f"/s/{lt}/module/safe-start/section/")
    assert requests.get(f"{live_tool}/s/{lt}/").status_code == 200


def test_wrong_value_from_platform_storage_is_refused(app, live_tool, platform):
    state, nonce, _ = storage_login(platform, live_tool)
    token = platform.sign(platform.claims(nonce, live_tool))
    resp = requests.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    lt = re.search(r'name="lt" value="([^"]+)"', resp.text).group(1)
    bad = requests.post(live_tool + "/lti/launch/verify", data={"lt": lt, "value": "forged"}, headers=JSON)
    assert bad.status_code == 400 and bad.json()["error"] == "state_mismatch"
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    with app.app_context():
        assert db.session.scalars(select(LaunchSession)).first() is None
    again = requests.post(live_tool + "/lti/launch/verify", data={"lt": lt, "value": state}, headers=JSON)
    assert again.status_code == 400


def test_browser_with_cookies_needs_no_storage_round_trip(app, live_tool, platform):
    browser = requests.Session()
    resp = browser.post(
        live_tool + "/lti/login",
        data={"iss": platform.issuer, "login_hint": "u", "target_link_uri": live_tool + "/lti/launch",
              "client_id": platform.client_id, "lti_storage_target": "_parent"},
    )
    state = re.search(r'data-state="([^"]+)"', resp.text).group(1)
    nonce = re.search(r'data-nonce="([^"]+)"', resp.text).group(1)
    token = platform.sign(platform.claims(nonce, live_tool))
    launched = browser.post(live_tool + "/lti/launch", data={"id_token": token, "state": state}, allow_redirects=False)
    landed_at(launched)
