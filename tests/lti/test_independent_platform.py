"""Launch the tool from `lti1p3platform`, an LTI 1.3 platform implementation we did not write."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from tests.support.forms import submit_form
from tests.support.independent_platform import INSTRUCTOR, IndependentPlatform


@pytest.fixture
def independent(app, live_tool):
    platform = IndependentPlatform(live_tool)
    platform.start()
    with app.app_context():
        from lti_tool.cli import import_registration

        import_registration(platform.registration())
    yield platform
    platform.stop()


def launch(independent: IndependentPlatform) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    auth_page = browser.get(independent.base + "/start", params={"user": "indep-user-7"})
    assert auth_page.status_code == 200, auth_page.text
    landed = submit_form(browser, auth_page)
    return browser, landed


def test_learner_launch_from_independent_platform(app, independent):
    _, landed = launch(independent)
    assert landed.status_code == 200, landed.text

    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    with app.app_context():
        session = db.session.scalars(select(LaunchSession)).one()
        assert session.user.sub == "indep-user-7"
        assert session.user.issuer == independent.base
        assert session.activity_id == "networks-and-systems"
        assert session.context.context_id == "independent-course"
        assert session.role == "learner"


def test_instructor_launch_from_independent_platform(app, independent):
    independent.roles = [INSTRUCTOR]
    _, landed = launch(independent)
    assert landed.status_code == 200
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession

    with app.app_context():
        assert db.session.scalars(select(LaunchSession)).one().role == "instructor"


def test_replay_of_independent_platform_launch_is_refused(app, independent):
    browser = requests.Session()
    auth_page = browser.get(independent.base + "/start")
    first = submit_form(browser, auth_page, allow_redirects=False)
    assert first.status_code == 200 and first.headers["Content-Location"].startswith("/s/")
    again = submit_form(browser, auth_page, allow_redirects=False, headers={"Accept": "application/json"})
    assert again.status_code == 400
    assert again.json()["error"] == "state_unknown"
