"""Faults: the database going away during a launch gives a readable 503, and nothing half-written."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from lti_tool import create_app

DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"


def test_launch_with_database_down_is_a_readable_503():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": DOWN})
    client = app.test_client()
    form = {"iss": "https://lms.example", "login_hint": "x", "target_link_uri": "http://127.0.0.1:5000/lti/launch"}
    page = client.post("/lti/login", data=form)
    assert page.status_code == 503
    assert "cannot reach its database" in page.get_data(as_text=True)
    # Flask-Limiter restates Retry-After as the seconds left until the later of our 60 s and its window:
    # whole seconds, so 59 or 60.
    assert 55 <= int(page.headers["Retry-After"]) <= 60
    api = client.post("/lti/login", data=form, headers={"Accept": "application/json"})
    assert api.status_code == 503 and api.json["error"] == "unavailable"


def test_failure_while_recording_a_launch_leaves_no_partial_rows(app, live_tool, platform, monkeypatch):
    """If the database fails after the user row is written but before the launch is committed, the whole
    launch is rolled back: no user, no course, no link, no session."""
    from lti_tool.extensions import db
    from lti_tool.lti import launch as launch_module
    from lti_tool.models import Context, LaunchSession, ResourceLink, User

    def exploding_insert(conn, values):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("INSERT INTO launch_session", {}, Exception("server closed the connection"))

    monkeypatch.setattr(launch_module, "_insert_session", exploding_insert)
    resp = platform.launch(requests.Session(), live_tool)
    monkeypatch.undo()
    assert resp.status_code == 503
    with app.app_context():
        for model in (User, Context, ResourceLink, LaunchSession):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
