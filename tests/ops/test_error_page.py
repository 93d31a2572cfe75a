"""Never a raw 500: any unexpected error, in any view or inside the launch, answers the tool's own calm page in
the person's language with a request id to quote; the traceback goes to the log under that id; /metrics counts it."""

from __future__ import annotations

import logging

import pytest
import requests
from sqlalchemy import func, select

from lti_tool import create_app

WERKZEUG_500 = "Internal Server Error"
CALM = "Something went wrong on our side"


class Boom(RuntimeError):
    pass


def explode(*args, **kwargs):
    raise Boom("a bug in a view")


@pytest.fixture
def fresh_app(app, database_url, tool_port):
    """An app of its own: its views are replaced one by one with a failing one."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                       "TOOL_BASE_URL": f"http://127.0.0.1:{tool_port}", "RATELIMIT_ENABLED": False})


def _url_for(rule) -> str:
    """An address for `rule`, with a value each converter accepts (ints for <int:…>)."""
    values = {arg: 1 if type(rule._converters[arg]).__name__ == "IntegerConverter" else "x" for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_no_route_answers_werkzeugs_default_500(fresh_app):
    client = fresh_app.test_client()
    with fresh_app.test_request_context():
        from lti_tool.lti.csrf import token_for

        csrf = token_for("x")  # forms pass their CSRF check (for launch "x") and reach the failing view
    checked = 0
    for rule in fresh_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        if fresh_app.url_map.bind("localhost").match(_url_for(rule), method)[0] != rule.endpoint:
            continue  # shadowed by an earlier rule for the same address (never reached)
        original = fresh_app.view_functions[rule.endpoint]
        fresh_app.view_functions[rule.endpoint] = explode
        try:
            resp = client.open(_url_for(rule), method=method, headers={"Accept": "text/html", "X-CSRF-Token": csrf})
        finally:
            fresh_app.view_functions[rule.endpoint] = original
        body = resp.get_data(as_text=True)
        assert resp.status_code == 500, (rule.rule, resp.status_code)
        assert CALM in body and WERKZEUG_500 not in body and "Traceback" not in body, rule.rule
        assert resp.headers["X-Request-Id"] in body, rule.rule  # the id a person can quote
        checked += 1
    assert checked > 40  # every blueprint's routes were tried


def test_unexpected_error_in_a_view_is_logged_with_its_request_id_and_counted(fresh_app, caplog):
    fresh_app.view_functions["pages.index"] = explode
    client = fresh_app.test_client()
    with caplog.at_level(logging.ERROR, logger="lti_tool"):
        resp = client.get("/", headers={"Accept-Language": "uk"})
    assert resp.status_code == 500
    assert 'lang="uk"' in resp.text and "Щось пішло не так з нашого боку" in resp.text
    request_id = resp.headers["X-Request-Id"]
    assert len(request_id) >= 16 and request_id in resp.text
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert failures and failures[0].exc_info[0] is Boom
    assert getattr(failures[0], "request_id", None) == request_id
    api = client.get("/", headers={"Accept": "application/json"})
    assert api.status_code == 500
    assert api.json == {"error": "unexpected_error", "message": api.json["message"],
                        "request_id": api.headers["X-Request-Id"]}
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'natalli_unexpected_errors_total{status="500"} 2.0' in metrics


def test_unexpected_error_inside_the_launch_leaves_nothing_half_written(app, live_tool, platform, monkeypatch):
    from lti_tool.extensions import db
    from lti_tool.lti import launch as launch_module
    from lti_tool.models import Context, LaunchSession, ResourceLink, User

    def failing_insert(conn, values):
        raise Boom("a bug while recording the launch")

    monkeypatch.setattr(launch_module, "_insert_session", failing_insert)
    resp = platform.launch(requests.Session(), live_tool)  # the platform's locale is Ukrainian
    monkeypatch.undo()
    assert resp.status_code == 500
    assert "Щось пішло не так з нашого боку" in resp.text and WERKZEUG_500 not in resp.text
    assert resp.headers["X-Request-Id"] in resp.text
    with app.app_context():
        for model in (User, Context, ResourceLink, LaunchSession):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__


def test_unexpected_error_inside_the_launchs_first_page(app, live_tool, platform, monkeypatch):
    """The launch answers with its first page: a bug in that page is the same calm page, and the launch that
    led to it is not left behind half-done."""
    from lti_tool.activities import modules

    view = app.view_functions["modules.section"]
    monkeypatch.setitem(app.view_functions, "modules.section", explode)
    try:
        resp = platform.launch(requests.Session(), live_tool)
    finally:
        app.view_functions["modules.section"] = view
    assert resp.status_code == 500 and "Щось пішло не так з нашого боку" in resp.text
    assert modules  # the module blueprint is the one whose view failed
