"""The launch path over real HTTP: one happy path per role, and one test per way a launch must be refused.

Every refused launch must give a readable 4xx (HTML by default, JSON when asked) and store nothing.
"""

from __future__ import annotations

import threading
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from tests.support.platform import INSTRUCTOR, LTI, landed_at

JSON = {"Accept": "application/json"}


def stored_counts(app) -> dict[str, int]:
    from lti_tool.extensions import db
    from lti_tool.models import Context, LaunchSession, ResourceLink, User

    with app.app_context():
        return {
            m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (User, Context, ResourceLink, LaunchSession)
        }


def assert_refused(app, resp: requests.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"] == code
    assert len(body["message"]) > 10  # a sentence a person can read
    assert set(stored_counts(app).values()) == {0}, "a refused launch must store nothing"


@pytest.fixture
def http() -> requests.Session:
    session = requests.Session()
    session.headers.update(JSON)
    return session


def test_learner_launch_lands_on_activity(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool)
    location = landed_at(resp)  # the launch answers with the module's first section itself
    assert location.endswith("/module/safe-start/section/arriving-takes-time")
    assert 'lang="uk"' in resp.text
    page = http.get(live_tool + location, headers={"Accept": "text/html"})
    assert page.status_code == 200
    counts = stored_counts(app)
    assert counts == {"lti_user": 1, "lti_context": 1, "resource_link": 1, "launch_session": 1}
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession, User

    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.issuer, user.sub, user.locale) == (platform.issuer, "learner-sub-1", "uk")
        launch = db.session.scalars(select(LaunchSession)).one()
        assert launch.activity_id == "safe-start"
        assert launch.role == "learner"


def launched_role(app) -> str:
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    with app.app_context():
        return db.session.scalars(select(LaunchSession)).one().role


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([INSTRUCTOR], "instructor"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], "instructor"),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"], "admin"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"], "learner"),
        ([], "learner"),
    ],
)
def test_roles_are_mapped(app, live_tool, platform, http, roles, expected):
    resp = platform.launch(http, live_tool, **{LTI + "roles": roles})
    landed_at(resp)
    assert launched_role(app) == expected


def test_html_error_page_is_readable(app, live_tool, platform):
    session = requests.Session()
    state, nonce = platform.login(session, live_tool)
    token = platform.sign(platform.claims(nonce, live_tool, sub=None))
    resp = session.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert resp.status_code == 400
    assert "text/html" in resp.headers["Content-Type"]
    assert "does not identify the user" in resp.text


def test_bad_signature(app, live_tool, platform, http):
    state, nonce = platform.login(http, live_tool)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = platform.sign(platform.claims(nonce, live_tool), key=other)
    resp = http.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert_refused(app, resp, 401, "bad_signature")


def test_alg_none(app, live_tool, platform, http):
    state, nonce = platform.login(http, live_tool)
    token = jwt.encode(platform.claims(nonce, live_tool), None, algorithm="none", headers={"kid": platform.kid})
    resp = http.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert_refused(app, resp, 401, "bad_alg")


def test_hmac_signed_with_public_key_is_refused(app, live_tool, platform, http):
    state, nonce = platform.login(http, live_tool)
    token = jwt.encode(platform.claims(nonce, live_tool), "shared-secret", algorithm="HS256", headers={"kid": platform.kid})
    resp = http.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert_refused(app, resp, 401, "bad_alg")


def test_expired_token(app, live_tool, platform, http):
    now = int(time.time())
    resp = platform.launch(http, live_tool, exp=now - 3600, iat=now - 7200)
    assert_refused(app, resp, 401, "expired")


def test_iat_in_future(app, live_tool, platform, http):
    now = int(time.time())
    resp = platform.launch(http, live_tool, iat=now + 3600, exp=now + 7200)
    assert_refused(app, resp, 401, "iat_in_future")


def test_unknown_issuer(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool, iss="https://evil.example.com")
    assert_refused(app, resp, 401, "unknown_platform")


def test_wrong_audience(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool, aud="another-tool", azp=None)
    assert_refused(app, resp, 401, "unknown_platform")


def test_audience_list_with_foreign_azp(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool, aud=[platform.client_id, "another-tool"], azp="another-tool")
    assert_refused(app, resp, 401, "unknown_platform")


def test_audience_list_without_azp(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool, aud=[platform.client_id, "another-tool"], azp=None)
    assert_refused(app, resp, 401, "bad_azp")


def test_azp_differs_from_single_audience(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool, azp="another-tool")
    assert_refused(app, resp, 401, "bad_azp")


def test_unknown_deployment(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool, **{LTI + "deployment_id": "not-registered"})
    assert_refused(app, resp, 401, "unknown_deployment")


def test_unknown_kid(app, live_tool, platform, http):
    state, nonce = platform.login(http, live_tool)
    token = platform.sign(platform.claims(nonce, live_tool), kid="rotated-away")
    resp = http.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert_refused(app, resp, 401, "unknown_kid")


def test_replayed_launch_is_refused(app, live_tool, platform, http):
    state, nonce = platform.login(http, live_tool)
    form = {"id_token": platform.sign(platform.claims(nonce, live_tool)), "state": state}
    first = http.post(live_tool + "/lti/launch", data=form, allow_redirects=False)
    landed_at(first)
    second = http.post(live_tool + "/lti/launch", data=form, allow_redirects=False)
    assert second.status_code == 400
    assert second.json()["error"] == "state_unknown"
    assert stored_counts(app)["launch_session"] == 1


def test_state_never_issued(app, live_tool, platform, http):
    _, nonce = platform.login(http, live_tool)
    token = platform.sign(platform.claims(nonce, live_tool))
    # From a browser without the login's cookie (as in an iframe with third-party cookies blocked).
    resp = requests.post(live_tool + "/lti/launch", data={"id_token": token, "state": "made-up-state"}, headers=JSON)
    assert_refused(app, resp, 400, "state_unknown")


def test_nonce_not_from_this_login(app, live_tool, platform, http):
    state, _ = platform.login(http, live_tool)
    token = platform.sign(platform.claims("some-other-nonce", live_tool))
    resp = http.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert_refused(app, resp, 400, "nonce_mismatch")


def test_state_cookie_of_another_login(app, live_tool, platform, http):
    """A browser that keeps cookies but brings a different login's state is refused (login CSRF)."""
    victim = requests.Session()
    victim.headers.update(JSON)
    state, nonce = platform.login(victim, live_tool)
    platform.login(http, live_tool)  # the attacker's browser has its own state cookie
    token = platform.sign(platform.claims(nonce, live_tool))
    resp = http.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert_refused(app, resp, 400, "state_mismatch")


def test_launch_without_cookies_still_works(app, live_tool, platform):
    """Iframes with third-party cookies blocked: state is checked server-side, single use."""
    login_session = requests.Session()
    state, nonce = platform.login(login_session, live_tool)
    token = platform.sign(platform.claims(nonce, live_tool))
    resp = requests.post(live_tool + "/lti/launch", data={"id_token": token, "state": state}, allow_redirects=False)
    landed_at(resp)


@pytest.mark.parametrize(
    ("claim", "value", "code"),
    [
        (LTI + "message_type", None, "bad_message_type"),
        (LTI + "message_type", "LtiStartProctoring", "bad_message_type"),
        (LTI + "version", None, "bad_version"),
        (LTI + "version", "1.1", "bad_version"),
        ("sub", None, "missing_sub"),
        ("sub", "   ", "missing_sub"),
        (LTI + "roles", "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor", "bad_roles"),
        (LTI + "roles", [1, 2], "bad_roles"),
        (LTI + "resource_link", None, "missing_resource_link"),
    ],
)
def test_malformed_lti_claims(app, live_tool, platform, http, claim, value, code):
    resp = platform.launch(http, live_tool, **{claim: value})
    assert_refused(app, resp, 400, code)


def test_missing_nonce_claim(app, live_tool, platform, http):
    state, nonce = platform.login(http, live_tool)
    claims = platform.claims(nonce, live_tool)
    del claims["nonce"]
    resp = http.post(live_tool + "/lti/launch", data={"id_token": platform.sign(claims), "state": state})
    assert_refused(app, resp, 400, "missing_claim")


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        ("", 400, "missing_token"),
        ("not-a-jwt", 400, "malformed_jwt"),
        ("a.b.c", 400, "malformed_jwt"),
        ("W10.W10.sig", 400, "malformed_jwt"),
        ("e30.e30.", 401, "bad_iss"),
    ],
)
def test_malformed_jwt(app, live_tool, platform, http, token, status, code):
    state, _ = platform.login(http, live_tool)
    resp = http.post(live_tool + "/lti/launch", data={"id_token": token, "state": state})
    assert_refused(app, resp, status, code)


def test_platform_error_is_shown(app, live_tool, platform, http):
    resp = http.post(live_tool + "/lti/launch", data={"error": "login_required", "error_description": "Please sign in"})
    assert resp.status_code == 400
    assert "Please sign in" in resp.json()["message"]


def test_login_for_unknown_platform(app, live_tool, platform, http):
    resp = http.post(
        live_tool + "/lti/login",
        data={"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": live_tool + "/lti/launch"},
        allow_redirects=False,
    )
    assert resp.status_code == 400
    assert resp.json()["error"] == "unknown_platform"


def test_login_refuses_foreign_target(app, live_tool, platform, http):
    resp = http.post(
        live_tool + "/lti/login",
        data={"iss": platform.issuer, "login_hint": "x", "target_link_uri": "https://evil.example/phish"},
        allow_redirects=False,
    )
    assert resp.status_code == 400
    assert resp.json()["error"] == "bad_target"


def test_concurrent_launches_with_same_state_only_one_wins(app, live_tool, platform):
    login = requests.Session()
    state, nonce = platform.login(login, live_tool)
    form = {"id_token": platform.sign(platform.claims(nonce, live_tool)), "state": state}
    results: list[int] = []
    barrier = threading.Barrier(6)

    def go() -> None:
        barrier.wait()
        r = requests.post(live_tool + "/lti/launch", data=form, headers=JSON, allow_redirects=False)
        results.append(r.status_code)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 400, 400, 400, 400, 400]
    assert stored_counts(app)["launch_session"] == 1


def test_expired_launch_session_keeps_work_message(app, live_tool, platform, http):
    resp = platform.launch(http, live_tool)
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession, utcnow

    with app.app_context():
        session = db.session.scalars(select(LaunchSession)).one()
        session.expires_at = utcnow()
        db.session.commit()
    page = http.get(live_tool + landed_at(resp))
    assert page.status_code == 401
    assert "Anything you saved is kept" in page.json()["message"]


def test_unknown_launch_token(app, live_tool, http):
    page = http.get(live_tool + "/s/guessed-token/")
    assert page.status_code == 401
