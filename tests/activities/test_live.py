"""Over real HTTP with a signed LTI launch: complete a module -> a Completed/FullyGraded outbox row."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from tests.support.platform import LTI, landed_at


def test_module_completion_through_a_real_launch(app, live_tool, platform):
    http = requests.Session()
    ags = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
           "lineitem": "https://platform.example.edu/lineitems/1"}
    resp = platform.launch(http, live_tool, **{LTI.replace("/lti/claim/", "/lti-ags/claim/") + "endpoint": ags})
    page = http.get(live_tool + landed_at(resp))
    assert page.status_code == 200 and 'data-role="learner"' in page.text
    assert '<html lang="uk">' in page.text  # the launch locale
    lt = re.search(r"/s/([^/]+)/", page.url).group(1)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)
    from course_content import load

    for section in load().module("safe-start", "en").sections:
        assert http.get(f"{live_tool}/s/{lt}/module/safe-start/section/{section.id}").status_code == 200
    saved = http.post(f"{live_tool}/s/{lt}/module/safe-start/reflect/a-small-next-step",
                      data={"text": "Ask about the language course", "csrf_token": token},
                      headers={"Accept": "application/json"})
    assert saved.status_code == 200
    done = http.post(f"{live_tool}/s/{lt}/module/safe-start/reflect", data={"action": "done", "csrf_token": token})
    assert done.status_code == 200 and "/module/safe-start/done" in done.url
    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreOutbox

    with app.app_context():
        last = db.session.scalars(select(ScoreOutbox).order_by(ScoreOutbox.id.desc())).first()
        assert last is not None
        assert (last.activity_id, last.activity_progress, last.grading_progress, last.score_given) == (
            "safe-start", "Completed", "FullyGraded", 100.0)
