"""Open edX's own LTI 1.3 consumer (`lti-consumer-xblock`) launches the tool: learner, course staff and course
instructor on a new component without custom parameters and on one set up for an activity, and a Deep Linking
round trip whose response Open edX's consumer accepts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
ISSUER = "https://openedx.example.edu"
CLIENT_ID = "openedx-client-1"
KID = "openedx-key-1"


@pytest.fixture(scope="module")
def openedx_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def openedx(app, openedx_key):
    """The Open edX site registered as an administrator would: a static key set, deployment "1"."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(openedx_key.public_key()))
    jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
    with app.app_context():
        from lti_tool.cli import import_registration

        import_registration({
            "issuer": ISSUER, "client_id": CLIENT_ID, "name": "Open edX",
            "auth_login_url": ISSUER + "/api/lti_consumer/v1/launch/",
            "auth_token_url": ISSUER + "/api/lti_consumer/v1/token/7c0a1b2e",
            "key_set": {"keys": [jwk]}, "deployment_ids": ["1"],
        })
    return openedx_key


def run_consumer(key: rsa.RSAPrivateKey, tool: str, **request: Any) -> dict[str, Any]:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    body = {"tool": tool, "issuer": ISSUER, "client_id": CLIENT_ID, "private_key_pem": pem, "kid": KID,
            "user_id": "openedx-user-1", "resource_link_id": "block-v1:NatAlli+M101+2026+type@lti_consumer+block@a1",
            "context_id": "course-v1:NatAlli+M101+2026", **request}
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-m", "tests.support.openedx_consumer"], input=json.dumps(body),
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize(("role", "sees"), [
    ("student", "has not yet chosen what this link in your course opens"),
    ("staff", "Set up this link"),        # course staff: membership#Instructor
    ("instructor", "Set up this link"),   # course instructor: membership#Administrator + #Instructor
])
def test_new_component_without_custom_parameters(app, live_tool, openedx, role, sees):
    for attempt in ("new", "returning"):
        answer = run_consumer(openedx, live_tool, mode="launch", role=role, user_id=f"{role}-1")
        assert answer["status"] == 200, (attempt, answer["body"][:500])
        assert sees in answer["body"], attempt
        assert answer["claims_sent"]["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == "1"


@pytest.mark.parametrize("role", ["student", "staff", "instructor"])
def test_component_with_the_activity_parameter_opens_it(app, live_tool, openedx, role):
    for _ in ("new", "returning"):
        answer = run_consumer(openedx, live_tool, mode="launch", role=role, user_id=f"{role}-2",
                              resource_link_id="block-v1:NatAlli+M101+2026+type@lti_consumer+block@a2",
                              custom={"activity": "safe-start"})
        assert answer["status"] == 200, answer["body"][:500]
        assert "/module/safe-start/section/" in answer["content_location"]


def test_a_component_for_the_practice_rounds_opens_the_unit_and_its_rounds(app, live_tool, openedx):
    """The Train-the-Trainer practice rounds (peer feedback in the tool) in an Open edX course: an LTI
    component with activity=practice-rounds, as xblocks/README.md describes."""
    answer = run_consumer(openedx, live_tool, mode="launch", role="student", user_id="trainee-1",
                          resource_link_id="block-v1:NatAlli+TTT+2026+type@lti_consumer+block@r1",
                          custom={"activity": "practice-rounds"})
    assert answer["status"] == 200, answer["body"][:500]
    assert "/ttt/practice-rounds/" in answer["content_location"]
    assert "Practice rounds: open yours or give feedback" in answer["body"]


def test_deep_linking_round_trip_is_accepted_by_open_edx(app, live_tool, openedx):
    answer = run_consumer(openedx, live_tool, mode="deep_link", role="instructor", choose=["safe-start"])
    assert answer["step"] == "deep_link_response" and answer["status"] == 200, answer["body"][:800]
    items = answer["content_items"]  # decoded and checked by Open edX's check_and_decode_deep_linking_token
    assert [i["type"] for i in items] == ["ltiResourceLink"]
    assert items[0]["custom"] == {"activity": "safe-start"}
    assert answer["serializer_errors"] == []


def test_open_edx_picker_offers_one_activity_per_component(app, live_tool, openedx):
    """Open edX keeps one Deep Linking selection per LTI component, so the picker offers single activities
    there (no "whole programme" into one component), says why, and refuses several."""
    answer = run_consumer(openedx, live_tool, mode="deep_link", role="instructor",
                          choose=["safe-start", "reflection-journal"])
    picker = answer["picker_body"]
    assert "Add the whole programme" not in picker
    assert 'type="radio" name="activity"' in picker and 'type="checkbox"' not in picker
    assert "Each Open edX LTI component holds one activity" in picker
    assert answer["status"] == 400
    assert "one activity at a time" in answer["body"]
