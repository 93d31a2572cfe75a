"""The launch token on shared computers: bound to the browser where cookies are allowed, ended by idleness, by
"leave" and by a launch from another browser; personal pages are never cached; no token in any log line."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from tests.support.platform import free_port, launch_token
from tests.support.shapes import Place, launch

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def learner_launch(platform, tool, browser: requests.Session, sub: str = "lab-learner", link: str = "lab-link"):
    return launch(platform, browser, tool, "ours", Place(course="lab-course", link=link, sub=sub))


def test_copied_address_in_a_fresh_browser_is_refused_once_bound(app, live_tool, platform):
    browser = requests.Session()
    resp = learner_launch(platform, live_tool, browser)
    lt = launch_token(resp)
    assert 'name="natalli-bind"' in resp.text  # the page settles the binding straight away
    assert browser.get(f"{live_tool}/s/{lt}/bind").status_code == 204  # the launching browser: bound
    assert browser.get(f"{live_tool}/s/{lt}/journal/").status_code == 200
    # The next person at the lab computer, a new browser profile, the address copied from history:
    stranger = requests.get(f"{live_tool}/s/{lt}/journal/", headers={"Accept": "text/html"})
    assert stranger.status_code == 401
    assert "opened in another browser" in stranger.text and "open the activity again from your course" in stranger.text
    assert browser.get(f"{live_tool}/s/{lt}/journal/").status_code == 200  # the learner is unaffected


def test_without_cookies_the_address_alone_works(app, live_tool, platform):
    """Browsers that keep no cookie in the LMS iframe (Safari) get URL-only sessions, as before."""
    browser = requests.Session()
    lt = launch_token(learner_launch(platform, live_tool, browser))
    browser.cookies.clear()  # the browser dropped the cookie the launch set
    assert browser.get(f"{live_tool}/s/{lt}/bind").status_code == 204  # first request decides: URL-only
    assert requests.get(f"{live_tool}/s/{lt}/journal/").status_code == 200


def test_idle_session_ends(app, live_tool, platform):
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    browser = requests.Session()
    lt = launch_token(learner_launch(platform, live_tool, browser))
    assert browser.get(f"{live_tool}/s/{lt}/journal/").status_code == 200
    with app.app_context():
        session = db.session.get(LaunchSession, lt)
        idle = app.config["LAUNCH_IDLE_SECONDS"]
        session.claims = {**session.claims, "seen": int(time.time()) - idle - 1}
        db.session.commit()
    ended = browser.get(f"{live_tool}/s/{lt}/journal/", headers={"Accept": "application/json"})
    assert ended.status_code == 401 and ended.json()["error"] == "launch_idle"


def test_leave_ends_the_session(app, live_tool, platform):
    browser = requests.Session()
    lt = launch_token(learner_launch(platform, live_tool, browser))
    journal = browser.get(f"{live_tool}/s/{lt}/journal/")
    assert f'action="/s/{lt}/leave"' in journal.text
    left = browser.post(f"{live_tool}/s/{lt}/leave", data={"csrf_token": CSRF.search(journal.text).group(1)})
    assert left.status_code == 200 and "You have left" in left.text
    for client in (browser, requests.Session()):
        assert client.get(f"{live_tool}/s/{lt}/journal/").status_code == 401
    assert browser.post(f"{live_tool}/s/{lt}/leave").status_code in (400, 401)  # no CSRF, and ended anyway


def test_launch_from_another_browser_ends_the_one_left_behind_but_not_a_second_tab(app, live_tool, platform):
    lab = requests.Session()
    lab_lt = launch_token(learner_launch(platform, live_tool, lab))
    lab.get(f"{live_tool}/s/{lab_lt}/bind")
    # A second tab in the same browser (same browser-wide cookie) keeps working.
    second_tab = launch_token(learner_launch(platform, live_tool, lab))
    lab.get(f"{live_tool}/s/{second_tab}/bind")
    assert lab.get(f"{live_tool}/s/{lab_lt}/journal/").status_code == 200
    # The learner goes home and launches from her own laptop (another browser): the lab sessions end.
    laptop = requests.Session()
    laptop.cookies.set("natalli-browser", "laptop-browser-id-0123456789", path="/")
    home = launch_token(learner_launch(platform, live_tool, laptop))
    assert laptop.get(f"{live_tool}/s/{home}/journal/").status_code == 200
    assert lab.get(f"{live_tool}/s/{lab_lt}/journal/").status_code == 401
    assert lab.get(f"{live_tool}/s/{second_tab}/journal/").status_code == 401
    # Someone else's sessions are never touched.
    other = requests.Session()
    other_lt = launch_token(learner_launch(platform, live_tool, other, sub="someone-else"))
    other.get(f"{live_tool}/s/{other_lt}/bind")
    launch_token(learner_launch(platform, live_tool, laptop))
    assert other.get(f"{live_tool}/s/{other_lt}/journal/").status_code == 200


@pytest.mark.parametrize("path", ["", "programme", "journal/", "journal/shared", "plan/", "support", "my-data/",
                                  "module/safe-start/"])
def test_personal_pages_are_never_stored(app, live_tool, platform, path):
    browser = requests.Session()
    lt = launch_token(learner_launch(platform, live_tool, browser))
    resp = browser.get(f"{live_tool}/s/{lt}/{path}", allow_redirects=False)
    assert resp.status_code in (200, 303, 403, 404), (path, resp.status_code)
    assert resp.headers["Cache-Control"] == "private, no-store", path


def test_json_endpoints_and_the_launch_are_never_stored(app, live_tool, platform):
    browser = requests.Session()
    resp = learner_launch(platform, live_tool, browser)
    assert resp.headers["Cache-Control"] == "private, no-store"
    lt = launch_token(resp)
    api = browser.get(f"{live_tool}/s/{lt}/journal/", headers={"Accept": "application/json"})
    assert api.headers["Cache-Control"] == "private, no-store"


def test_no_token_in_the_apps_log_records(app, live_tool, platform, caplog):
    browser = requests.Session()
    with caplog.at_level(logging.INFO):
        lt = launch_token(learner_launch(platform, live_tool, browser))
        browser.get(f"{live_tool}/s/{lt}/journal/")
        requests.get(f"{live_tool}/s/{lt}/no-such-page")  # refused: logged with its path
        requests.post(f"{live_tool}/s/{lt}/journal/", data={"text": "x"})  # refused (CSRF)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/s/<redacted>" in text
    assert lt not in text


def test_no_token_in_gunicorns_access_log_with_the_deploy_configuration(tmp_path):
    """gunicorn with deploy/gunicorn.conf.py exactly (its access-log format and logger class)."""
    port = free_port()
    log = tmp_path / "access.log"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x" * 40,
           "TOOL_BASE_URL": f"http://127.0.0.1:{port}", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": "1", "GUNICORN_ACCESSLOG": str(log), "LOG_FORMAT": "json"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "lti_tool:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    token = "Tok3nThatMustNeverBeLogged_abcdefghijklmnop"
    try:
        for _ in range(300):  # wait for the socket (bounded)
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stdout.read()[-2000:]
                time.sleep(0.1)  # synchronisation: polling until gunicorn listens
        for path in (f"/s/{token}/journal/", f"/s/{token}/", f"/s/{token}/module/safe-start/?x=1"):
            requests.get(f"http://127.0.0.1:{port}{path}", timeout=5, headers={"Referer": f"http://lms/s/{token}/"})
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    written = log.read_text() + output
    assert "/s/<redacted>/journal/" in written
    assert token not in written


def test_nginx_example_logs_redacted_addresses():
    conf = (ROOT / "deploy" / "nginx" / "natalli.conf").read_text()
    assert "access_log /var/log/nginx/natalli.access.log natalli;" in conf
    assert "$natalli_loggable_uri" in conf.split("log_format natalli", 1)[1].split(";", 1)[0]
    assert "$request_uri" not in conf.split("log_format natalli", 1)[1].split(";", 1)[0]


def test_sessions_issued_before_binding_keep_working(app, live_tool, platform):
    """Sessions from before this release (no binding claims) stay URL-only until they expire."""
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    lt = launch_token(learner_launch(platform, live_tool, requests.Session()))
    with app.app_context():
        session = db.session.scalars(select(LaunchSession).where(LaunchSession.token == lt)).one()
        session.claims = {k: v for k, v in session.claims.items() if k not in ("bk", "binding", "seen", "browser")}
        db.session.commit()
    assert requests.get(f"{live_tool}/s/{lt}/journal/").status_code == 200
