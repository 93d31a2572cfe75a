"""Login and launch are rate-limited per client IP and per platform, with a readable 429."""

from __future__ import annotations

from lti_tool import create_app


def _app(database_url, **limits):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, **limits})


def test_login_limited_per_ip(app, database_url, platform):
    limited = _app(database_url, RATELIMIT_PER_IP="3/minute")
    client = limited.test_client()
    form = {"iss": platform.issuer, "login_hint": "x", "target_link_uri": "http://127.0.0.1:5000/lti/launch"}
    codes = [client.post("/lti/login", data=form).status_code for _ in range(4)]
    assert codes[:3] != [429, 429, 429] and codes[3] == 429
    resp = client.post("/lti/login", data=form, headers={"Accept": "application/json"})
    assert resp.status_code == 429
    assert resp.json["error"] == "rate_limited" and "wait a minute" in resp.json["message"]
    assert int(resp.headers["Retry-After"]) > 0
    # Another client IP is not affected.
    other = client.post("/lti/login", data=form, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert other.status_code != 429


def test_launch_limited_per_platform_across_ips(app, database_url, platform):
    limited = _app(database_url, RATELIMIT_PER_PLATFORM="2/minute")
    client = limited.test_client()
    codes = [
        client.post("/lti/launch", data={"id_token": "a.b.c", "state": "s"},
                    environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [400, 400, 429]
