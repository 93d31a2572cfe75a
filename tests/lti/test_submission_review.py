"""LTI Submission Review (AGS 2.0): the gradebook opens one person's work on one link.

Over real HTTP with the scriptable platform: every id_token rule of the message is refused on its own (readable
4xx, nothing stored), and the review page keeps privacy — a facilitator reads only what the learner shared, a
learner reads their own work, a learner asking for somebody else is refused, and a person the course has never
seen is a readable 404.
"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from tests.lti.test_launch import JSON, assert_refused
from tests.support.platform import INSTRUCTOR, LEARNER, LTI, landed_at

REVIEW = "LtiSubmissionReviewRequest"
LEARNER_SUB = "learner-sub-1"
TEACHER_SUB = "teacher-sub-1"
PRIVATE = "Private: I still lie awake thinking about the interview."
SHARED = "Shared: I would like help with the letter to the job centre."
PRIVATE_REFLECTION = "Reflection: the first weeks felt like walking on ice."
EN = {"locale": "en", "document_target": "iframe"}


def review_claims(for_user: object = LEARNER_SUB, **overrides: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "sub": TEACHER_SUB,
        "name": "Aoife Brennan",
        LTI + "message_type": REVIEW,
        LTI + "roles": [INSTRUCTOR],
        LTI + "for_user": {"user_id": for_user, "name": "Olena Kovalenko"} if isinstance(for_user, str) else for_user,
        LTI + "launch_presentation": EN,
    }
    claims.update(overrides)
    return claims


def review(platform, tool: str, **overrides: object) -> requests.Response:
    http = requests.Session()
    http.headers["Accept"] = "text/html"
    return platform.launch(http, tool, **review_claims(**overrides))


@pytest.fixture
def learner_work(app, live_tool, platform):
    """The learner opened the module on link-1 (progress and a queued score), wrote a private and a shared
    journal entry from the module's questions, a private reflection, and a private entry on another module."""
    landed_at(platform.launch(requests.Session(), live_tool, **{LTI + "launch_presentation": EN}))
    from lti_tool.activities.models import JournalEntry, Reflection
    from lti_tool.extensions import db
    from lti_tool.grades.models import DELIVERED, ScoreOutbox
    from lti_tool.models import Context, ResourceLink, User, utcnow

    with app.app_context():
        user = db.session.scalars(select(User).where(User.sub == LEARNER_SUB)).one()
        course = db.session.scalars(select(Context)).one()
        link = db.session.scalars(select(ResourceLink)).one()
        db.session.add_all([
            ScoreOutbox(user_id=user.id, resource_link_pk=link.id, platform_id=course.platform_id,
                        activity_id="safe-start", score_given=50.0, score_maximum=100.0,
                        activity_progress="InProgress", grading_progress="FullyGraded", timestamp=utcnow(),
                        status=DELIVERED),
            JournalEntry(user_id=user.id, context_pk=course.id, module_id="safe-start", text=PRIVATE, shared=False),
            JournalEntry(user_id=user.id, context_pk=course.id, module_id="safe-start", text=SHARED, shared=True),
            JournalEntry(user_id=user.id, context_pk=course.id, module_id="other-module", text="Elsewhere, shared.",
                         shared=True),
            Reflection(user_id=user.id, context_pk=course.id, activity_id="safe-start", prompt_id="p1",
                       text=PRIVATE_REFLECTION),
        ])
        db.session.commit()
        return user.id


def test_instructor_sees_progress_scores_and_only_shared_entries(app, live_tool, platform, learner_work):
    resp = review(platform, live_tool)
    assert landed_at(resp).endswith("/review")
    page = resp.text
    assert "Work of Olena Kovalenko" in page
    assert SHARED in page
    assert PRIVATE not in page and PRIVATE_REFLECTION not in page
    assert "Elsewhere, shared." not in page  # another module's entry is not this activity's work
    assert "Private reflections and private journal entries stay private" in page
    assert "Started" in page and "1 of " in page  # the module's first section was opened
    assert "50 / 100" in page and "sent to the gradebook" in page

    from lti_tool.extensions import db
    from lti_tool.models import LaunchSession
    from lti_tool.privacy import AuditEvent

    with app.app_context():
        launch = db.session.scalars(select(LaunchSession).where(LaunchSession.message_type == REVIEW)).one()
        assert launch.claims["for_user"] == LEARNER_SUB
        assert launch.role == "instructor" and launch.activity_id == "safe-start"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.reviewed")).one()
        assert event.subject_id == learner_work and event.object_ref.startswith("journal_entry:")


def test_learner_reviewing_their_own_work_sees_all_of_it(app, live_tool, platform, learner_work):
    resp = review(platform, live_tool, sub=LEARNER_SUB, **{LTI + "roles": [LEARNER]})
    assert landed_at(resp).endswith("/review")
    assert "Your work" in resp.text
    assert PRIVATE in resp.text and SHARED in resp.text and PRIVATE_REFLECTION in resp.text
    assert "Work of" not in resp.text


def test_learner_asking_for_somebody_elses_work_is_refused(app, live_tool, platform, learner_work):
    resp = review(platform, live_tool, sub="learner-sub-2", **{LTI + "roles": [LEARNER]})
    assert resp.status_code == 403
    assert "only your own work" in resp.text
    assert PRIVATE not in resp.text and SHARED not in resp.text


def test_learner_asking_for_somebody_else_who_is_unknown_is_also_403(app, live_tool, platform):
    """Whether a person exists is not revealed to a learner: not yours is 403 either way."""
    resp = review(platform, live_tool, sub=LEARNER_SUB, for_user="nobody-here", **{LTI + "roles": [LEARNER]})
    assert resp.status_code == 403


def test_person_never_seen_in_the_course_is_a_readable_404(app, live_tool, platform, learner_work):
    resp = review(platform, live_tool, for_user="never-launched")
    assert resp.status_code == 404
    assert "has not opened NatAlli in this course yet" in resp.text


def test_person_known_only_in_another_course_is_a_404(app, live_tool, platform, learner_work):
    other = {"id": "course-2", "label": "OTHER", "title": "Another course"}
    resp = review(platform, live_tool, **{LTI + "context": other})
    assert resp.status_code == 404
    assert SHARED not in resp.text


def test_review_page_refuses_an_ordinary_launch(app, live_tool, platform):
    http = requests.Session()
    location = landed_at(platform.launch(http, live_tool, **{LTI + "roles": [INSTRUCTOR]}))
    lt = location.split("/")[2]
    resp = http.get(f"{live_tool}/s/{lt}/review", headers=JSON)
    assert resp.status_code == 400 and resp.json()["error"] == "not_review"


@pytest.mark.parametrize(
    ("claim", "value", "code"),
    [
        (LTI + "for_user", None, "missing_for_user"),
        (LTI + "for_user", "learner-sub-1", "missing_for_user"),
        (LTI + "for_user", {}, "bad_for_user"),
        (LTI + "for_user", {"user_id": ""}, "bad_for_user"),
        (LTI + "for_user", {"user_id": "   "}, "bad_for_user"),
        (LTI + "for_user", {"user_id": 17}, "bad_for_user"),
        (LTI + "for_user", {"user_id": "x" * 256}, "bad_for_user"),
        (LTI + "context", None, "missing_context"),
        (LTI + "context", {"title": "no id"}, "bad_context"),
        (LTI + "context", {"id": ""}, "missing_context"),
        (LTI + "resource_link", None, "missing_resource_link"),
        (LTI + "resource_link", {"id": ""}, "missing_resource_link"),
    ],
)
def test_each_review_rule_refuses_the_launch(app, live_tool, platform, claim, value, code):
    http = requests.Session()
    http.headers.update(JSON)
    claims = review_claims()
    if value is None:
        claims[claim] = None  # TestPlatform.claims drops a claim given as None
    else:
        claims[claim] = value
    resp = platform.launch(http, live_tool, **claims)
    assert_refused(app, resp, 400, code)


def test_journal_link_review_shows_every_shared_entry_and_no_private_one(app, live_tool, platform, learner_work):
    resp = review(platform, live_tool, **{LTI + "resource_link": {"id": "link-journal", "title": "Journal"},
                                          LTI + "custom": {"activity": "reflection-journal"}})
    assert landed_at(resp).endswith("/review")
    assert SHARED in resp.text and "Elsewhere, shared." in resp.text
    assert PRIVATE not in resp.text and PRIVATE_REFLECTION not in resp.text
    assert "No score has been sent for this activity yet." in resp.text  # scores belong to link-1, not this link


def test_review_page_in_the_instructors_language(app, live_tool, platform, learner_work):
    resp = review(platform, live_tool, **{LTI + "launch_presentation": {"locale": "de"}})
    assert 'lang="de"' in resp.text
    assert "Private Reflexionen und private Tagebucheinträge bleiben privat" in resp.text
    assert SHARED in resp.text and PRIVATE not in resp.text
