"""Rate limits a lecture hall survives: valid signed launches are never limited per address; refused logins
and launches are, per address; accepted launches count per (verified) platform; 429s are readable."""

from __future__ import annotations

import pytest

from lti_tool import create_app
from tests.support.platform import LTI

NAT = {"REMOTE_ADDR": "198.51.100.7"}  # one campus NAT address


def _app(database_url, tool_port, **limits):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                       "TOOL_BASE_URL": f"http://127.0.0.1:{tool_port}", **limits})


def _signed_launch(client, platform, tool, sub: str, environ=None, issuer=None):
    """Login + launch through a test client, as one learner's browser behind `environ`'s address."""
    login = client.post("/lti/login", data={"iss": issuer or platform.issuer, "login_hint": sub,
                                            "target_link_uri": tool + "/lti/launch",
                                            "client_id": platform.client_id,
                                            "lti_deployment_id": platform.deployment_id},
                        environ_base=environ or NAT)
    if login.status_code != 302:
        return login
    from urllib.parse import parse_qs, urlparse

    query = parse_qs(urlparse(login.headers["Location"]).query)
    claims = platform.claims(query["nonce"][0], tool, sub=sub)
    return client.post("/lti/launch", data={"id_token": platform.sign(claims), "state": query["state"][0]},
                       environ_base=environ or NAT)


@pytest.mark.slow
def test_a_lecture_of_400_valid_launches_from_one_address_is_served(app, database_url, tool_port, platform):
    """400 learners behind one NAT address within a minute, with the production limits: every launch is
    served. The limits are applied per hour here — stricter than the defaults' per minute — so the test proves
    the point however long this machine takes for the 400 launches."""
    from lti_tool.web.ratelimit import DEFAULTS

    assert all(value.endswith("/minute") for value in DEFAULTS.values())
    lecture = _app(database_url, tool_port, **{k: v.replace("minute", "hour") for k, v in DEFAULTS.items()})
    client = lecture.test_client()
    codes = [_signed_launch(client, platform, lecture.config["TOOL_BASE_URL"], f"learner-{i}").status_code
             for i in range(400)]
    assert codes.count(200) == 400, {c: codes.count(c) for c in set(codes)}


def test_a_flood_of_forged_launches_from_one_address_is_refused(app, database_url, tool_port, platform):
    limited = _app(database_url, tool_port, RATELIMIT_FAILURES_PER_IP="5/minute")
    client = limited.test_client()
    forged = [client.post("/lti/launch", data={"id_token": "a.b.c", "state": "s"}, environ_base=NAT).status_code
              for _ in range(8)]
    assert forged[:5] == [400] * 5 and forged[5:] == [429] * 3
    resp = client.post("/lti/launch", data={"id_token": "a.b.c", "state": "s"}, environ_base=NAT,
                       headers={"Accept": "application/json"})
    assert resp.status_code == 429
    assert resp.json["error"] == "rate_limited" and "wait a minute" in resp.json["message"]
    assert int(resp.headers["Retry-After"]) > 0
    # Refused logins share the same budget; another address is not affected.
    assert client.post("/lti/login", data={"iss": "x"}, environ_base=NAT).status_code == 429
    elsewhere = _signed_launch(client, platform, limited.config["TOOL_BASE_URL"], "other",
                               environ={"REMOTE_ADDR": "203.0.113.9"})
    assert elsewhere.status_code == 200


def test_valid_launches_do_not_use_the_failure_budget(app, database_url, tool_port, platform):
    limited = _app(database_url, tool_port, RATELIMIT_FAILURES_PER_IP="3/minute")
    client = limited.test_client()
    tool = limited.config["TOOL_BASE_URL"]
    assert [_signed_launch(client, platform, tool, f"s{i}").status_code for i in range(10)] == [200] * 10


def test_login_ceiling_per_address(app, database_url, tool_port, platform):
    limited = _app(database_url, tool_port, RATELIMIT_PER_IP="3/minute")
    client = limited.test_client()
    form = {"iss": platform.issuer, "login_hint": "x", "target_link_uri": limited.config["TOOL_BASE_URL"] + "/lti/launch"}
    codes = [client.post("/lti/login", data=form, environ_base=NAT).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert client.post("/lti/login", data=form, environ_base={"REMOTE_ADDR": "192.0.2.44"}).status_code == 302


def test_junk_naming_a_registered_issuer_cannot_use_up_its_budget(app, database_url, tool_port, platform):
    """Forged launches and junk logins naming the university's issuer, from many addresses, do not count
    against that platform: its next real launch is served. Accepted launches do count."""
    limited = _app(database_url, tool_port, RATELIMIT_PER_PLATFORM="3/minute")
    client = limited.test_client()
    tool = limited.config["TOOL_BASE_URL"]
    for i in range(20):
        address = {"REMOTE_ADDR": f"192.0.2.{i + 1}"}
        client.post("/lti/login", data={"iss": platform.issuer, "login_hint": "junk",
                                        "target_link_uri": tool + "/lti/launch"}, environ_base=address)
        junk = platform.claims("nonce", tool, **{"iss": platform.issuer, LTI + "roles": ["x"]})
        junk_token = platform.sign(junk, key=_other_key())  # signed by someone else
        assert client.post("/lti/launch", data={"id_token": junk_token, "state": "s"},
                           environ_base=address).status_code in (400, 401)
    real = [_signed_launch(client, platform, tool, f"real-{i}", environ={"REMOTE_ADDR": f"203.0.113.{i}"})
            .status_code for i in range(4)]
    assert real == [200, 200, 200, 429]  # the per-platform ceiling counts accepted launches only


_KEY = []


def _other_key():
    if not _KEY:
        from cryptography.hazmat.primitives.asymmetric import rsa

        _KEY.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _KEY[0]
