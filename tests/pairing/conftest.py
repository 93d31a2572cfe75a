"""Pairing test helpers: people, courses and launch sessions made directly in the database (fast enough
for 25+ people per test); one test in test_views.py also goes through a real signed LTI launch."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from lti_tool.extensions import db
from lti_tool.models import Context, Platform, ResourceLink, User, utcnow


@dataclass
class Launch:
    token: str
    user_id: int
    context_pk: int

    def url(self, path: str = "") -> str:
        return f"/s/{self.token}/pairing/{path}"


class Course:
    """One course on one platform; `person()` makes a user with a launch into it."""

    def __init__(self, app, title: str = "Mentoring in transition") -> None:
        self.app = app
        with app.app_context():
            platform = db.session.query(Platform).first()
            if platform is None:
                platform = Platform(name="P", issuer="https://lms.example", client_id="c", auth_login_url="https://lms.example/a",
                                    auth_token_url="https://lms.example/t", key_set_url="https://lms.example/k")
                db.session.add(platform)
                db.session.flush()
            ctx = Context(issuer=platform.issuer, deployment_id="d1", context_id=secrets.token_hex(4), title=title,
                          platform_id=platform.id)
            db.session.add(ctx)
            db.session.flush()
            link = ResourceLink(context_pk=ctx.id, resource_link_id=secrets.token_hex(4), title="Pairing",
                                activity_id="mentee-capacity", lineitem_url="https://lms.example/lineitems/1")
            db.session.add(link)
            db.session.commit()
            self.platform_id, self.context_pk, self.link_pk = platform.id, ctx.id, link.id

    def person(self, name: str | None = "Person", role: str = "learner", activity: str = "mentee-capacity",
               user_id: int | None = None, locale: str = "en") -> Launch:
        from lti_tool.models import LaunchSession

        with self.app.app_context():
            if user_id is None:
                user = User(issuer="https://lms.example", sub=secrets.token_hex(6), name=name)
                db.session.add(user)
                db.session.flush()
                user_id = user.id
            token = secrets.token_urlsafe(24)
            db.session.add(LaunchSession(
                token=token, user_id=user_id, platform_id=self.platform_id, deployment_id="d1",
                context_pk=self.context_pk, resource_link_pk=self.link_pk, message_type="LtiResourceLinkRequest",
                role=role, locale=locale, activity_id=activity, claims={}, expires_at=utcnow() + timedelta(hours=2),
            ))
            db.session.commit()
        return Launch(token, user_id, self.context_pk)


def csrf(client, launch: Launch, path: str | None = None) -> str:
    page = client.get(path or launch.url("a/mentee-capacity"))
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)


def answer(client, launch: Launch, assessment: str = "mentee-capacity", role: str = "mentee",
           **fields: Any) -> Any:
    """Post a questionnaire; fields use the form's names, with '_' for '-' (q_languages=["uk", "en"])."""
    data: dict[str, Any] = {"csrf_token": csrf(client, launch), "role": role}
    for key, value in fields.items():
        data[key.replace("_", "-")] = value
    return client.post(launch.url(f"a/{assessment}"), data=data)


@pytest.fixture
def course(app):
    return Course(app)


@pytest.fixture
def other_course(app):
    return Course(app, "Another course")
