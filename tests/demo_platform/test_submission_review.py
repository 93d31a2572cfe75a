"""The demo platform's gradebook opens a person's work in the tool (AGS 2.0 submission review): the review
launch, its id_token claims, who may start one, and the line items that offer it."""

from __future__ import annotations

from demo_platform.app import ctx

from .conftest import PLATFORM, TOOL, launch_form, query, verified_id_token

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def safe_start_item(platform_app) -> str:
    with platform_app.app_context(), ctx().store.read() as state:
        return state["resource_links"]["rl-safe-start"]["line_item_id"]


def test_review_launch_carries_for_user_the_link_and_its_line_item(platform_app, pclient):
    item = safe_start_item(platform_app)
    start = f"/review?user=u-1001&for=u-1003&item={item}"
    assert query(pclient.get(start).headers["Location"])["login_hint"] == "u-1001"
    action, fields, _ = launch_form(pclient, start)
    assert action == TOOL + "/lti/launch"
    claims = verified_id_token(pclient, fields["id_token"])
    assert claims["sub"] == "u-1001"
    assert claims[LTI + "message_type"] == "LtiSubmissionReviewRequest"
    assert claims[LTI + "for_user"]["user_id"] == "u-1003"
    assert claims[LTI + "for_user"]["name"] == "Olena Kovalenko"
    assert claims[LTI + "resource_link"]["id"] == "rl-safe-start"
    assert claims[LTI + "context"]["id"] == "demo-course-101"
    assert claims[LTI + "custom"] == {"activity": "safe-start"}
    assert claims[AGS]["lineitem"] == f"{PLATFORM}/api/lti/courses/demo-course-101/lineitems/{item}"
    assert claims[LTI + "target_link_uri"] == TOOL + "/lti/launch"


def test_learner_may_review_only_their_own_work(platform_app, pclient):
    item = safe_start_item(platform_app)
    assert pclient.get(f"/review?user=u-1004&for=u-1003&item={item}").status_code == 403
    _, fields, _ = launch_form(pclient, f"/review?user=u-1003&for=u-1003&item={item}")
    claims = verified_id_token(pclient, fields["id_token"])
    assert claims["sub"] == claims[LTI + "for_user"]["user_id"] == "u-1003"


def test_review_needs_a_known_person_and_a_column_that_offers_it(platform_app, pclient):
    item = safe_start_item(platform_app)
    assert pclient.get(f"/review?user=u-1001&for=nobody&item={item}").status_code == 404
    assert pclient.get("/review?user=u-1001&for=u-1003&item=999").status_code == 404
    with platform_app.app_context(), ctx().store.transaction() as state:
        state["line_items"][item].pop("submissionReview")
    resp = pclient.get(f"/review?user=u-1001&for=u-1003&item={item}")
    assert resp.status_code == 404 and b"offers no review" in resp.data


def test_gradebook_offers_review_next_to_a_score(platform_app, pclient):
    item = safe_start_item(platform_app)
    assert "/review?" not in pclient.get("/gradebook").get_data(as_text=True)  # no score yet: nothing to review
    with platform_app.app_context(), ctx().store.transaction() as state:
        state["latest_scores"][f"{item}|u-1003"] = {
            "userId": "u-1003", "scoreGiven": 50, "scoreMaximum": 100, "activityProgress": "InProgress",
            "gradingProgress": "FullyGraded", "timestamp": "2026-12-02T10:00:00.000Z", "lineItemId": item}
    page = pclient.get("/gradebook").get_data(as_text=True)
    assert f"/review?user=u-1001&amp;for=u-1003&amp;item={item}" in page
    assert 'aria-label="review the work of Olena Kovalenko on A safe start"' in page


def test_line_items_keep_a_valid_submission_review_and_refuse_a_broken_one(pclient, tool_keys):
    from urllib.parse import urlparse

    from .conftest import token_for

    token = token_for(pclient, tool_keys, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.ims.lis.v2.lineitem+json"}
    lineitems = "/api/lti/courses/demo-course-101/lineitems"
    review = {"label": "View the work", "url": TOOL + "/lti/launch", "custom": {"activity": "action-plan-30-60-90"}}
    created = pclient.post(lineitems, json={"label": "Plan", "scoreMaximum": 3, "resourceLinkId": "rl-journal",
                                            "submissionReview": review}, headers=headers)
    assert created.status_code == 201 and created.get_json()["submissionReview"] == review
    # A rename (GET, then PUT of the whole item) keeps it.
    path = urlparse(created.get_json()["id"]).path
    renamed = pclient.put(path, json={**created.get_json(), "label": "30/60/90 plan"}, headers=headers)
    assert renamed.get_json()["submissionReview"] == review
    for broken in ("yes", {"url": "javascript:alert(1)"}, {"custom": {"activity": 7}}, {"label": 5}):
        resp = pclient.post(lineitems, json={"label": "x", "scoreMaximum": 1, "submissionReview": broken},
                            headers=headers)
        assert resp.status_code == 400 and "submissionReview" in resp.get_json()["error_description"], broken
