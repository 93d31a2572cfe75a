"""Programme tests: launches and learner facts written straight into the database (fast, any role, course,
platform or month), and a CSRF-aware form poster."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.models import Context, LaunchSession, Platform, ResourceLink, User, utcnow

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Launch:
    token: str
    user_id: int
    context_pk: int | None

    def url(self, path: str = "") -> str:
        return f"/s/{self.token}/{path.lstrip('/')}"


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def send(client, launch: Launch, path: str, data: dict[str, Any]):
    page = client.get(launch.url(path))
    return client.post(launch.url(path), data={**data, "csrf_token": csrf_of(page.text)})


class World:
    """Platforms, courses, people and launches, created on demand and remembered by name."""

    def __init__(self, app):
        self.app = app

    def platform(self, issuer: str = "https://lms.test", name: str = "") -> Platform:
        found = db.session.scalars(select(Platform).where(Platform.issuer == issuer)).first()
        if found is None:
            found = Platform(issuer=issuer, client_id="c1", name=name, auth_login_url=issuer + "/a",
                             auth_token_url=issuer + "/t", key_set_url=issuer + "/k")
            db.session.add(found)
            db.session.flush()
        return found

    def course(self, course: str, issuer: str = "https://lms.test", title: str | None = None) -> Context:
        platform = self.platform(issuer)
        found = db.session.scalars(select(Context).where(Context.context_id == course,
                                                         Context.issuer == issuer)).first()
        if found is None:
            found = Context(issuer=issuer, deployment_id="d1", context_id=course, title=title or f"Course {course}",
                            platform_id=platform.id)
            db.session.add(found)
            db.session.flush()
        return found

    def person(self, sub: str, issuer: str = "https://lms.test") -> User:
        found = db.session.scalars(select(User).where(User.issuer == issuer, User.sub == sub)).first()
        if found is None:
            found = User(issuer=issuer, sub=sub, name=f"Person {sub}", locale="en")
            db.session.add(found)
            db.session.flush()
        return found

    def launch(self, sub: str, course: str | None = "course-1", role: str = "learner", *,
               issuer: str = "https://lms.test", activity: str = "", locale: str = "en",
               at: datetime | None = None, platform_admin: bool = False, link: str | None = None) -> Launch:
        with self.app.app_context():
            platform = self.platform(issuer)
            user = self.person(sub, issuer)
            context = self.course(course, issuer) if course else None
            rl = None
            if context is not None and link:
                rl = db.session.scalars(select(ResourceLink).where(
                    ResourceLink.context_pk == context.id, ResourceLink.resource_link_id == link)).first()
                if rl is None:
                    rl = ResourceLink(context_pk=context.id, resource_link_id=link, activity_id=activity,
                                      created_at=at or utcnow())
                    db.session.add(rl)
                    db.session.flush()
            now = at or utcnow()
            claims: dict[str, Any] = {"ags_endpoint": {}}
            if platform_admin:
                claims["platform_admin"] = True
            session = LaunchSession(
                token=secrets.token_urlsafe(24), user_id=user.id, platform_id=platform.id, deployment_id="d1",
                context_pk=context.id if context else None, resource_link_pk=rl.id if rl else None,
                message_type="LtiResourceLinkRequest", role=role, locale=locale, activity_id=activity,
                claims=claims, created_at=now, expires_at=utcnow() + timedelta(hours=1))
            db.session.add(session)
            db.session.commit()
            return Launch(session.token, user.id, context.id if context else None)


@pytest.fixture
def world(app) -> World:
    return World(app)
