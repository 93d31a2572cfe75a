"""A learner downloads and erases their own data from inside the course."""

from __future__ import annotations

import json
import re

import requests
from sqlalchemy import func, select

from tests.support.platform import launch_token


def _launch(live_tool, platform, sub: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    resp = platform.launch(http, live_tool, sub=sub)
    lt = launch_token(resp)
    return http, lt


def test_learner_exports_and_erases_own_data(app, live_tool, platform):
    http, lt = _launch(live_tool, platform, "olena")
    _, other_lt = _launch(live_tool, platform, "mark")
    page = http.get(f"{live_tool}/s/{lt}/my-data/")
    assert page.status_code == 200 and f"/s/{lt}/my-data/erase" in page.text
    assert "Стерти всі мої дані" in page.text  # the launch's locale is Ukrainian
    exported = http.get(f"{live_tool}/s/{lt}/my-data/export.json")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    assert json.loads(exported.text)["person"]["sub"] == "olena"

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    no_csrf = http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": "ERASE"})
    assert no_csrf.status_code == 400
    unconfirmed = http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": "", "csrf_token": token})
    assert unconfirmed.status_code == 400
    # Another learner's CSRF token does not work for this launch.
    other_page = requests.get(f"{live_tool}/s/{other_lt}/my-data/")
    other_token = re.search(r'name="csrf_token" value="([^"]+)"', other_page.text).group(1)
    assert http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": "ERASE", "csrf_token": other_token}).status_code == 400

    done = http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": "ERASE", "csrf_token": token})
    assert done.status_code == 200 and "Ваші дані стерто" in done.text
    from lti_tool.extensions import db
    from lti_tool.models import User

    with app.app_context():
        assert [u.sub for u in db.session.scalars(select(User))] == ["mark"]
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    # The erased launch no longer opens anything.
    assert http.get(f"{live_tool}/s/{lt}/my-data/").status_code == 401
