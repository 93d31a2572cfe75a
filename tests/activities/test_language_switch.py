"""The language switch (POST /s/<lt>/language) accepts only the four UI languages and only a way back into the
launch's own pages: an unknown language is refused with 400 naming the field in the reader's language and
nothing is remembered; a `next` leading anywhere else lands on the programme overview instead."""

from __future__ import annotations

import pytest

from lti_tool.extensions import db
from lti_tool.models import User
from tests.activities.conftest import csrf_of

JSON = {"Accept": "application/json"}


def preferred(app, user_id: int) -> str | None:
    with app.app_context():
        return db.session.get(User, user_id).preferred_language


def switch(client, launch, data, **kw):
    token = csrf_of(client.get(launch.url("programme")).text)
    return client.post(launch.url("language"), data={"csrf_token": token, **data}, **kw)


@pytest.mark.parametrize("lang", [None, "", "fr", "EN", "nl-NL", " nl", "nl\n", "uk;de", "../de", "x" * 5000])
def test_unknown_language_is_refused_and_nothing_remembered(app, client, make_launch, lang):
    launch = make_launch(locale="en")
    data = {"next": launch.url("journal/")}
    if lang is not None:
        data["lang"] = lang
    resp = switch(client, launch, data, headers=JSON)
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["error"] == "bad_language"
    assert "“Language”" in body["message"] and "nothing has been saved" in body["message"].lower()
    assert preferred(app, launch.user_id) is None
    assert '<html lang="en">' in client.get(launch.url("programme")).text


def test_refusal_as_a_page_in_the_readers_language(app, client, make_launch):
    launch = make_launch(locale="nl", sub="learner-nl")
    resp = switch(client, launch, {"lang": "klingon"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "„Taal”" in page and "Er is niets opgeslagen" in page
    assert preferred(app, launch.user_id) is None


def test_a_json_body_is_checked_the_same_way(app, client, make_launch):
    launch = make_launch()
    token = csrf_of(client.get(launch.url("programme")).text)
    resp = client.post(launch.url("language"), json={"lang": 5}, headers={**JSON, "X-CSRF-Token": token})
    assert resp.status_code == 400 and "“Language”" in resp.get_json()["message"]
    assert preferred(app, launch.user_id) is None
    resp = client.post(launch.url("language"), json={"lang": "uk"}, headers={"X-CSRF-Token": token})
    assert resp.status_code == 303 and preferred(app, launch.user_id) == "uk"


@pytest.mark.parametrize("target", [
    "https://evil.test/",
    "//evil.test/",
    "/s/{lt}//evil.test",
    "/s/{lt}/\\evil.test",
    "/s/{other}/programme",
    "/s/{lt}",  # not under the launch's own prefix
    "/elsewhere",
    "javascript:alert(1)",
    "/s/{lt}/programme\r\nSet-Cookie: stolen=1",
    "/s/{lt}/programme\x00",
])
def test_next_outside_the_launch_goes_to_the_overview(app, client, make_launch, target):
    launch = make_launch()
    other = make_launch(sub="someone-else")
    target = target.format(lt=launch.token, other=other.token)
    resp = switch(client, launch, {"lang": "de", "next": target})
    assert resp.status_code == 303
    assert resp.headers["Location"] == launch.url("programme")
    assert "Set-Cookie" not in resp.headers or "stolen" not in resp.headers["Set-Cookie"]
    assert preferred(app, launch.user_id) == "de"  # the choice itself still counts


@pytest.mark.parametrize("path", ["journal/", "module/safe-start/reflect", "groups?done=moved&n=3"])
def test_next_within_the_launch_is_kept(app, client, make_launch, path):
    launch = make_launch()
    resp = switch(client, launch, {"lang": "uk", "next": launch.url(path)})
    assert resp.status_code == 303 and resp.headers["Location"] == launch.url(path)
    assert preferred(app, launch.user_id) == "uk"
    assert '<html lang="uk">' in client.get(launch.url("programme")).text


def test_no_next_goes_to_the_overview(app, client, make_launch):
    launch = make_launch()
    resp = switch(client, launch, {"lang": "nl"})
    assert resp.status_code == 303 and resp.headers["Location"] == launch.url("programme")
