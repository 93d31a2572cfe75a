"""Helpers for activity tests: launches recorded by the launch's own code from platform-shaped claims, a
page reader that pulls the CSRF token out of a page, and access to the score outbox."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select


@dataclass
class Launch:
    token: str
    user_id: int
    context_pk: int
    resource_link_pk: int | None

    def url(self, path: str = "") -> str:
        return f"/s/{self.token}/{path.lstrip('/')}"


CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def make_launch(app):
    """make_launch(role="learner", activity="safe-start", sub="u1", course="course-1", ags=True, shape="ours")
    -> Launch.

    The rows are written by the launch's own code (`lti_tool.lti.launch.record_launch`) from the claims a
    platform sends (`tests.support.shapes`: ours, Moodle, Canvas, Brightspace…), exactly as a signed launch
    writes them; only the JWT signature and the HTTP round trip are skipped (they have their own tests), so
    activity tests start from what platforms send, not from rows our tests invented.
    """
    from lti_tool.extensions import db
    from lti_tool.lti.launch import find_platform, record_launch
    from lti_tool.lti.state import StoredState
    from lti_tool.lti.validation import check_lti_message
    from lti_tool.models import LaunchSession, Platform
    from tests.support.shapes import AGS, LTI, SHAPES, Place

    issuer = "https://lms.test"

    def registered() -> None:
        if db.session.scalars(select(Platform).where(Platform.issuer == issuer)).first() is None:
            from lti_tool.cli import import_registration

            import_registration({"issuer": issuer, "client_id": "c1", "auth_login_url": "https://lms.test/a",
                                 "auth_token_url": "https://lms.test/t", "key_set_url": "https://lms.test/k",
                                 "deployment_ids": ["d1"]})

    def make(role: str = "learner", activity: str = "safe-start", sub: str = "learner-1", course: str = "course-1",
             ags: bool = True, name: str | None = None, locale: str = "en", link: str | None = None,
             message_type: str = "LtiResourceLinkRequest", expired: bool = False, shape: str = "ours") -> Launch:
        link_id = link or f"link-{activity or 'none'}"
        platform_stub = SimpleNamespace(issuer=issuer, client_id="c1", deployment_id="d1", base="https://lms.test")
        with app.test_request_context("/lti/launch", method="POST"):
            registered()
            claims = SHAPES[shape](platform_stub, secrets.token_urlsafe(8), app.config["TOOL_BASE_URL"],
                                   Place(course=course, link=link_id, sub=sub, role=role))
            claims[LTI + "roles"] = ROLE_CLAIMS[role]
            claims["name"] = name or f"Person {sub}"
            claims[LTI + "launch_presentation"] = {**(claims.get(LTI + "launch_presentation") or {}), "locale": locale}
            custom = {k: v for k, v in (claims.get(LTI + "custom") or {}).items() if k != "activity"}
            claims[LTI + "custom"] = {**custom, **({"activity": activity} if activity else {})}
            if ags:
                claims[AGS + "endpoint"] = {"scope": [], "lineitem": f"https://lms.test/lineitems/{link_id}",
                                            "lineitems": "https://lms.test/lineitems"}
            else:
                claims.pop(AGS + "endpoint", None)
            if message_type == "LtiDeepLinkingRequest":
                claims[LTI + "message_type"] = message_type
                claims.pop(LTI + "resource_link", None)
                claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                    "deep_link_return_url": "https://lms.test/dl/return", "accept_types": ["ltiResourceLink"],
                    "accept_multiple": True}
            kind = check_lti_message(claims)
            platform = find_platform(issuer, "c1")
            stored = StoredState(secrets.token_hex(16), "n", platform.id, int(time.time()) + 600)
            session = record_launch(platform, claims, kind, stored)
            token = session.token
            db.session.commit()
            row = db.session.get(LaunchSession, token)
            if expired:
                row.expires_at = row.created_at - timedelta(minutes=1)
                db.session.commit()
            return Launch(token, row.user_id, row.context_pk, row.resource_link_pk)

    return make


ROLE_CLAIMS = {
    "learner": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    "instructor": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
    "admin": ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
}


@pytest.fixture
def outbox(app):
    """outbox() -> list of (activity_id, activity_progress, grading_progress, score_given) in order."""
    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreOutbox

    def rows(user_id: int | None = None) -> list[tuple[Any, ...]]:
        with app.app_context():
            q = select(ScoreOutbox).order_by(ScoreOutbox.id)
            if user_id is not None:
                q = q.where(ScoreOutbox.user_id == user_id)
            return [(r.activity_id, r.activity_progress, r.grading_progress, r.score_given)
                    for r in db.session.scalars(q)]

    return rows


def post(client, url: str, data: dict[str, Any], token: str | None = None, **kw: Any):
    """POST a form with the page's CSRF token (pass token=... explicitly, or fetch it from `url`'s GET)."""
    body = dict(data)
    if token is not None:
        body["csrf_token"] = token
    return client.post(url, data=body, **kw)


@pytest.fixture
def form_groups(app):
    """form_groups(course_pk, [(sub, name), ...]) -> {sub: group id}: published roster groups for a course."""
    from lti_tool.extensions import db
    from lti_tool.models import Context
    from lti_tool.services.groups import regenerate
    from lti_tool.services.models import GroupMember

    def make(context_pk: int, members: list[tuple[str, str]]) -> dict[str, int]:
        with app.app_context():
            context = db.session.get(Context, context_pk)
            group_set = regenerate(context, members, seed="fixed-seed")
            group_set.published = True
            db.session.commit()
            return {m.user_sub: m.group_id for m in db.session.scalars(select(GroupMember))}

    return make
