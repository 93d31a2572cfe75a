"""The launch answers with its first page: one transaction for the launch and what that page records, a page
that refuses leaves nothing behind, and a person coming back costs a handful of statements."""

from __future__ import annotations

import requests
from sqlalchemy import event, func, select

from tests.lti.test_launch import JSON, stored_counts
from tests.support.platform import INSTRUCTOR, LEARNER, LTI, landed_at

DEEP_LINKING = {
    LTI + "message_type": "LtiDeepLinkingRequest",
    "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
        "deep_link_return_url": "https://platform.example.edu/return", "accept_types": ["ltiResourceLink"]},
    LTI + "resource_link": None,
}


def _progress_and_scores(app) -> tuple[int, int]:
    from lti_tool.activities.models import ActivityState
    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreOutbox

    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(ActivityState)),
                db.session.scalar(select(func.count()).select_from(ScoreOutbox)))


def test_first_page_is_recorded_with_the_launch(app, live_tool, platform):
    ags = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
           "lineitem": "https://platform.example.edu/lineitems/9"}
    resp = platform.launch(requests.Session(), live_tool,
                           **{"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags})
    assert landed_at(resp).endswith("/module/safe-start/section/arriving-takes-time")
    assert 'aria-valuenow="1"' in resp.text  # the section page itself, with its progress
    assert stored_counts(app)["launch_session"] == 1
    assert _progress_and_scores(app) == (1, 1), "the first section's progress and its 'started' score"


def test_a_page_that_refuses_leaves_no_launch_and_the_state_stays_used(app, live_tool, platform):
    """A learner opening the instructors' activity picker: refused by the page, nothing is written, and the
    same launch cannot be replayed later."""
    session = requests.Session()
    state, nonce = platform.login(session, live_tool)
    form = {"id_token": platform.sign(platform.claims(nonce, live_tool, **DEEP_LINKING, **{LTI + "roles": [LEARNER]})),
            "state": state}
    refused = session.post(live_tool + "/lti/launch", data=form, allow_redirects=False)
    assert refused.status_code == 403
    assert "history.replaceState" not in refused.text  # the refused page's address does not exist
    assert "Content-Location" not in refused.headers
    assert stored_counts(app)["launch_session"] == 0
    again = session.post(live_tool + "/lti/launch", data=form, headers=JSON, allow_redirects=False)
    assert again.status_code == 400 and again.json()["error"] == "state_unknown"


def test_instructor_deep_linking_launch_answers_with_the_picker(app, live_tool, platform):
    resp = platform.launch(requests.Session(), live_tool, **DEEP_LINKING, **{LTI + "roles": [INSTRUCTOR]})
    assert landed_at(resp).endswith("/deep-link")
    assert 'action="' + landed_at(resp) + '"' in resp.text  # the search form stays on the picker's address


def test_a_returning_person_costs_at_most_five_statements(app, live_tool, platform):
    """Mark the state used, find person/course/link, record the launch session, end the person's sessions on
    this link bound to another browser (lti_tool.lti.binding), read the module's progress; re-reading a section
    already recorded writes nothing. On PostgreSQL the first two are one statement."""
    from lti_tool.extensions import db

    platform.launch(requests.Session(), live_tool)  # the first launch creates person, course, link, progress
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(" ".join(statement.split()[:4]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        resp = platform.launch(requests.Session(), live_tool)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    landed_at(resp)
    # Login reads nothing (registrations are cached); the launch with its first page:
    if engine.dialect.name == "postgresql":
        assert statements[0].startswith("WITH claimed AS (INSERT"), statements
        assert [s.split()[0] for s in statements[1:]] == ["INSERT", "UPDATE", "SELECT"], statements
    else:
        assert [s.split()[0] for s in statements] == ["INSERT", "SELECT", "INSERT", "UPDATE", "SELECT"], statements


def test_a_new_person_launching_twice_at_once_gets_one_person_and_one_progress_row(app, live_tool, platform):
    """A double click on a first launch: both tabs open the page; one person, one progress row."""
    import threading

    from lti_tool.extensions import db
    from lti_tool.models import User

    results: list[int] = []
    barrier = threading.Barrier(4)

    def go() -> None:
        session = requests.Session()
        state, nonce = platform.login(session, live_tool)
        form = {"id_token": platform.sign(platform.claims(nonce, live_tool, sub="double-click")), "state": state}
        barrier.wait()
        results.append(session.post(live_tool + "/lti/launch", data=form, allow_redirects=False).status_code)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 4
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert _progress_and_scores(app)[0] == 1
