"""Every deep-linkable activity opens for a learner and for an instructor straight from a launch."""

from __future__ import annotations

import pytest
import requests

from course_content import load
from tests.support.platform import INSTRUCTOR, LEARNER, LTI, landed_at

ACTIVITIES = [(a.id, a.kind) for a in load().activities("en")]


@pytest.mark.parametrize(("activity", "kind"), ACTIVITIES)
@pytest.mark.parametrize("role", [LEARNER, INSTRUCTOR])
def test_launch_opens_the_activity(app, live_tool, platform, activity, kind, role):
    http = requests.Session()
    resp = platform.launch(http, live_tool, **{LTI + "custom": {"activity": activity}, LTI + "roles": [role]})
    location = landed_at(resp)
    lt = location.split("/")[2]
    assert location.rstrip("/") not in (f"/s/{lt}", f"/s/{lt}/programme"), "landed on the overview"
    # The launch's answer is the activity's own page (no hop through the launch home or a redirect) ...
    assert 'lang="uk"' in resp.text
    # ... the same page its address serves afterwards.
    page = http.get(live_tool + location, allow_redirects=False)
    assert page.status_code == 200, (activity, location, page.text[:300])
    assert _title(page.text) == _title(resp.text)


def _title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0]
