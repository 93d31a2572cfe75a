"""Helpers for activity tests: launches made directly in the database (fast, any role/course/user), a
page reader that pulls the CSRF token out of a page, and access to the score outbox."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
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
    """make_launch(role="learner", activity="safe-start", sub="u1", course="course-1", ags=True) -> Launch."""
    from lti_tool.extensions import db
    from lti_tool.models import Context, LaunchSession, Platform, ResourceLink, User, utcnow

    def make(role: str = "learner", activity: str = "safe-start", sub: str = "learner-1", course: str = "course-1",
             ags: bool = True, name: str | None = None, locale: str = "en", link: str | None = None,
             message_type: str = "LtiResourceLinkRequest", expired: bool = False) -> Launch:
        with app.app_context():
            platform = db.session.scalars(select(Platform).where(Platform.issuer == "https://lms.test")).first()
            if platform is None:
                platform = Platform(issuer="https://lms.test", client_id="c1", auth_login_url="https://lms.test/a",
                                    auth_token_url="https://lms.test/t", key_set_url="https://lms.test/k")
                db.session.add(platform)
                db.session.flush()
            user = db.session.scalars(select(User).where(User.issuer == "https://lms.test", User.sub == sub)).first()
            if user is None:
                user = User(issuer="https://lms.test", sub=sub, name=name or f"Person {sub}", locale=locale)
                db.session.add(user)
            context = db.session.scalars(select(Context).where(Context.context_id == course)).first()
            if context is None:
                context = Context(issuer="https://lms.test", deployment_id="d1", context_id=course,
                                  title=f"Course {course}", platform_id=platform.id)
                db.session.add(context)
                db.session.flush()
            link_id = link or f"link-{activity or 'none'}"
            rl = db.session.scalars(select(ResourceLink).where(
                ResourceLink.context_pk == context.id, ResourceLink.resource_link_id == link_id)).first()
            if rl is None:
                rl = ResourceLink(context_pk=context.id, resource_link_id=link_id, activity_id=activity,
                                  lineitem_url=f"https://lms.test/lineitems/{link_id}" if ags else None)
                db.session.add(rl)
            db.session.flush()
            now = utcnow()
            session = LaunchSession(
                token=secrets.token_urlsafe(24), user_id=user.id, platform_id=platform.id, deployment_id="d1",
                context_pk=context.id, resource_link_pk=rl.id, message_type=message_type, role=role,
                locale=locale, activity_id=activity, claims={"ags_endpoint": {}},
                expires_at=now - timedelta(minutes=1) if expired else now + timedelta(hours=1),
            )
            db.session.add(session)
            db.session.commit()
            return Launch(session.token, user.id, context.id, rl.id)

    return make


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
