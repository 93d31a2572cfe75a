"""Module player: one section at a time, resume, autosave, mark as done -> Completed/FullyGraded in the outbox."""

from __future__ import annotations

from sqlalchemy import select

from tests.activities.conftest import csrf_of

JSON = {"Accept": "application/json"}


def sections(app, module_id: str = "safe-start") -> list[str]:
    from course_content import load

    return [s.id for s in load().module(module_id, "en").sections]


def test_launch_lands_on_first_section_and_resumes(app, client, make_launch):
    launch = make_launch()
    resp = client.get(launch.url(""))
    assert resp.status_code == 303
    first = client.get(resp.headers["Location"], follow_redirects=True)
    assert first.status_code == 200
    ids = sections(app)
    assert f"section/{ids[0]}" in first.request.path
    assert 'data-role="learner"' in first.text
    assert "Part 1 of" in first.text
    client.get(launch.url(f"module/safe-start/section/{ids[2]}"))
    resumed = client.get(launch.url("module/safe-start/"))
    assert resumed.status_code == 303
    assert resumed.headers["Location"].endswith(f"section/{ids[2]}")


def test_complete_module_writes_completed_fully_graded(app, client, make_launch, outbox):
    launch = make_launch()
    for sid in sections(app):
        assert client.get(launch.url(f"module/safe-start/section/{sid}")).status_code == 200
    page = client.get(launch.url("module/safe-start/reflect"))
    token = csrf_of(page.text)
    assert outbox()[-1][1:3] == ("InProgress", "Pending")
    resp = client.post(launch.url("module/safe-start/reflect/what-helped-you-land"),
                       data={"text": "A quiet walk helped.", "csrf_token": token}, headers=JSON)
    assert resp.status_code == 200 and resp.get_json()["saved"] is True
    resp = client.post(launch.url("module/safe-start/reflect"), data={"action": "done", "csrf_token": token})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/module/safe-start/done")
    rows = outbox(launch.user_id)
    assert rows[-1] == ("safe-start", "Completed", "FullyGraded", 100.0)
    # Same outcome again -> no new row (the outbox stays small).
    count = len(rows)
    client.post(launch.url("module/safe-start/reflect"), data={"action": "done", "csrf_token": token})
    client.get(launch.url(f"module/safe-start/section/{sections(app)[0]}"))
    assert len(outbox(launch.user_id)) == count
    done = client.get(launch.url("module/safe-start/done"))
    assert "Well done" in done.text


def test_mark_done_needs_a_reflection_and_keeps_typed_text(app, client, make_launch, outbox):
    launch = make_launch()
    page = client.get(launch.url("module/safe-start/reflect"))
    resp = client.post(launch.url("module/safe-start/reflect"),
                       data={"action": "done", "csrf_token": csrf_of(page.text), "prompt-what-helped-you-land": "  "})
    assert resp.status_code == 400
    assert "at least one reflection" in resp.text
    assert all(r[1] != "Completed" for r in outbox())


def test_autosave_persists_and_reloads(app, client, make_launch):
    launch = make_launch()
    page = client.get(launch.url("module/safe-start/reflect"))
    assert 'aria-live="polite"' in page.text and "data-autosave-url" in page.text
    token = csrf_of(page.text)
    client.post(launch.url("module/safe-start/reflect/a-small-next-step"),
                data={"text": "Call Iryna <b>tomorrow</b>", "csrf_token": token}, headers=JSON)
    again = client.get(launch.url("module/safe-start/reflect"))
    assert "Call Iryna &lt;b&gt;tomorrow&lt;/b&gt;" in again.text  # stored as text, escaped on output
    # Without script: the plain form post saves and comes back.
    resp = client.post(launch.url("module/safe-start/reflect"),
                       data={"action": "save", "csrf_token": token, "prompt-a-small-next-step": "Changed"})
    assert resp.status_code == 303
    assert "Changed" in client.get(launch.url("module/safe-start/reflect")).text


def test_autosave_on_expired_launch_says_text_is_kept(app, client, make_launch):
    live = make_launch()
    token = csrf_of(client.get(live.url("module/safe-start/reflect")).text)
    expired = make_launch(expired=True)
    from lti_tool.activities.common import csrf_token

    with app.test_request_context():
        expired_token = csrf_token(expired.token)
    resp = client.post(expired.url("module/safe-start/reflect/a-small-next-step"),
                       data={"text": "words", "csrf_token": expired_token}, headers=JSON)
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "launch_expired"
    # The page carries the messages the script shows, including the kept-text notice.
    page = client.get(live.url("module/safe-start/reflect"))
    assert "Your text is kept on this device" in page.text
    assert token


def test_text_too_long_is_413_with_message(app, client, make_launch):
    launch = make_launch()
    token = csrf_of(client.get(launch.url("module/safe-start/reflect")).text)
    resp = client.post(launch.url("module/safe-start/reflect/a-small-next-step"),
                       data={"text": "x" * 20_001, "csrf_token": token}, headers=JSON)
    assert resp.status_code == 413
    assert "limit" in resp.get_json()["message"]


def test_missing_or_wrong_csrf_is_refused(app, client, make_launch):
    launch = make_launch()
    resp = client.post(launch.url("module/safe-start/reflect/a-small-next-step"), data={"text": "x"}, headers=JSON)
    assert resp.status_code == 400 and resp.get_json()["error"] == "csrf_failed"
    other = make_launch(sub="someone-else")
    other_token = csrf_of(client.get(other.url("module/safe-start/reflect")).text)
    resp = client.post(launch.url("module/safe-start/reflect/a-small-next-step"),
                       data={"text": "x", "csrf_token": other_token}, headers=JSON)
    assert resp.status_code == 400


def test_language_switch_is_remembered(app, client, make_launch):
    launch = make_launch(locale="en")
    page = client.get(launch.url(f"module/safe-start/section/{sections(app)[0]}"))
    assert '<html lang="en">' in page.text
    resp = client.post(launch.url("language"), data={"lang": "nl", "csrf_token": csrf_of(page.text),
                                                      "next": launch.url("module/safe-start/")})
    assert resp.status_code == 303 and resp.headers["Location"] == launch.url("module/safe-start/")
    page = client.get(launch.url(f"module/safe-start/section/{sections(app)[0]}"))
    assert '<html lang="nl">' in page.text
    from course_content import load

    assert load().module("safe-start", "nl").sections[0].title in page.text
    # A later launch of the same person opens in their chosen language.
    later = make_launch(locale="uk")
    assert '<html lang="nl">' in client.get(later.url("programme")).text


def test_open_redirect_refused(app, client, make_launch):
    launch = make_launch()
    token = csrf_of(client.get(launch.url("programme")).text)
    resp = client.post(launch.url("language"), data={"lang": "de", "csrf_token": token, "next": "https://evil.test/"})
    assert resp.headers["Location"] == launch.url("programme")


def test_support_text_on_module_pages_and_overridable(app, client, make_launch):
    launch = make_launch()
    page = client.get(launch.url("module/safe-start/reflect"))
    assert "If you need more support" in page.text and "112" in page.text
    app.config["SUPPORT_TEXT_EN"] = "Call **Campus Care** on 0800-123."
    try:
        page = client.get(launch.url("module/safe-start/reflect"))
        assert "<strong>Campus Care</strong>" in page.text
    finally:
        app.config.pop("SUPPORT_TEXT_EN")


def test_unknown_module_is_404(app, client, make_launch):
    launch = make_launch()
    assert client.get(launch.url("module/nope/")).status_code == 404
    assert client.get(launch.url("module/the-quiet-video-call/")).status_code == 404  # a scenario, not a module


def test_first_visit_racing_a_second_tab_keeps_both_visits(app, client, make_launch, outbox, monkeypatch):
    """Two tabs open different sections at the same moment: both find no progress row, the other tab's INSERT
    wins. This tab's visit must still be recorded on that row (no lost progress, no error page)."""
    from lti_tool.activities import modules
    from lti_tool.activities.models import ActivityState
    from lti_tool.extensions import db

    launch = make_launch()
    ids = sections(app)
    assert client.get(launch.url(f"module/safe-start/section/{ids[0]}")).status_code == 200  # the other tab
    real_get_state = modules.get_state
    calls = []

    def missed_it(*args, **kwargs):  # this tab read before the other tab's row was committed
        calls.append(args)
        return None if len(calls) == 1 else real_get_state(*args, **kwargs)

    monkeypatch.setattr(modules, "get_state", missed_it)
    page = client.get(launch.url(f"module/safe-start/section/{ids[1]}"))
    assert page.status_code == 200 and "Part 2 of" in page.text
    with app.app_context():
        rows = db.session.scalars(select(ActivityState).where(ActivityState.user_id == launch.user_id)).all()
        assert len(rows) == 1
        assert rows[0].state["visited"] == [ids[0], ids[1]] and rows[0].state["current"] == ids[1]
    assert [r[1] for r in outbox(launch.user_id)] == ["InProgress"]  # the same outcome is not queued twice


def test_done_page_offers_the_meeting_exercises_with_worksheets_in_the_learner_language(app, client, make_launch):
    from course_content import load

    module_id = "networks-and-systems"
    for locale, heading in (("en", "Exercises for your next meeting"), ("uk", "Вправи для вашої наступної зустрічі")):
        launch = make_launch(locale=locale, sub=f"learner-{locale}", activity=module_id)
        for sid in sections(app, module_id):
            client.get(launch.url(f"module/{module_id}/section/{sid}"))
        page = client.get(launch.url(f"module/{module_id}/reflect"))
        token = csrf_of(page.text)
        prompt = load().module(module_id).reflection_prompts[0].id
        client.post(launch.url(f"module/{module_id}/reflect/{prompt}"), data={"text": "Notes.", "csrf_token": token},
                    headers=JSON)
        client.post(launch.url(f"module/{module_id}/reflect"), data={"action": "done", "csrf_token": token})
        page = client.get(launch.url(f"module/{module_id}/done"))
        assert page.status_code == 200
        assert heading in page.text
        for exercise in load().module(module_id, locale).exercises:
            assert exercise.title in page.text
            assert f'id="exercise-{exercise.id}"' in page.text
