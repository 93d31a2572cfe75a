"""Classic XSS payloads written as learner text come back escaped everywhere they are shown, and Unicode
(Ukrainian, emoji, right-to-left marks) round-trips exactly."""

from __future__ import annotations

import html
import json
import re

import pytest
import requests
from markupsafe import escape

from tests.support.platform import INSTRUCTOR, LTI

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">click</a>",
    "{{7*7}} {% raw %}",
    "</textarea><script>alert(2)</script>",
]
UNICODE = "Я пишу українською 💛💙 ‏(RTL mark) עברית مرحبا — «лапки»"


def _launch(platform, live_tool, sub, role=None, activity="reflection-journal"):
    http = requests.Session()
    claims = {LTI + "custom": {"activity": activity}, "sub": sub}
    if role:
        claims[LTI + "roles"] = [role]
    resp = platform.launch(http, live_tool, **claims)
    assert resp.status_code == 303
    return http, resp.headers["Location"].split("/")[2]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_shared_journal_entry_is_escaped_for_learner_and_instructor(app, live_tool, platform, payload):
    learner, lt = _launch(platform, live_tool, "writer")
    page = learner.get(f"{live_tool}/s/{lt}/journal/").text
    text = f"{payload} {UNICODE}"
    saved = learner.post(f"{live_tool}/s/{lt}/journal/", data={"text": text, "shared": "1", "csrf_token": _csrf(page)})
    assert saved.status_code in (200, 303)
    own = learner.get(f"{live_tool}/s/{lt}/journal/").text
    assert payload not in own or "<" not in payload, "raw payload echoed into HTML"
    assert str(escape(payload)) in own  # shown, as text
    exported = learner.get(f"{live_tool}/s/{lt}/journal/export.json").text
    texts = [entry.get("text") for entry in json.loads(exported)["entries"]]
    assert text in texts, "text (Unicode included) must round-trip exactly"

    teacher, tlt = _launch(platform, live_tool, "teacher", INSTRUCTOR)
    shared = teacher.get(f"{live_tool}/s/{tlt}/journal/shared").text
    if "<" in payload:
        assert payload not in shared
    assert UNICODE in html.unescape(shared)
