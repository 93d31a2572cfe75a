"""Scenario breakouts: shared group note with versioning (stale save -> 409, nothing overwritten), the
"as individual" mode, facilitator view with timer, and completion."""

from __future__ import annotations

from tests.activities.conftest import csrf_of

SCENARIO = "the-quiet-video-call"
JSON = {"Accept": "application/json"}


def test_individual_mode_without_groups(app, client, make_launch, outbox):
    launch = make_launch(activity=SCENARIO)
    page = client.get(launch.url(f"scenario/{SCENARIO}/"))
    assert page.status_code == 200
    assert "There is no right answer." in page.text
    assert "Taking part as an individual" in page.text
    assert 'name="version"' not in page.text
    token = csrf_of(page.text)
    resp = client.post(launch.url(f"scenario/{SCENARIO}/note"), data={"text": "x", "version": "0", "csrf_token": token})
    assert resp.status_code == 400
    resp = client.post(launch.url(f"scenario/{SCENARIO}/reflection"),
                       data={"text": "Silence is not disinterest.", "csrf_token": token}, headers=JSON)
    assert resp.status_code == 200
    assert outbox(launch.user_id)[-1] == (SCENARIO, "Completed", "FullyGraded", 100.0)


def test_group_note_conflict_is_409_and_overwrites_nothing(app, client, make_launch, form_groups, outbox):
    anna = make_launch(activity=SCENARIO, sub="anna", name="Anna")
    bohdana = make_launch(activity=SCENARIO, sub="bohdana", name="Bohdana")
    groups = form_groups(anna.context_pk, [("anna", "Anna"), ("bohdana", "Bohdana")])
    assert groups["anna"] == groups["bohdana"]

    page_a = client.get(anna.url(f"scenario/{SCENARIO}/"))
    page_b = client.get(bohdana.url(f"scenario/{SCENARIO}/"))
    assert "Your group’s shared note" in page_a.text and 'name="version" value="0"' in page_a.text
    assert "Bohdana" in page_a.text  # the member list
    ok = client.post(anna.url(f"scenario/{SCENARIO}/note"),
                     data={"text": "Anna: we think the mentor misread the silence.", "version": "0",
                           "csrf_token": csrf_of(page_a.text)})
    assert ok.status_code == 303
    # Bohdana still holds version 0 and saves: refused, both texts shown, Anna's words intact.
    stale = client.post(bohdana.url(f"scenario/{SCENARIO}/note"),
                        data={"text": "Bohdana: <script>x</script> ask about channels.", "version": "0",
                              "csrf_token": csrf_of(page_b.text)})
    assert stale.status_code == 409
    assert "Anna: we think the mentor misread the silence." in stale.text
    assert "Bohdana: &lt;script&gt;x&lt;/script&gt; ask about channels." in stale.text
    assert 'name="version" value="1"' in stale.text
    current = client.get(anna.url(f"scenario/{SCENARIO}/note.json")).get_json()
    assert current == {"version": 1, "text": "Anna: we think the mentor misread the silence."}
    # JSON clients get the same refusal as data.
    again = client.post(bohdana.url(f"scenario/{SCENARIO}/note"), headers=JSON,
                        data={"text": "B", "version": "0", "csrf_token": csrf_of(page_b.text)})
    assert again.status_code == 409 and again.get_json()["current_version"] == 1
    # Merged on top of version 1: accepted.
    merged = client.post(bohdana.url(f"scenario/{SCENARIO}/note"),
                         data={"text": current["text"] + "\nBohdana: ask about channels.", "version": "1",
                               "csrf_token": csrf_of(page_b.text)})
    assert merged.status_code == 303
    assert client.get(anna.url(f"scenario/{SCENARIO}/note.json")).get_json()["version"] == 2
    # Joining + contributing completes the breakout for both.
    assert outbox(anna.user_id)[-1][1] == "Completed"
    assert outbox(bohdana.user_id)[-1][1] == "Completed"


def test_other_groups_notes_are_not_visible_to_learners(app, client, make_launch, form_groups):
    people = [(f"p{i}", f"Person {i}") for i in range(10)]
    launches = {sub: make_launch(activity=SCENARIO, sub=sub) for sub, _ in people}
    groups = form_groups(launches["p0"].context_pk, people)
    mine, other = "p0", next(s for s in groups if groups[s] != groups["p0"])
    page = client.get(launches[other].url(f"scenario/{SCENARIO}/"))
    client.post(launches[other].url(f"scenario/{SCENARIO}/note"),
                data={"text": "SECRET-OF-OTHER-GROUP", "version": "0", "csrf_token": csrf_of(page.text)})
    assert "SECRET-OF-OTHER-GROUP" not in client.get(launches[mine].url(f"scenario/{SCENARIO}/")).text
    assert client.get(launches[mine].url(f"scenario/{SCENARIO}/facilitator")).status_code == 403


def test_facilitator_sees_all_groups_and_runs_timer(app, client, make_launch, form_groups):
    people = [(f"p{i}", f"Person {i}") for i in range(8)]
    launches = {sub: make_launch(activity=SCENARIO, sub=sub) for sub, _ in people}
    groups = form_groups(launches["p0"].context_pk, people)
    written = set()
    for sub in people:
        lt = launches[sub[0]]
        if groups[sub[0]] in written:
            continue
        page = client.get(lt.url(f"scenario/{SCENARIO}/"))
        client.post(lt.url(f"scenario/{SCENARIO}/note"),
                    data={"text": f"note of group {groups[sub[0]]}", "version": "0", "csrf_token": csrf_of(page.text)})
        written.add(groups[sub[0]])
    teacher = make_launch(role="instructor", activity=SCENARIO, sub="teacher")
    home = client.get(teacher.url(""))
    assert home.headers["Location"].endswith(f"/scenario/{SCENARIO}/facilitator")
    page = client.get(teacher.url(f"scenario/{SCENARIO}/facilitator"))
    assert page.status_code == 200
    for gid in written:
        assert f"note of group {gid}" in page.text
    assert "The timer is not running." in page.text
    resp = client.post(teacher.url(f"scenario/{SCENARIO}/timer"),
                       data={"minutes": "25", "action": "start", "csrf_token": csrf_of(page.text)})
    assert resp.status_code == 303
    page = client.get(teacher.url(f"scenario/{SCENARIO}/facilitator"))
    assert "data-timer-ends" in page.text
    learner_page = client.get(launches["p0"].url(f"scenario/{SCENARIO}/"))
    assert "data-timer-ends" in learner_page.text  # learners see the same clock
    bad = client.post(teacher.url(f"scenario/{SCENARIO}/timer"),
                      data={"minutes": "abc", "action": "start", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 400


def test_learner_cannot_start_timer(app, client, make_launch):
    learner = make_launch(activity=SCENARIO)
    page = client.get(learner.url(f"scenario/{SCENARIO}/"))
    resp = client.post(learner.url(f"scenario/{SCENARIO}/timer"),
                       data={"minutes": "5", "csrf_token": csrf_of(page.text)})
    assert resp.status_code == 403


def test_facilitator_view_shows_the_planned_minutes_and_the_timer_starts_from_them(app, client, make_launch):
    from course_content import load

    sid = "the-peer-circle"
    planned = load().scenario(sid).minutes
    teacher = make_launch(activity=sid, role="instructor", sub="fac-1", locale="de")
    page = client.get(teacher.url(f"scenario/{sid}/facilitator"))
    assert page.status_code == 200
    assert f"Kleingruppe {planned.breakout} Min." in page.text and f"Lesen {planned.reading} Min." in page.text
    assert f'id="timer-minutes" name="minutes" min="1" max="180" value="{planned.breakout}"' in page.text
