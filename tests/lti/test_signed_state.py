"""The OIDC state is signed at login and used once at launch: tampering, expiry, another key and replay are
refused, login writes nothing, and used states are forgotten once they could no longer be replayed anyway."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import redis
import requests
from sqlalchemy import func, select, update

from lti_tool.lti.state import RedisUsedStates, StateSigner
from tests.lti.test_launch import JSON, assert_refused
from tests.support.platform import landed_at

# a state's parts: id . platform . expiry . storage target . mac


def _used_rows(app) -> int:
    from lti_tool.extensions import db
    from lti_tool.models import UsedLoginState

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UsedLoginState))


def _launch_with_state(live_tool: str, platform, nonce: str, state: str) -> requests.Response:
    token = platform.sign(platform.claims(nonce, live_tool))
    return requests.post(live_tool + "/lti/launch", data={"id_token": token, "state": state}, headers=JSON,
                         allow_redirects=False)


def test_login_writes_nothing_and_a_launch_records_one_used_state(app, live_tool, platform):
    http = requests.Session()
    before = _used_rows(app)
    state, nonce = platform.login(http, live_tool)
    assert _used_rows(app) == before, "login must not write to the database"
    assert len(state) < 200, "the state travels through the platform and must stay short"
    resp = _launch_with_state(live_tool, platform, nonce, state)
    landed_at(resp)
    assert _used_rows(app) == before + 1


@pytest.mark.parametrize("part, change", [
    (1, lambda v: str(int(v) + 1)),  # another platform
    (2, lambda v: str(int(v) + 86400)),  # a later expiry
    (3, lambda v: "X3BhcmVudA"),  # a storage target the login did not set
    (4, lambda v: ("A" if v[0] != "A" else "B") + v[1:]),  # the signature itself
])
def test_tampered_state_is_refused(app, live_tool, platform, part, change):
    state, nonce = platform.login(requests.Session(), live_tool)
    parts = state.split(".")
    parts[part] = change(parts[part])
    resp = _launch_with_state(live_tool, platform, nonce, ".".join(parts))
    assert_refused(app, resp, 400, "state_unknown")


def test_expired_state_is_refused(app, live_tool, platform):
    signer = StateSigner(app.config["SECRET_KEY"])
    platform_id = int(platform.login(requests.Session(), live_tool)[0].split(".")[1])
    state, nonce = signer.issue(platform_id, ttl_seconds=-5)
    resp = _launch_with_state(live_tool, platform, nonce, state)
    assert_refused(app, resp, 400, "state_unknown")
    fresh_state, fresh_nonce = signer.issue(platform_id, ttl_seconds=60)
    assert _launch_with_state(live_tool, platform, fresh_nonce, fresh_state).status_code == 200


def test_state_signed_with_another_key_is_refused(app, live_tool, platform):
    platform_id = int(platform.login(requests.Session(), live_tool)[0].split(".")[1])
    state, nonce = StateSigner("not-our-secret").issue(platform_id, ttl_seconds=60)
    resp = _launch_with_state(live_tool, platform, nonce, state)
    assert_refused(app, resp, 400, "state_unknown")


def test_nonce_belongs_to_exactly_one_state(app, live_tool, platform):
    """Two logins: the second login's nonce does not open the first login's state."""
    first_state, _ = platform.login(requests.Session(), live_tool)
    _, second_nonce = platform.login(requests.Session(), live_tool)
    resp = _launch_with_state(live_tool, platform, second_nonce, first_state)
    assert_refused(app, resp, 400, "nonce_mismatch")


def test_used_states_are_purged_after_they_expire(app, live_tool, platform):
    from lti_tool.extensions import db
    from lti_tool.models import UsedLoginState, utcnow
    from lti_tool.privacy import purge

    http = requests.Session()
    state, nonce = platform.login(http, live_tool)
    assert _launch_with_state(live_tool, platform, nonce, state).status_code == 200
    with app.app_context():
        assert purge(365)["used_login_state"] == 0, "an unexpired used state must be kept (replay protection)"
        db.session.execute(update(UsedLoginState).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert purge(365)["used_login_state"] >= 1
        db.session.commit()
    assert _used_rows(app) == 0


def test_redis_used_states_admit_each_state_once():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    store = RedisUsedStates(client)
    signer = StateSigner("redis-test")
    state, _ = signer.issue(7, ttl_seconds=30)
    item = signer.read(state)
    assert item is not None and item.platform_id == 7
    assert store.claim(item) is True
    assert store.claim(item) is False
    ttl = client.ttl(store.prefix + item.state_id)
    assert 0 < ttl <= 31, "a used state is remembered only as long as it could be replayed"
    other, _ = signer.issue(7, ttl_seconds=30)
    assert store.claim(signer.read(other)) is True


def test_read_refuses_malformed_states():
    signer = StateSigner("k")
    for bad in ["", "a.b.c", "a.b.c.d.e", "x" * 500, "a.1.notanumber.AA.mac", None]:
        assert signer.read(bad) is None  # type: ignore[arg-type]
    state, nonce = signer.issue(3, 60, storage_target="_parent")
    item = signer.read(state)
    assert (item.platform_id, item.storage_target, item.nonce) == (3, "_parent", nonce)
    assert item.expires_at > time.time()
