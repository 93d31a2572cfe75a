"""Every deep-linkable activity opens for a learner and for an instructor straight from a launch."""

from __future__ import annotations

import pytest
import requests

from course_content import load
from tests.support.platform import INSTRUCTOR, LEARNER, LTI

ACTIVITIES = [(a.id, a.kind) for a in load().activities("en")]


@pytest.mark.parametrize(("activity", "kind"), ACTIVITIES)
@pytest.mark.parametrize("role", [LEARNER, INSTRUCTOR])
def test_launch_opens_the_activity(app, live_tool, platform, activity, kind, role):
    http = requests.Session()
    resp = platform.launch(http, live_tool, **{LTI + "custom": {"activity": activity}, LTI + "roles": [role]})
    assert resp.status_code == 303
    page = http.get(live_tool + resp.headers["Location"])
    assert page.status_code == 200, (activity, page.text[:300])
    assert page.url.rstrip("/") != (live_tool + resp.headers["Location"]).rstrip("/"), "landed on the overview"
    assert 'lang="uk"' in page.text
