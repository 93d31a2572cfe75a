"""The tool's AGS, NRPS and token clients against `lti1p3platform`'s services, not only our own fakes.

The course, link and endpoints come from a real launch whose AGS/NRPS claims the library wrote; the
token endpoint, the bearer checks and the AGS/NRPS handlers are the library's (see
tests/support/independent_services.py for the little that is ours).
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.score import ActivityProgress, GradeProgress
from sqlalchemy import select

from lti_tool.grades.models import DELIVERED, PENDING, ScoreOutbox
from tests.services.conftest import enqueue
from tests.support.forms import submit_form
from tests.support.independent_platform import INSTRUCTOR, LEARNER
from tests.support.independent_services import IndependentLms

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LINK = "link-independent-1"


@pytest.fixture
def lms(app, live_tool):
    from lti_tool.cli import import_registration
    from lti_tool.services import tokens

    platform = IndependentLms(live_tool)
    platform.start()
    with app.app_context():
        import_registration(platform.registration())
    tokens.clear_process_cache()
    yield platform
    platform.stop()


def launch(lms: IndependentLms, user: str, roles: list[str] | None = None) -> tuple[requests.Session, str]:
    """A launch from the library's platform; returns the browser and the launch token the tool gave."""
    lms.roles = roles or [LEARNER]
    browser = requests.Session()
    landed = submit_form(browser, browser.get(lms.base + "/start", params={"user": user}))
    assert landed.status_code == 200, landed.text[:300]
    return browser, re.search(r"/s/([^/]+)/", landed.url).group(1)


def platform_row(app):
    from lti_tool.extensions import db
    from lti_tool.models import Platform

    row = db.session.scalars(select(Platform)).one()
    db.session.expunge(row)
    return row


def outbox(app) -> list[ScoreOutbox]:
    from lti_tool.extensions import db

    with app.app_context():
        found = list(db.session.scalars(select(ScoreOutbox).order_by(ScoreOutbox.id)))
        db.session.expunge_all()
        return found


def deliver(app):
    from lti_tool.services.delivery import deliver_pending

    return deliver_pending(app)


def stored_link(app):
    from lti_tool.extensions import db
    from lti_tool.models import ResourceLink

    with app.app_context():
        link = db.session.scalars(select(ResourceLink)).one()
        db.session.expunge(link)
        return link


# -- tokens -------------------------------------------------------------------------------------------------------
def test_token_request_is_accepted_by_the_librarys_validation(app, lms):
    from lti_tool.services import tokens

    with app.app_context():
        token, lifetime = tokens.request_token(platform_row(app), [AGS + "score", AGS + "lineitem"])
    assert lms.store.token_answers == [200] and lifetime == 3600
    (form,) = lms.store.token_requests
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    # The library verified the assertion with the key it fetched from the tool's JWKS; read it the same way.
    conf = lms.conf()
    claims = conf.tool_validate_and_decode(form["client_assertion"])
    assert claims["iss"] == claims["sub"] == lms.client_id
    assert claims["aud"] == lms.base + "/token"
    # The access token it issued carries exactly the scopes asked for.
    assert conf.validate_token(token, [AGS + "score"])
    assert conf.validate_token(token, [AGS + "lineitem"])
    assert not conf.validate_token(token, [NRPS])


def test_assertion_signed_with_another_key_gets_no_token_and_the_score_waits(app, lms):
    """The platform holds a key set for the tool that is not the tool's: no token, nothing lost."""
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _, lt = launch(lms, "indep-learner-1")
    with app.app_context():
        from lti_tool.lti.keys import public_jwks

        kid = public_jwks()["keys"][0]["kid"]
    wrong = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(stranger.public_key()))
    wrong.update({"kid": kid, "alg": "RS256", "use": "sig"})  # same kid, another key
    lms.registration_obj.set_tool_key_set({"keys": [wrong]})
    enqueue(app, lt, 1.0)
    report = deliver(app)
    assert report.delivered == 0 and report.retrying == 1  # the learner's oldest score tried, the rest wait
    assert lms.store.token_answers == [401]
    head, *rest = outbox(app)
    assert head.status == PENDING and head.last_status == 401 and "invalid_client" in head.last_error
    assert rest and all(r.status == PENDING for r in rest)
    assert not lms.store.scores and not lms.store.lineitems


# -- AGS ----------------------------------------------------------------------------------------------------------
def ms(moment: datetime) -> datetime:
    """A recorded moment as the platform holds it: UTC, to the millisecond (AGS timestamps carry ms)."""
    return moment.replace(tzinfo=None, microsecond=moment.microsecond // 1000 * 1000)


def test_scores_reach_the_launchs_line_item_with_every_field(app, lms):
    item = lms.add_lineitem(label="Networks and systems", scoreMaximum=100, resourceLinkId=LINK)
    lms.launch_lineitem = item
    _, lt = launch(lms, "indep-learner-1")  # opening the activity queues its own first score
    assert stored_link(app).lineitem_url == item  # from the library's AGS claim
    enqueue(app, lt, 0.5, completed=False)
    enqueue(app, lt, 1.0, completed=True)
    sent = outbox(app)
    report = deliver(app)
    assert report.delivered == len(sent) == 3 and report.failed == 0
    assert len(lms.store.token_answers) == 1  # one token for every score
    received = lms.store.scores[item]
    assert len(received) == len(sent)
    for score, row in zip(received, sent, strict=True):  # in order, each as the tool recorded it
        assert score["userId"] == "indep-learner-1"
        assert score["activityProgress"] is ActivityProgress(row.activity_progress)
        assert score["gradingProgress"] is GradeProgress(row.grading_progress)
        assert score["timestamp"].replace(tzinfo=None) == ms(row.timestamp)
    pending, done = received[-2:]
    assert pending["activityProgress"] is ActivityProgress.INPROGRESS
    assert pending["gradingProgress"] is GradeProgress.PENDING and "scoreGiven" not in pending
    assert done["activityProgress"] is ActivityProgress.COMPLETED
    assert done["gradingProgress"] is GradeProgress.FULLYGRADED
    assert done["scoreGiven"] == 100.0 and done["scoreMaximum"] == 100.0
    assert [s["timestamp"] for s in received] == sorted({s["timestamp"] for s in received})
    # The library answers a learner's first result 201 (created), later ones 200.
    assert [(r.status, r.last_status) for r in outbox(app)] == [(DELIVERED, 201), (DELIVERED, 200), (DELIVERED, 200)]


def test_tool_finds_the_links_line_item_through_the_librarys_list(app, lms):
    lms.add_lineitem(label="Another activity", scoreMaximum=10, resourceLinkId="some-other-link")
    ours = lms.add_lineitem(label="Networks and systems", scoreMaximum=100, resourceLinkId=LINK)
    _, lt = launch(lms, "indep-learner-2")
    assert stored_link(app).lineitem_url is None and stored_link(app).lineitems_url == lms.lineitems_url
    enqueue(app, lt, 1.0)
    assert deliver(app).delivered == len(outbox(app)) == 2
    assert len(lms.store.lineitems) == 2  # found, not created
    assert [s["userId"] for s in lms.store.scores[ours]] == ["indep-learner-2"] * 2
    assert stored_link(app).lineitem_url == ours  # remembered for the next score


def test_tool_creates_a_line_item_through_the_librarys_handler(app, lms):
    _, lt = launch(lms, "indep-learner-3")
    assert deliver(app).delivered == 1  # the score queued when the activity opened
    (item,) = lms.store.lineitems.values()
    assert item["id"].startswith(lms.lineitems_url + "/")
    assert item["resourceLinkId"] == LINK and item["resourceId"] == "networks-and-systems"
    assert item["label"] == "Networks and systems" and item["scoreMaximum"] == 100.0 and item["tag"] == "natalli"
    assert [s["userId"] for s in lms.store.scores[item["id"]]] == ["indep-learner-3"]
    assert stored_link(app).lineitem_url == item["id"]
    # The next score goes to the same column: no second line item.
    enqueue(app, lt, 1.0)
    assert deliver(app).delivered == 1
    assert len(lms.store.lineitems) == 1 and len(lms.store.scores[item["id"]]) == 2


def test_a_score_older_than_the_platforms_is_refused_409_and_counts_as_delivered(app, lms):
    """The library answers OLD_TIMESTAMP with 409; the tool keeps the newer score the platform has."""
    item = lms.add_lineitem(label="Networks and systems", scoreMaximum=100, resourceLinkId=LINK)
    lms.launch_lineitem = item
    _, lt = launch(lms, "indep-learner-4")
    lms.store.scores[item] = [{
        "userId": "indep-learner-4", "scoreGiven": 80, "scoreMaximum": 100,
        "activityProgress": ActivityProgress.COMPLETED, "gradingProgress": GradeProgress.FULLYGRADED,
        "timestamp": datetime.fromisoformat("2099-01-01T00:00:00.000+00:00"),
    }]
    enqueue(app, lt, 0.5)
    assert deliver(app).delivered == len(outbox(app)) == 2
    assert all(r.status == DELIVERED and r.last_status == 409 for r in outbox(app))
    assert [s["scoreGiven"] for s in lms.store.scores[item]] == [80]


def test_renaming_the_column_goes_through_the_librarys_get_and_put(app, lms):
    from lti_tool.services.ags import client_for

    item = lms.add_lineitem(label="Old name", scoreMaximum=100, resourceLinkId=LINK, tag="natalli")
    with app.app_context():
        client_for(platform_row(app), [AGS + "lineitem", AGS + "score"]).rename_lineitem(item, "Networks and systems")
    assert lms.store.lineitems[item] == {
        "id": item, "label": "Networks and systems", "scoreMaximum": 100, "resourceLinkId": LINK, "tag": "natalli",
    }


def test_a_token_the_platform_no_longer_accepts_leaves_the_score_waiting(app, lms):
    """The platform rotated its signing key, so the token the tool holds no longer verifies. The library
    raises from `validate_token` instead of answering 401 (see the report), so the tool sees a server error:
    it keeps the score and retries later, rather than fetching a new token at once as a 401 would make it."""
    from cryptography.hazmat.primitives import serialization

    item = lms.add_lineitem(label="Networks and systems", scoreMaximum=100, resourceLinkId=LINK)
    lms.launch_lineitem = item
    _, lt = launch(lms, "indep-learner-5")
    assert deliver(app).delivered == 1  # the tool now holds a token
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    lms.registration_obj.set_platform_private_key(new_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()).set_platform_public_key(new_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode())
    enqueue(app, lt, 1.0)
    report = deliver(app)
    assert report.delivered == 0 and report.retrying == 1
    _, waiting = outbox(app)
    assert waiting.status == PENDING and waiting.last_status == 500
    assert "InvalidSignatureError" in waiting.last_error
    assert len(lms.store.scores[item]) == 1 and len(lms.store.token_answers) == 1


def test_tool_follows_the_librarys_next_link_across_pages(app, lms):
    """The library pages a line item list with `Link: <…>; rel=next` (the token form of rel)."""
    lms.store.lineitem_page_size = 2
    for n in range(3):
        lms.add_lineitem(label=f"Networks and systems {n}", scoreMaximum=100, resourceLinkId=LINK)
    _, lt = launch(lms, "indep-learner-6")
    assert deliver(app).delivered == 1
    listed = [path for method, path in lms.store.requests if method == "GET" and path.startswith("/ctx/lineitems")]
    assert listed == ["/ctx/lineitems?resource_link_id=" + LINK, "/ctx/lineitems?resource_link_id=" + LINK + "&page=2"]
    assert stored_link(app).lineitem_url == lms.lineitems_url + "/1"  # the first for the link, as AGS lists them


# -- where lti1p3platform departs from the specs (pinned so a fixed release shows up; see the report) ------------
def test_lti1p3platform_fails_on_a_third_page_and_the_tool_keeps_the_score(app, lms):
    """Its handlers add 1 to the `page` query value, which is a string (as every framework delivers it):
    service_connector.py handle_get_lineitems raises TypeError on page 2 whenever a page 3 exists. The tool
    meets a 500 and keeps the score for a later try."""
    lms.store.lineitem_page_size = 1
    for n in range(3):
        lms.add_lineitem(label=f"Networks and systems {n}", scoreMaximum=100, resourceLinkId=LINK)
    _, lt = launch(lms, "indep-learner-7")
    report = deliver(app)
    assert report.delivered == 0 and report.retrying == 1
    (row,) = outbox(app)
    assert row.status == PENDING and row.last_status == 500 and "TypeError" in row.last_error
    assert not lms.store.scores


def test_lti1p3platform_lets_a_score_only_token_create_line_items(app, lms):
    """AGS 2.0: creating a line item needs the `lineitem` scope. The library's bearer check accepts a token
    holding any one of the service's scopes for every operation, so a token with only `score` passes."""
    from lti_tool.services import tokens

    with app.app_context():
        token, _ = tokens.request_token(platform_row(app), [AGS + "score"])
    answer = requests.post(
        lms.lineitems_url, json={"label": "Not allowed", "scoreMaximum": 1},
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.ims.lis.v2.lineitem+json"},
        timeout=10,
    )
    assert answer.status_code == 201 and len(lms.store.lineitems) == 1
    refused = requests.get(lms.memberships_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 401  # a token without any NRPS scope is refused, as it should be


def test_lti1p3platform_does_not_check_the_assertions_audience_or_replay(app, lms):
    """Security Framework 4.1.1 / RFC 7523: the assertion's `aud` must name this token endpoint and a `jti`
    must not be accepted twice. The library turns audience checks off (`verify_aud: False`) and keeps no jti,
    so one assertion meant for another platform, sent twice, gets two tokens. Our tool does set both."""
    import time

    from lti_tool.lti.keys import sign_jwt

    now = int(time.time())
    with app.app_context():
        assertion = sign_jwt({"iss": lms.client_id, "sub": lms.client_id, "aud": "https://elsewhere.example/token",
                              "iat": now, "exp": now + 300, "jti": "once"})
    form = {"grant_type": "client_credentials", "client_assertion": assertion, "scope": AGS + "score",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    answers = [requests.post(lms.base + "/token", data=form, timeout=10) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert all(a.json()["access_token"] for a in answers)


# -- NRPS ---------------------------------------------------------------------------------------------------------
def roster(lms: IndependentLms, learners: int) -> None:
    lms.store.members = [
        {"user_id": f"indep-learner-{i}", "name": f"Learner {i}", "roles": [LEARNER], "status": "Active"}
        for i in range(1, learners + 1)
    ] + [
        {"user_id": "indep-teacher", "name": "Ivanna Teacher", "roles": [INSTRUCTOR]},
        {"user_id": "indep-gone", "name": "Gone Learner", "roles": [LEARNER], "status": "Inactive"},
        {"user_id": "indep-no-status", "name": "Quiet Learner", "roles": [LEARNER]},  # the library adds Active
    ]


def test_roster_read_from_the_librarys_membership_handler(app, lms):
    from lti_tool.extensions import db
    from lti_tool.models import Context
    from lti_tool.services.nrps import fetch_members

    roster(lms, 3)
    launch(lms, "indep-teacher", [INSTRUCTOR])
    with app.app_context():
        url = db.session.scalars(select(Context)).one().memberships_url
        assert url == lms.memberships_url  # from the library's NRPS claim
        members = fetch_members(platform_row(app), url)
    by_id = {m.user_id: m for m in members}
    assert len(by_id) == 6
    assert by_id["indep-no-status"].status == "Active"
    assert sorted(m.user_id for m in members if m.is_learner) == [
        "indep-learner-1", "indep-learner-2", "indep-learner-3", "indep-no-status",
    ]
    assert by_id["indep-teacher"].name == "Ivanna Teacher" and not by_id["indep-teacher"].is_learner


def test_facilitator_forms_groups_from_the_librarys_roster(app, lms, live_tool):
    from lti_tool.extensions import db
    from lti_tool.services.models import BreakoutGroup

    roster(lms, 8)  # 8 active learners + one without a status = 9 -> groups of 5 and 4
    browser, lt = launch(lms, "indep-teacher", [INSTRUCTOR])
    page = browser.get(f"{live_tool}/s/{lt}/groups")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    formed = browser.post(f"{live_tool}/s/{lt}/groups/generate", data={"csrf_token": token}, allow_redirects=False)
    assert formed.status_code == 303, formed.text[:300]
    with app.app_context():
        groups = list(db.session.scalars(select(BreakoutGroup)))
        members = {m.user_sub: m.display_name for g in groups for m in g.members}
        sizes = sorted((len(g.members) for g in groups), reverse=True)
    assert sizes == [5, 4]
    assert set(members) == {f"indep-learner-{i}" for i in range(1, 9)} | {"indep-no-status"}
    assert members["indep-learner-3"] == "Learner 3"
    shown = browser.get(f"{live_tool}/s/{lt}/groups").text
    assert "Quiet Learner" in shown and "Ivanna Teacher" not in shown and "Gone Learner" not in shown
