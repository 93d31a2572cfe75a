"""Every activity opens for learners and instructors whatever platform shape launched it (tests/support/shapes.py):
the rows come from the launch's own code given that platform's claims."""

from __future__ import annotations

import pytest

from tests.support.shapes import SHAPES

ACTIVITIES = ["safe-start", "the-diploma-in-a-drawer", "reflection-journal", "action-plan-30-60-90", "preparing-a-programme"]
COURSE_SHAPES = sorted(set(SHAPES) - {"no_context"})


@pytest.mark.parametrize("role", ["learner", "instructor"])
@pytest.mark.parametrize("shape", COURSE_SHAPES)
def test_every_kind_of_activity_opens(app, client, make_launch, shape, role):
    for activity in ACTIVITIES:
        launch = make_launch(shape=shape, role=role, activity=activity, sub=f"{role}-{shape}")
        home = client.get(launch.url(""))
        assert home.status_code == 303, (activity, home.status_code)
        page = client.get(home.headers["Location"], follow_redirects=True)
        assert page.status_code == 200, (activity, page.status_code, page.request.path)
        assert "Traceback" not in page.text


@pytest.mark.parametrize("role", ["learner", "instructor"])
def test_a_launch_without_a_course_shows_the_programme_and_explains_the_activities(app, client, make_launch, role):
    """LTI 1.3 allows a launch without a context (a link outside any course, e.g. a user-menu placement): the
    launch lands on the programme overview (not a bare 400), and an activity — whose work belongs to a course —
    says plainly that it must be opened from inside one."""
    launch = make_launch(shape="no_context", role=role, activity="", sub=f"nocourse-{role}")
    assert launch.context_pk is None
    home = client.get(launch.url(""))
    assert home.headers["Location"].endswith("/programme")
    overview = client.get(home.headers["Location"])
    assert overview.status_code == 200 and "The NatAlli mentoring programme" in overview.text
    journal = client.get(launch.url("journal/"))
    assert "This activity needs to be opened from inside a course." in journal.text
