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
    location = resp.headers["Location"]
    lt = location.split("/")[2]
    assert location.rstrip("/") not in (f"/s/{lt}", f"/s/{lt}/programme"), "landed on the overview"
    page = http.get(live_tool + location, allow_redirects=False)
    # One redirect from the launch to the activity's own page: no hops through the launch home.
    assert page.status_code == 200, (activity, location, page.text[:300])
    assert 'lang="uk"' in page.text
