"""Fixtures for the services tests: a fake LMS over HTTP and a course with links, people and launches."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from tests.services.fake_lms import FakeLms

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
ALL_AGS = [AGS + "lineitem", AGS + "lineitem.readonly", AGS + "score", AGS + "result.readonly"]


@pytest.fixture(scope="session")
def lms_server() -> Iterator[FakeLms]:
    server = FakeLms()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lms(app, lms_server: FakeLms) -> FakeLms:
    from lti_tool.lti.keys import public_jwks
    from lti_tool.services import tokens

    lms_server.reset()
    tokens.clear_process_cache()

    def keys():
        with app.app_context():
            return public_jwks()

    lms_server.public_keys = keys
    return lms_server


@dataclass
class Course:
    """Ids of what a test set up (ORM objects do not outlive the app context that made them)."""

    platform_id: int
    context_pk: int
    link_pk: int
    lineitem: str | None
    launches: dict[str, str] = field(default_factory=dict)  # sub -> launch token


def make_course(
    app,
    lms: FakeLms,
    *,
    learners: int = 1,
    with_lineitem: bool = True,
    scopes: list[str] | None = None,
    context_id: str = "course-1",
    link_id: str = "link-1",
    activity: str = "safe-start",
    instructor: bool = True,
) -> Course:
    from lti_tool.cli import import_registration
    from lti_tool.extensions import db
    from lti_tool.models import Context, LaunchSession, ResourceLink, User, utcnow

    with app.app_context():
        platform = import_registration(lms.registration())
        context = db.session.query(Context).filter_by(context_id=context_id, issuer=platform.issuer).first()
        if context is None:
            context = Context(
                issuer=platform.issuer, deployment_id="dep-1", context_id=context_id, title="Mentoring in transition",
                memberships_url=lms.base + "/ctx/memberships", platform_id=platform.id,
            )
            db.session.add(context)
            db.session.flush()
        lineitem = lms.add_lineitem("Starting safely", link_id) if with_lineitem else None
        link = ResourceLink(
            context_pk=context.id, resource_link_id=link_id, title="Starting safely", activity_id=activity,
            lineitem_url=lineitem, lineitems_url=lms.base + "/ctx/lineitems", ags_scopes=scopes or ALL_AGS,
        )
        db.session.add(link)
        db.session.flush()
        course = Course(platform.id, context.id, link.id, lineitem)
        people = [(f"learner-{i}", "learner", f"Learner {i}") for i in range(1, learners + 1)]
        if instructor:
            people.append(("teacher-1", "instructor", "Tina Teacher"))
        for sub, role, name in people:
            user = db.session.query(User).filter_by(issuer=platform.issuer, sub=sub).first()
            if user is None:
                user = User(issuer=platform.issuer, sub=sub, name=name, locale="en")
                db.session.add(user)
                db.session.flush()
            token = secrets.token_urlsafe(24)
            db.session.add(
                LaunchSession(
                    token=token, user_id=user.id, platform_id=platform.id, deployment_id="dep-1",
                    context_pk=context.id, resource_link_pk=link.id, message_type="LtiResourceLinkRequest",
                    role=role, locale="en", activity_id=activity,
                    claims={"ags_endpoint": {"lineitems": link.lineitems_url, "lineitem": lineitem, "scope": link.ags_scopes}},
                    expires_at=utcnow() + timedelta(hours=1),
                )
            )
            course.launches[sub] = token
        db.session.commit()
        return course


def enqueue(app, launch_token: str, fraction: float = 1.0, completed: bool = True) -> int:
    """Record a score for the learner of `launch_token` the way activity code does (enqueue + commit)."""
    from lti_tool.domain.grading import ActivityProgress, Outcome
    from lti_tool.extensions import db
    from lti_tool.grades.outbox import enqueue_score
    from lti_tool.models import LaunchSession

    with app.app_context():
        launch = db.session.get(LaunchSession, launch_token)
        progress = ActivityProgress.COMPLETED if completed else ActivityProgress.IN_PROGRESS
        new_id = enqueue_score(launch, Outcome(completed, fraction, progress))
        assert new_id is not None
        db.session.commit()
        return new_id
