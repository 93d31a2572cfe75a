"""Hot-path INSERTs on the driver's cursor (lti_tool.driver_sql) store exactly what SQLAlchemy would, in the
session's transaction, and fail exactly as SQLAlchemy would."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from lti_tool.driver_sql import insert_ignoring_duplicates, plain_insert


def _person(app, sub: str = "driver-1") -> tuple[int, int]:
    """(user id, platform id) of a person on a registered platform."""
    from lti_tool.extensions import db
    from lti_tool.models import Platform, User

    with app.app_context():
        platform = Platform(issuer="https://lms.test", client_id="c1", auth_login_url="https://lms.test/a",
                            auth_token_url="https://lms.test/t", key_set_url="https://lms.test/k")
        user = User(issuer="https://lms.test", sub=sub, name="Driver", locale="en")
        db.session.add_all([platform, user])
        db.session.commit()
        return user.id, platform.id


def _session_values(person: tuple[int, int], token: str) -> dict:
    user_id, platform_id = person
    return {
        "token": token, "user_id": user_id, "platform_id": platform_id, "deployment_id": "d1", "context_pk": None,
        "resource_link_pk": None, "message_type": "LtiResourceLinkRequest", "role": "learner", "locale": "uk",
        "activity_id": "safe-start",
        "claims": {"custom": {"activity": "safe-start"}, "nrps": None, "title": "Привіт — «ok» ✓"},
        "created_at": datetime(2026, 12, 2, 6, 0, 0, 123456), "expires_at": datetime(2026, 12, 2, 14, 0, 0),
    }


def test_values_read_back_as_the_orm_wrote_them(app):
    """JSON (with non-ASCII text) and timestamps (microseconds included) come back equal through the ORM."""
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    person = _person(app)
    values = _session_values(person, "driver-token-1")
    with app.app_context():
        assert plain_insert(LaunchSession.__table__).execute(db.session.connection(), values) is None
        db.session.commit()
    with app.app_context():
        row = db.session.get(LaunchSession, "driver-token-1")
        assert {name: getattr(row, name) for name in values} == values


def test_runs_in_the_sessions_transaction(app):
    """A rollback takes the driver's INSERT with it: a launch that fails later leaves nothing half-written."""
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    person = _person(app)
    with app.app_context():
        plain_insert(LaunchSession.__table__).execute(db.session.connection(), _session_values(person, "rolled"))
        db.session.rollback()
        assert db.session.get(LaunchSession, "rolled") is None


def test_insert_ignoring_duplicates_returns_the_new_id_once(app):
    from lti_tool.extensions import db
    from lti_tool.models import User

    table = User.__table__
    row = {"issuer": "https://lms.test", "sub": "twice", "name": None, "locale": "en",
           "last_seen_at": datetime(2026, 12, 2), "created_at": datetime(2026, 12, 2)}
    with app.app_context():
        statement = insert_ignoring_duplicates(table, returning="id")
        first = statement.execute(db.session.connection(), row)
        assert first is not None and isinstance(first[0], int)
        assert statement.execute(db.session.connection(), row) is None
        db.session.commit()
        ids = db.session.scalars(select(User.id).where(User.sub == "twice")).all()
        assert ids == [first[0]]


def test_a_constraint_violation_is_sqlalchemys_integrity_error(app):
    """The launch retries on sqlalchemy.exc.IntegrityError; the driver's own exception would escape it."""
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    person = _person(app)
    with app.app_context():
        insert = plain_insert(LaunchSession.__table__)
        insert.execute(db.session.connection(), _session_values(person, "same-token"))
        with pytest.raises(IntegrityError) as caught:
            insert.execute(db.session.connection(), _session_values(person, "same-token"))
        assert "same-token" in str(caught.value.params)
        db.session.rollback()


def test_a_column_left_to_a_python_default_is_refused(app):
    """SQLAlchemy fills Python-side defaults at execution, which the driver path skips: say so, loudly."""
    from lti_tool.activities.models import ActivityState
    from lti_tool.extensions import db

    with app.app_context(), pytest.raises(ValueError, match="pass every column"):
        insert_ignoring_duplicates(ActivityState.__table__, returning="id").execute(
            db.session.connection(), {"user_id": 1, "context_pk": 1, "activity_id": "a", "kind": "module"})
        db.session.rollback()


def test_a_dropped_connection_is_invalidated_and_reported_as_operational_error(app):
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs a server whose connection can be cut (PostgreSQL)")
        person = _person(app)
        conn = db.session.connection()
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(OperationalError) as caught:
            plain_insert(LaunchSession.__table__).execute(conn, _session_values(person, "cut"))
        assert caught.value.connection_invalidated
        db.session.rollback()
        # The pool hands out a working connection afterwards.
        assert db.session.execute(text("SELECT 1")).scalar() == 1
