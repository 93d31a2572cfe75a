"""NRPS paging, breakout group pages (facilitator and learner), and the instructor grades view."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lti_tool.services.models import GroupMember
from tests.services.conftest import enqueue, make_course

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def roster(lms, learners: int, *, extra: list[dict] | None = None) -> None:
    lms.members = [
        {"user_id": f"learner-{i}", "name": f"Learner {i}", "roles": [LEARNER], "status": "Active"}
        for i in range(1, learners + 1)
    ] + [{"user_id": "teacher-1", "name": "Tina Teacher", "roles": [INSTRUCTOR]}] + (extra or [])


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_nrps_reads_every_page(app, lms):
    from lti_tool.extensions import db
    from lti_tool.models import Platform
    from lti_tool.services.nrps import fetch_members

    course = make_course(app, lms)
    roster(lms, 23, extra=[
        {"user_id": "gone", "name": "Left the course", "roles": [LEARNER], "status": "Inactive"},
        {"user_id": "ta", "name": "TA", "roles": [LEARNER, "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"]},
    ])
    lms.page_size = 7
    with app.app_context():
        members = fetch_members(db.session.get(Platform, course.platform_id), lms.base + "/ctx/memberships")
    assert lms.roster_requests == 4  # 26 members, 7 a page
    assert len(members) == 26
    assert sorted(m.user_id for m in members if m.is_learner) == sorted(f"learner-{i}" for i in range(1, 24))


def form(client, lms, course, learners: int):
    roster(lms, learners)
    teacher = course.launches["teacher-1"]
    page = client.get(f"/s/{teacher}/groups")
    assert page.status_code == 200
    token = csrf(page.text)
    resp = client.post(f"/s/{teacher}/groups/generate", data={"csrf_token": token})
    assert resp.status_code == 303
    return teacher, token


def group_sizes_in_db(app) -> list[int]:
    from lti_tool.extensions import db
    from lti_tool.services.models import BreakoutGroup

    with app.app_context():
        return sorted((len(g.members) for g in db.session.scalars(select(BreakoutGroup))), reverse=True)


@pytest.mark.parametrize(("n", "sizes"), [(0, []), (1, [1]), (4, [4]), (5, [5]), (6, [6]), (23, [5, 5, 5, 4, 4])])
def test_facilitator_forms_groups_from_the_roster(app, lms, client, n, sizes):
    course = make_course(app, lms, learners=max(n, 1))
    teacher, _ = form(client, lms, course, n)
    assert group_sizes_in_db(app) == sizes
    page = client.get(f"/s/{teacher}/groups")
    assert page.text.count('class="card group-card"') == len(sizes)
    assert "Tina Teacher" not in page.text  # only learners are grouped


def test_101_learners(app, lms, client):
    course = make_course(app, lms, learners=1)
    lms.page_size = 50
    form(client, lms, course, 101)
    sizes = group_sizes_in_db(app)
    assert len(sizes) == 21 and sizes.count(5) == 17 and sizes.count(4) == 4


def test_learners_see_only_their_own_group_once_published(app, lms, client):
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession
    from lti_tool.services.groups import group_for

    course = make_course(app, lms, learners=9)
    teacher, token = form(client, lms, course, 9)
    learner = course.launches["learner-1"]
    before = client.get(f"/s/{learner}/groups")
    assert before.status_code == 200 and "Learner 2" not in before.text and "not shared" in before.text
    with app.app_context():
        assert group_for(db.session.get(LaunchSession, learner)) is None
    client.post(f"/s/{teacher}/groups/publish", data={"csrf_token": token, "published": "1"})
    with app.app_context():
        group = group_for(db.session.get(LaunchSession, learner))
        mates = {m.user_sub for m in db.session.scalars(select(GroupMember)) if m.group.key == group.id}
    assert group is not None and ("Learner 1", True) in group.members
    assert {name for name, _ in group.members} == {f"Learner {s.split('-')[1]}" for s in mates}
    page = client.get(f"/s/{learner}/groups").text
    for i in range(1, 10):
        shown = f"Learner {i}" in page
        assert shown == (f"learner-{i}" in mates), i
    # Learners cannot use the facilitator's actions.
    assert client.post(f"/s/{learner}/groups/generate", data={}).status_code == 403


def test_move_lock_and_regenerate(app, lms, client):
    from lti_tool.extensions import db
    from lti_tool.services.models import BreakoutGroup

    course = make_course(app, lms, learners=14)
    teacher, token = form(client, lms, course, 14)
    with app.app_context():
        groups = list(db.session.scalars(select(BreakoutGroup).order_by(BreakoutGroup.number)))
        first, second = groups[0], groups[1]
        locked_members = {m.user_sub for m in first.members}
        mover = second.members[0]
        mover_sub, mover_id, target_id, first_id = mover.user_sub, mover.id, groups[2].id, first.id
    assert client.post(f"/s/{teacher}/groups/{first_id}/lock", data={"csrf_token": token, "locked": "1"}).status_code == 303
    assert client.post(
        f"/s/{teacher}/groups/move", data={"csrf_token": token, "member": mover_id, "group": target_id}
    ).status_code == 303
    # Moving into a locked group is refused.
    with app.app_context():
        other = db.session.scalars(select(GroupMember).where(GroupMember.group_id == target_id)).first().id
    assert client.post(
        f"/s/{teacher}/groups/move", data={"csrf_token": token, "member": other, "group": first_id}
    ).status_code == 409

    lms.members[0]["name"] = "Renamed Person"  # the roster changed its display name
    for seed_round in range(3):
        client.post(f"/s/{teacher}/groups/generate", data={"csrf_token": token})
        with app.app_context():
            kept = db.session.get(BreakoutGroup, first_id)
            assert kept is not None and {m.user_sub for m in kept.members} == locked_members
            mover_row = db.session.scalars(select(GroupMember).where(GroupMember.user_sub == mover_sub)).one()
            assert mover_row.pinned
            names = {m.display_name for m in db.session.scalars(select(GroupMember))}
            assert "Learner 1" not in names or "learner-1" in locked_members
            assert len(list(db.session.scalars(select(GroupMember)))) == 14, seed_round


def test_forms_are_csrf_protected(app, lms, client):
    course = make_course(app, lms, learners=4)
    roster(lms, 4)
    teacher = course.launches["teacher-1"]
    assert client.post(f"/s/{teacher}/groups/generate", data={"csrf_token": "x"}).status_code == 400
    assert client.post(f"/s/{teacher}/groups/generate").status_code == 400


def test_other_course_cannot_touch_or_see_groups(app, lms, client):
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession
    from lti_tool.services.groups import group_for
    from lti_tool.services.models import BreakoutGroup

    course = make_course(app, lms, learners=5)
    teacher, token = form(client, lms, course, 5)
    client.post(f"/s/{teacher}/groups/publish", data={"csrf_token": token, "published": "1"})
    other = make_course(app, lms, learners=5, context_id="course-2", link_id="link-9", with_lineitem=False)
    other_teacher = other.launches["teacher-1"]
    other_token = csrf(client.get(f"/s/{other_teacher}/groups").text)
    with app.app_context():
        group_id = db.session.scalars(select(BreakoutGroup)).first().id
        member_id = db.session.scalars(select(GroupMember)).first().id
        # The same person (same sub) launched from course-2 has no group there.
        assert group_for(db.session.get(LaunchSession, other.launches["learner-1"])) is None
    assert client.post(f"/s/{other_teacher}/groups/{group_id}/lock",
                       data={"csrf_token": other_token, "locked": "1"}).status_code == 404
    assert client.post(f"/s/{other_teacher}/groups/move",
                       data={"csrf_token": other_token, "member": member_id, "group": "new"}).status_code == 404
    assert "Learner 2" not in client.get(f"/s/{other_teacher}/groups").text
    # A token from course-1 does not work for course-2's forms either.
    assert client.post(f"/s/{other_teacher}/groups/generate", data={"csrf_token": token}).status_code == 400


def test_erasing_a_course_removes_names(app, lms, client):
    from lti_tool.extensions import db
    from lti_tool.services.groups import erase_context_groups

    course = make_course(app, lms, learners=5)
    form(client, lms, course, 5)
    with app.app_context():
        erase_context_groups(course.context_pk)
        db.session.commit()
        assert not list(db.session.scalars(select(GroupMember)))


def test_roster_unavailable_is_a_readable_error(app, lms, client):
    course = make_course(app, lms, learners=4)
    teacher = course.launches["teacher-1"]
    token = csrf(client.get(f"/s/{teacher}/groups").text)
    from lti_tool.extensions import db
    from lti_tool.models import Context

    with app.app_context():
        db.session.get(Context, course.context_pk).memberships_url = lms.base + "/nowhere"
        db.session.commit()
    resp = client.post(f"/s/{teacher}/groups/generate", data={"csrf_token": token})
    assert resp.status_code == 502 and "roster could not be loaded" in resp.text


# -- grades view ---------------------------------------------------------------------------------------------------
def test_grades_view_shows_sent_pending_failed_and_resends(app, lms, client):
    from lti_tool.services.delivery import deliver_pending

    course = make_course(app, lms, learners=3)
    enqueue(app, course.launches["learner-1"], 1.0)
    deliver_pending(app)
    lms.mode = "reject"
    lms.reject_message = "Learner 2 <script>is not enrolled</script>"
    failed_id = enqueue(app, course.launches["learner-2"], 1.0)
    deliver_pending(app)
    lms.mode = "down"
    enqueue(app, course.launches["learner-3"], 0.5, completed=False)
    deliver_pending(app)

    teacher = course.launches["teacher-1"]
    page = client.get(f"/s/{teacher}/grades")
    assert page.status_code == 200
    text = page.text
    row1 = re.search(r'<tr data-sub="learner-1">(.*?)</tr>', text, re.S).group(1)
    assert "100 / 100" in row1 and "Completed" in row1 and "FullyGraded" in row1
    row2 = re.search(r'<tr data-sub="learner-2">(.*?)</tr>', text, re.S).group(1)
    assert "is not enrolled" in row2 and "<script>" not in row2 and "Resend" in row2
    row3 = re.search(r'<tr data-sub="learner-3">(.*?)</tr>', text, re.S).group(1)
    assert "1 waiting" in row3 and "503" in row3

    assert client.get(f"/s/{course.launches['learner-1']}/grades").status_code == 403
    token = csrf(text)
    assert client.post(f"/s/{teacher}/grades/{failed_id}/resend", data={"csrf_token": "no"}).status_code == 400
    lms.mode = "ok"
    assert client.post(f"/s/{teacher}/grades/{failed_id}/resend", data={"csrf_token": token}).status_code == 303
    deliver_pending(app)
    assert [s["userId"] for s in lms.scores[course.lineitem]].count("learner-2") == 1


def test_grades_resend_refuses_rows_of_another_link(app, lms, client):
    course = make_course(app, lms, learners=1)
    other = make_course(app, lms, learners=1, context_id="course-2", link_id="link-2")
    row_id = enqueue(app, other.launches["learner-1"])
    teacher = course.launches["teacher-1"]
    from lti_tool.lti import csrf as csrf_mod

    with app.test_request_context():
        token = csrf_mod.token_for(teacher)
    assert client.post(f"/s/{teacher}/grades/{row_id}/resend", data={"csrf_token": token}).status_code == 404


def test_erasing_a_person_removes_their_group_membership(app, lms, client):
    from lti_tool.extensions import db
    from lti_tool.privacy import erase_user, find_user

    course = make_course(app, lms, learners=5)
    form(client, lms, course, 5)
    with app.app_context():
        erase_user(find_user(lms.registration()["issuer"], "learner-1"))
        db.session.commit()
        subs = {m.user_sub for m in db.session.scalars(select(GroupMember))}
    assert "learner-1" not in subs and len(subs) == 4


def test_regenerated_groups_never_reuse_an_old_groups_id(app, lms, client):
    """Shared group notes are keyed on Group.id: a new group must not inherit an old group's note."""
    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession
    from lti_tool.services.groups import group_for

    course = make_course(app, lms, learners=8)
    teacher, token = form(client, lms, course, 8)
    client.post(f"/s/{teacher}/groups/publish", data={"csrf_token": token, "published": "1"})
    seen: set[str] = set()
    for _ in range(4):
        with app.app_context():
            ids = {group_for(db.session.get(LaunchSession, lt)).id
                   for sub, lt in course.launches.items() if sub.startswith("learner")}
        assert len(ids) == 2 and not ids & seen
        seen |= ids
        client.post(f"/s/{teacher}/groups/generate", data={"csrf_token": token})
