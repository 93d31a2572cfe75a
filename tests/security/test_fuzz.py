"""Property-based tests and a bounded fuzz run of the launch endpoint: malformed input never gives a 5xx.

Bounded for CI: a fixed number of examples per property, no deadline flakiness.
"""

from __future__ import annotations

import base64
import json
import time

import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from course_content.schemas import ModuleMeta, ScenarioMeta, SelfAssessmentMeta
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.validation import LTI, check_lti_message, client_id_from_claims, unverified_parts

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
claim_keys = st.sampled_from(
    ["iss", "aud", "azp", "sub", "nonce", "exp", "iat", LTI + "roles", LTI + "message_type", LTI + "version",
     LTI + "deployment_id", LTI + "resource_link", LTI + "context", LTI + "custom"]
)
claims_strategy = st.dictionaries(claim_keys, json_values, max_size=14)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@FUZZ
@given(claims_strategy)
def test_claim_checks_only_raise_launch_errors(claims):
    for check in (client_id_from_claims, check_lti_message):
        try:
            check(claims)
        except LaunchError as exc:
            assert 400 <= exc.status < 500 and exc.message


@FUZZ
@given(st.text(max_size=200) | st.builds(lambda a, b, c: f"{a}.{b}.{c}", st.text(max_size=40), st.text(max_size=40), st.text(max_size=40)))
def test_unverified_parts_never_crashes(token):
    try:
        header, claims = unverified_parts(token)
        assert isinstance(header, dict) and isinstance(claims, dict)
    except LaunchError as exc:
        assert exc.status == 400


@FUZZ
@given(claims_strategy)
def test_role_claim_must_be_a_list_of_strings(claims):
    roles = claims.get(LTI + "roles")
    try:
        check_lti_message(claims)
    except LaunchError:
        return
    assert isinstance(roles, list) and all(isinstance(r, str) for r in roles)


@FUZZ
@given(st.dictionaries(st.sampled_from(["id", "kind", "order", "version", "estimated_minutes", "sections",
                                          "reflection_prompts", "module", "roles", "guiding_questions", "themes",
                                          "role", "scale", "domains", "questions"]), json_values, max_size=10))
def test_content_schemas_accept_or_name_the_field(data):
    for schema in (ModuleMeta(), ScenarioMeta(), SelfAssessmentMeta()):
        try:
            schema.load(data)
        except ValidationError as exc:
            assert isinstance(exc.messages, dict) and exc.messages  # names the offending field(s)


def test_launch_endpoint_fuzz_never_5xx(app, platform):
    """Malformed JWTs (random segments, hostile headers, signed-but-wrong claims) and random form bodies."""
    client = app.test_client()
    now = int(time.time())

    @settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.one_of(
            st.text(max_size=300),
            st.builds(lambda h, c, s: f"{b64(h)}.{b64(c)}.{b64(s)}", st.binary(max_size=60), st.binary(max_size=120),
                      st.binary(max_size=40)),
            st.builds(
                lambda header, claims: f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}.sig",
                st.dictionaries(st.sampled_from(["alg", "kid", "typ", "jku", "x5u"]),
                                st.sampled_from(["none", "RS256", "HS256", "ES256", "", "platform-key-1", None]),
                                max_size=4),
                claims_strategy,
            ),
            st.builds(
                # Signed by the registered platform's real key, so validation reaches the claim checks.
                lambda claims: jwt.api_jws.encode(
                    json.dumps({"iss": platform.issuer, "aud": platform.client_id, "exp": now + 60, "iat": now,
                                "nonce": "n", **claims}).encode(),
                    platform.key, algorithm="RS256", headers={"kid": platform.kid},
                ),
                claims_strategy,
            ),
        ),
        st.text(max_size=80),
        st.dictionaries(st.text(max_size=12), st.text(max_size=40), max_size=4),
    )
    def run(token, state, extra):
        form = dict(extra, id_token=token, state=state)
        resp = client.post("/lti/launch", data=form, headers={"Accept": "application/json"})
        assert resp.status_code < 500, resp.get_data(as_text=True)
        assert 400 <= resp.status_code < 500

    run()


def test_login_endpoint_fuzz_never_5xx(app, platform):
    client = app.test_client()

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(["iss", "login_hint", "target_link_uri", "client_id",
                                            "lti_deployment_id", "lti_message_hint"]),
                           st.text(max_size=60) | st.just(platform.issuer), max_size=6))
    def run(form):
        resp = client.post("/lti/login", data=form)
        assert resp.status_code < 500

    run()


def test_signed_token_with_every_claim_wrong_type_is_4xx(app, live_tool, platform):
    """A correctly signed token whose claims have hostile types is refused cleanly."""
    import requests

    session = requests.Session()
    state, nonce = platform.login(session, live_tool)
    claims = platform.claims(nonce, live_tool)
    claims[LTI + "context"] = ["not", "an", "object"]
    claims[LTI + "custom"] = "activity=../../etc/passwd"
    token = jwt.encode(claims, platform.key, algorithm="RS256", headers={"kid": platform.kid})
    resp = session.post(live_tool + "/lti/launch", data={"id_token": token, "state": state},
                        headers={"Accept": "application/json"})
    assert resp.status_code == 400
