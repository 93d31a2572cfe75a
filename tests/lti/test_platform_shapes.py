"""Every launch shape a real platform sends answers a sensible page, on a brand-new link and on a returning
one, as learner, instructor and administrator (shapes: tests/support/shapes.py)."""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import select

from tests.support.platform import landed_at
from tests.support.shapes import LTI, NAMED, OVERVIEW, SHAPES, Place, launch

ROLES = ("learner", "instructor", "admin")
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def expect_page(resp: requests.Response, shape: str, role: str) -> str:
    """The page a person of `role` must see for `shape`; returns where the launch landed."""
    where = landed_at(resp)  # 200, answered with its first page
    page = resp.text
    assert "Traceback" not in page and "Internal Server Error" not in page
    if shape in NAMED:
        assert "/module/safe-start/section/" in where, where
    elif shape in OVERVIEW:
        assert where.endswith("/programme"), where
        assert "The NatAlli mentoring programme" in page
    elif role == "learner":
        assert where.endswith("/waiting"), where
        assert "has not yet chosen what this link in your course opens" in page
        assert "Starting safely" in page  # the programme to browse meanwhile: no dead end
    else:
        assert where.endswith("/link"), where
        assert "Set up this link" in page and 'name="activity"' in page
    return where


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_shape_on_a_new_and_a_returning_link(app, live_tool, platform, shape, role):
    place = Place(course=f"course-{shape}", link=f"link-{shape}", sub=f"{role}-{shape}", role=role)
    browser = requests.Session()
    expect_page(launch(platform, browser, live_tool, shape, place), shape, role)
    # The same person on the same link again (rows exist now), then a second person on the now-known link.
    expect_page(launch(platform, browser, live_tool, shape, place), shape, role)
    other = Place(course=place.course, link=place.link, sub=f"second-{role}-{shape}", role=role)
    expect_page(launch(platform, requests.Session(), live_tool, shape, other), shape, role)


def test_unconfigured_link_records_no_grade(app, live_tool, platform):
    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreOutbox

    place = Place(course="c-grade", link="l-grade", sub="learner-g")
    where = expect_page(launch(platform, requests.Session(), live_tool, "moodle", place), "moodle", "learner")
    assert requests.get(live_tool + where).status_code == 200
    with app.app_context():
        assert db.session.scalars(select(ScoreOutbox)).first() is None


def set_up(live_tool: str, setup_page: requests.Response, activity: str, http: requests.Session) -> requests.Response:
    where = landed_at(setup_page)
    token = CSRF.search(setup_page.text).group(1)
    return http.post(live_tool + where, data={"csrf_token": token, "activity": activity})


def test_instructor_sets_up_a_plain_moodle_link_and_learners_then_open_it(app, live_tool, platform):
    course, link = "moodle-course", "moodle-link"
    learner = requests.Session()
    waiting = launch(platform, learner, live_tool, "moodle", Place(course, link, "student1", "learner"))
    waiting_url = live_tool + expect_page(waiting, "moodle", "learner")

    teacher = requests.Session()
    setup_page = launch(platform, teacher, live_tool, "moodle", Place(course, link, "teacher1", "instructor"))
    saved = set_up(live_tool, setup_page, "safe-start", teacher)
    assert saved.status_code == 200
    assert "This link now opens “Starting safely”" in saved.text
    # Moodle's line item lives on Moodle; this test platform refuses the token, so the column keeps its name
    # and the teacher is told so — the choice itself is saved.
    assert "did not let us rename the gradebook column" in saved.text

    # The learner who was waiting checks again and goes straight to the activity.
    again = learner.get(waiting_url, allow_redirects=False)
    assert again.status_code == 303
    assert "/module/safe-start" in learner.get(live_tool + again.headers["Location"]).url
    # Every later launch of the link, by anyone, opens the chosen activity (the launch has no custom activity).
    for who in (Place(course, link, "student2", "learner"), Place(course, link, "teacher1", "instructor")):
        assert "/module/safe-start/section/" in landed_at(launch(platform, requests.Session(), live_tool, "moodle", who))

    from lti_tool.extensions import db
    from lti_tool.models import ResourceLink

    with app.app_context():
        assert db.session.scalars(select(ResourceLink.activity_id).where(
            ResourceLink.resource_link_id == link)).one() == "safe-start"


def test_instructor_can_change_the_link_later_and_choose_the_overview(app, live_tool, platform):
    course, link = "c-change", "l-change"
    teacher = requests.Session()
    set_up(live_tool, launch(platform, teacher, live_tool, "canvas", Place(course, link, "t", "instructor")),
           "safe-start", teacher)
    # Later launch: the activity, whose instructor menu offers to change what the link opens.
    later = launch(platform, teacher, live_tool, "canvas", Place(course, link, "t", "instructor"))
    where = landed_at(later)
    page = teacher.get(live_tool + where).text
    change = re.search(r'href="(/s/[^"]+/link)"', page)
    assert change, "the instructor menu links to the link's setup"
    setup_page = teacher.get(live_tool + change.group(1))
    assert "This link opens “Starting safely”" in setup_page.text
    token = CSRF.search(setup_page.text).group(1)
    saved = teacher.post(live_tool + change.group(1), data={"csrf_token": token, "activity": "programme"})
    assert "This link now opens “the programme overview”" in saved.text
    learner = launch(platform, requests.Session(), live_tool, "canvas", Place(course, link, "s", "learner"))
    assert landed_at(learner).endswith("/programme")


def test_link_setup_refuses_learners_unknown_activities_and_missing_csrf(app, live_tool, platform):
    course, link = "c-refuse", "l-refuse"
    learner = requests.Session()
    waiting = launch(platform, learner, live_tool, "moodle", Place(course, link, "s", "learner"))
    lt = landed_at(waiting).split("/")[2]
    assert learner.get(f"{live_tool}/s/{lt}/link").status_code == 403
    assert learner.post(f"{live_tool}/s/{lt}/link", data={"activity": "safe-start"}).status_code in (400, 403)

    teacher = requests.Session()
    setup_page = launch(platform, teacher, live_tool, "moodle", Place(course, link, "t", "instructor"))
    where = live_tool + landed_at(setup_page)
    token = CSRF.search(setup_page.text).group(1)
    unknown = teacher.post(where, data={"csrf_token": token, "activity": "no-such-activity"})
    assert unknown.status_code == 400 and "Nothing has been saved" in unknown.text
    no_csrf = teacher.post(where, data={"activity": "safe-start"})
    assert no_csrf.status_code == 400
    from lti_tool.extensions import db
    from lti_tool.models import ResourceLink

    with app.app_context():
        assert db.session.scalars(select(ResourceLink.activity_id).where(
            ResourceLink.resource_link_id == link)).one() == ""


def test_activity_in_target_link_uri_counts_only_inside_the_tool(app, live_tool, platform):
    from lti_tool.lti.claims import activity_hint

    base = live_tool
    assert activity_hint({LTI + "target_link_uri": base + "/lti/launch?activity=safe-start"}, base) == "safe-start"
    assert activity_hint({LTI + "target_link_uri": "https://evil.example/lti/launch?activity=safe-start"}, base) == ""
    assert activity_hint({LTI + "target_link_uri": base + ".evil.example/x?activity=safe-start"}, base) == ""
    # The custom parameter wins over the launch URL.
    assert activity_hint({LTI + "custom": {"activity": "reflection-journal"},
                          LTI + "target_link_uri": base + "/lti/launch?activity=safe-start"}, base) == "reflection-journal"
    from lti_tool.lti.errors import LaunchError

    with pytest.raises(LaunchError):
        activity_hint({LTI + "target_link_uri": base + "/lti/launch?activity=../../etc"}, base)
