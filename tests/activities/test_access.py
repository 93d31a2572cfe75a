"""Every handler checks the launch: other courses, other people, roles, expired launches, CSRF."""

from __future__ import annotations

import pytest

from tests.activities.conftest import csrf_of

SCENARIO = "the-quiet-video-call"


@pytest.mark.parametrize("path", ["insight/", "insight.csv", "journal/shared", f"scenario/{SCENARIO}/facilitator"])
def test_instructor_pages_refuse_learners(app, client, make_launch, path):
    learner = make_launch()
    assert client.get(learner.url(path)).status_code == 403


def test_group_note_of_another_course_is_not_reachable(app, client, make_launch, form_groups):
    a = make_launch(activity=SCENARIO, sub="a1", course="course-A")
    b = make_launch(activity=SCENARIO, sub="a2", course="course-A")
    form_groups(a.context_pk, [("a1", "A1"), ("a2", "A2")])
    page = client.get(a.url(f"scenario/{SCENARIO}/"))
    client.post(a.url(f"scenario/{SCENARIO}/note"),
                data={"text": "COURSE-A-NOTE", "version": "0", "csrf_token": csrf_of(page.text)})
    assert "COURSE-A-NOTE" in client.get(b.url(f"scenario/{SCENARIO}/")).text
    outsider_teacher = make_launch(role="instructor", activity=SCENARIO, sub="t", course="course-B")
    assert "COURSE-A-NOTE" not in client.get(outsider_teacher.url(f"scenario/{SCENARIO}/facilitator")).text
    # Same person, other course: their own progress there starts empty.
    same_person = make_launch(activity=SCENARIO, sub="a1", course="course-B")
    assert "COURSE-A-NOTE" not in client.get(same_person.url(f"scenario/{SCENARIO}/")).text


def test_module_reflections_do_not_cross_courses_or_people(app, client, make_launch):
    mine = make_launch(sub="me", course="c1")
    token = csrf_of(client.get(mine.url("module/safe-start/reflect")).text)
    client.post(mine.url("module/safe-start/reflect/a-small-next-step"), data={"text": "MY-STEP", "csrf_token": token},
                headers={"Accept": "application/json"})
    assert "MY-STEP" in client.get(mine.url("module/safe-start/reflect")).text
    assert "MY-STEP" not in client.get(make_launch(sub="me", course="c2").url("module/safe-start/reflect")).text
    assert "MY-STEP" not in client.get(make_launch(sub="you", course="c1").url("module/safe-start/reflect")).text


def test_plan_is_per_person_and_course(app, client, make_launch):
    mine = make_launch(activity="action-plan-30-60-90", sub="me")
    token = csrf_of(client.get(mine.url("plan/")).text)
    client.post(mine.url("plan/"), data={"csrf_token": token, "goal-30": "MY-GOAL"})
    assert "MY-GOAL" in client.get(mine.url("plan/")).text
    assert "MY-GOAL" not in client.get(make_launch(activity="action-plan-30-60-90", sub="you").url("plan/")).text
    assert "MY-GOAL" not in client.get(make_launch(activity="action-plan-30-60-90", sub="me",
                                                   course="c9").url("plan/print")).text


def test_unknown_or_expired_launch_is_refused(app, client, make_launch):
    assert client.get("/s/not-a-token/journal/").status_code == 401
    expired = make_launch(expired=True)
    assert client.get(expired.url("journal/")).status_code == 401


@pytest.mark.parametrize("path,data", [
    ("journal/", {"text": "x"}),
    ("plan/", {"goal-30": "x"}),
    ("planner/", {"format": "online"}),
    ("language", {"lang": "nl"}),
    (f"scenario/{SCENARIO}/reflection", {"text": "x"}),
    ("ttt/preparing-a-programme/", {}),
])
def test_every_form_requires_csrf(app, client, make_launch, path, data):
    launch = make_launch()
    resp = client.post(launch.url(path), data=data)
    assert resp.status_code == 400
    assert "csrf_failed" in resp.text or "did not come from this page" in resp.text


def test_launch_dispatch(app, client, make_launch):
    # A link set up with no activity: learners wait calmly (with the programme to browse), instructors set it up.
    waiting = client.get(make_launch(activity="").url(""))
    assert waiting.headers["Location"].endswith("/waiting")
    assert "has not yet chosen" in client.get(waiting.headers["Location"]).text
    setup = client.get(make_launch(role="instructor", activity="", sub="t0").url(""))
    assert setup.headers["Location"].endswith("/link")
    overview = client.get(make_launch(activity="").url("programme"))
    assert overview.status_code == 200 and "Starting safely" in overview.text and "Course insight" not in overview.text
    teacher_home = client.get(make_launch(role="instructor", activity="", sub="t").url("programme"))
    assert "Course insight" in teacher_home.text
    assert '/groups">Breakout groups</a>' in teacher_home.text  # the services part's groups page
    unknown = client.get(make_launch(activity="no-such-thing", sub="u2").url(""))
    assert unknown.status_code == 404 and "no-such-thing" in unknown.text
    dl = client.get(make_launch(activity="", message_type="LtiDeepLinkingRequest", role="instructor",
                                sub="t2").url(""))
    assert dl.status_code in (303, 503)
    if dl.status_code == 303:
        assert "/deep-link" in dl.headers["Location"]
    for activity, tail in [("reflection-journal", "/journal/"), ("action-plan-30-60-90", "/plan/"),
                           ("workshop-agenda", "/planner/"), ("running-the-workshop", "/ttt/running-the-workshop/"),
                           (SCENARIO, f"/scenario/{SCENARIO}/")]:
        resp = client.get(make_launch(activity=activity, sub=f"s-{activity}").url(""))
        assert resp.headers["Location"].endswith(tail), activity


def test_programme_page_shows_own_progress(app, client, make_launch):
    learner = make_launch(activity="")
    page = client.get(learner.url("programme"))
    assert "badge" not in page.text.split("kind-module")[1].split("</section>")[0]
    client.get(learner.url("module/safe-start/"), follow_redirects=True)
    page = client.get(learner.url("programme"))
    module_list = page.text.split('id="kind-module"')[1].split("</section>")[0]
    assert module_list.count("In progress") == 1
