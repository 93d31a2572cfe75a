"""Per-person export and erasure across every table, retention, and key rotation for reflections."""

from __future__ import annotations

import json
from datetime import timedelta

import requests
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text

from lti_tool import crypto
from lti_tool.domain.grading import module_outcome
from tests.support.platform import TestPlatform, landed_at


def _launch_with_score(app, live_tool, platform, sub: str) -> None:
    from lti_tool.extensions import db
    from lti_tool.grades.outbox import enqueue_score
    from lti_tool.models import LaunchSession, User

    ags = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"], "lineitems": "https://lms/li"}
    resp = platform.launch(requests.Session(), live_tool, sub=sub, **{
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags})
    landed_at(resp)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.sub == sub, User.issuer == platform.issuer)).one()
        launch = db.session.scalars(select(LaunchSession).where(LaunchSession.user_id == user.id)).one()
        assert enqueue_score(launch, module_outcome(["a"], ["a"], True)) is not None
        db.session.commit()


def test_export_and_erase_one_person_only(app, live_tool, platform, platform_server):
    _launch_with_score(app, live_tool, platform, "olena")
    _launch_with_score(app, live_tool, platform, "mark")
    # Same sub on another issuer is another person.
    other = TestPlatform(issuer="https://other-lms.example.org")
    other.start()
    try:
        with app.app_context():
            from lti_tool.cli import import_registration

            import_registration(other.registration())
        _launch_with_score(app, live_tool, other, "olena")
    finally:
        other.stop()

    runner = app.test_cli_runner()
    out = runner.invoke(args=["privacy", "export", "--platform", platform.issuer, "--sub", "olena"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["person"]["sub"] == "olena" and data["person"]["issuer"] == platform.issuer
    assert len(data["records"]["launch_session"]) == 1
    # The launch's first page queued "started"; the test queued "completed".
    progress = sorted(row["activity_progress"] for row in data["records"]["score_outbox"])
    assert progress == ["Completed", "InProgress"]

    erased = runner.invoke(args=["privacy", "erase", "--platform", platform.issuer, "--sub", "olena", "--yes"])
    assert erased.exit_code == 0, erased.output
    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreOutbox
    from lti_tool.models import LaunchSession, User

    with app.app_context():
        people = {(u.issuer, u.sub) for u in db.session.scalars(select(User))}
        assert people == {(platform.issuer, "mark"), ("https://other-lms.example.org", "olena")}
        assert db.session.scalar(select(func.count()).select_from(LaunchSession)) == 2
        assert db.session.scalar(select(func.count()).select_from(ScoreOutbox)) == 4  # two people's two each
    again = runner.invoke(args=["privacy", "export", "--platform", platform.issuer, "--sub", "olena"])
    assert again.exit_code != 0 and "No person" in again.output


def test_purge_removes_inactive_people_and_stale_state(app, live_tool, platform):
    _launch_with_score(app, live_tool, platform, "inactive")
    _launch_with_score(app, live_tool, platform, "active")
    from lti_tool.extensions import db
    from lti_tool.models import User, utcnow

    with app.app_context():
        old = db.session.scalars(select(User).where(User.sub == "inactive")).one()
        old.last_seen_at = utcnow() - timedelta(days=400)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "inactive_people 1" in result.output
    with app.app_context():
        assert [u.sub for u in db.session.scalars(select(User))] == ["active"]


def test_encrypted_text_is_not_readable_in_the_database_and_rotates(app):
    from lti_tool.extensions import db

    key_old, key_new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    crypto.configure([key_old])
    try:
        secret = "Я боюся, що мій диплом нічого не вартий 🙁 ‏"
        stored = crypto.EncryptedText().process_bind_param(secret, None)
        assert secret not in stored and stored.startswith("fernet:")
        assert crypto.decrypt(stored) == secret
        crypto.configure([key_new, key_old])
        rotated = crypto.rotate(stored)
        crypto.configure([key_new])
        assert crypto.decrypt(rotated) == secret
        with app.app_context():
            assert db.session.execute(text("SELECT 1")).scalar() == 1
    finally:
        crypto.configure(None, app.instance_path)
