"""Action plan completion and progress; TtT unit steps; session planner totals and advice."""

from __future__ import annotations

from lti_tool.domain.planner import check_plan
from tests.activities.conftest import csrf_of

PLAN = "action-plan-30-60-90"


def test_action_plan_completes_when_every_horizon_has_a_goal(app, client, make_launch, outbox):
    learner = make_launch(activity=PLAN)
    page = client.get(learner.url("plan/"))
    token = csrf_of(page.text)
    resp = client.post(learner.url("plan/"), data={"csrf_token": token, "goal-30": "Update my CV",
                                                   "new-step-30": "List my projects", "review-30": "2026-12-20"})
    assert resp.status_code == 303
    assert outbox(learner.user_id)[-1][1:3] == ("InProgress", "Pending")
    page = client.get(learner.url("plan/"))
    assert "0 of 1 steps done" in page.text and "List my projects" in page.text
    step_id = page.text.split('name="step-')[1].split("-")[0]
    client.post(learner.url("plan/"), data={"csrf_token": token, f"step-{step_id}-done": "1",
                                            f"step-{step_id}-text": "List my projects", "goal-30": "Update my CV",
                                            "goal-60": "Two informational interviews", "goal-90": "Apply for 3 roles"})
    page = client.get(learner.url("plan/"))
    assert "1 of 1 steps done" in page.text
    assert outbox(learner.user_id)[-1] == (PLAN, "Completed", "FullyGraded", 100.0)
    printable = client.get(learner.url("plan/print"))
    assert "Apply for 3 roles" in printable.text and "2026-12-20" in printable.text
    bad = client.post(learner.url("plan/"), data={"csrf_token": token, "review-30": "soon"})
    assert bad.status_code == 400


def test_ttt_unit_steps_complete(app, client, make_launch, outbox):
    from course_content import load

    unit = load().ttt_unit("preparing-a-programme", "en")
    trainer = make_launch(activity=unit.id, role="instructor")
    page = client.get(trainer.url(f"ttt/{unit.id}/"))
    assert page.status_code == 200
    data = {"csrf_token": csrf_of(page.text)} | {f"done-{s.id}": "1" for s in unit.steps[:-1]}
    client.post(trainer.url(f"ttt/{unit.id}/"), data=data)
    assert outbox(trainer.user_id)[-1][1] == "InProgress"
    data[f"done-{unit.steps[-1].id}"] = "1"
    client.post(trainer.url(f"ttt/{unit.id}/"), data=data)
    assert outbox(trainer.user_id)[-1] == (unit.id, "Completed", "FullyGraded", 100.0)


def test_planner_totals_checked_against_format(app, client, make_launch, outbox):
    trainer = make_launch(activity="workshop-agenda", role="instructor")
    page = client.get(trainer.url("planner/"))
    assert page.status_code == 200
    assert "Check: online session" in page.text and "fits the 90–120 minutes advised" in page.text
    assert "110 min" in page.text  # the online defaults: 10+10+10+10+30+20+15, plus the 5-minute break
    assert 'class="break-row"' in page.text
    token = csrf_of(page.text)
    resp = client.post(trainer.url("planner/"), data={
        "csrf_token": token, "format": "online", "prev_format": "online", "participants": "20",
        "breakout_size": "5", "minutes-scenario-breakouts": "90", "action": "save"})
    assert resp.status_code == 303
    page = client.get(trainer.url("planner/"))
    assert "170 min" in page.text and "50 minutes over" in page.text
    assert outbox(trainer.user_id)[-1][1] != "Completed"
    client.post(trainer.url("planner/"), data={
        "csrf_token": token, "format": "online", "prev_format": "online", "participants": "30",
        "breakout_size": "3", "minutes-scenario-breakouts": "30"})
    page = client.get(trainer.url("planner/"))
    assert "110 min" in page.text and "more than the 25 advised" in page.text
    assert "Breakout groups of 3" in page.text
    assert outbox(trainer.user_id)[-1] == ("workshop-agenda", "Completed", "FullyGraded", 100.0)
    # Switching to in person starts from the half-day defaults.
    client.post(trainer.url("planner/"), data={"csrf_token": token, "format": "in_person", "prev_format": "online"})
    page = client.get(trainer.url("planner/"))
    assert "230 min" in page.text  # half-day defaults 210 plus the 20-minute coffee break
    printed = client.get(trainer.url("planner/print"))
    assert printed.status_code == 200
    # The timetable lists the break between the breakouts and the joint reflection, and the times run on.
    assert "Break" in printed.text and printed.text.index("Break") > printed.text.index("Scenario")
    run = client.get(trainer.url("planner/run?step=4"))
    assert run.status_code == 200 and "Step 5 of 7" in run.text and "data-run-session" in run.text
    bad = client.post(trainer.url("planner/"), data={"csrf_token": token, "format": "online",
                                                     "minutes-context": "-5"})
    assert bad.status_code == 400


def test_check_plan_rules():
    mins = {"a": 60, "b": 30}
    check = check_plan(mins, "online", 20, 5)
    assert check.within_bounds and check.total == 90 and check.groups == 4
    assert {a.code for a in check.advice} == {"time_ok", "groups"}
    assert not check_plan({"a": 250}, "online", 20, 5).within_bounds
    assert check_plan({"a": 180}, "in_person", 20, 5).within_bounds
    assert "too_short" in {a.code for a in check_plan({"a": 100}, "in_person", 20, 5).advice}
    assert "few_participants" in {a.code for a in check_plan(mins, "online", 8, 4).advice}
    assert "breakout_size" in {a.code for a in check_plan(mins, "online", 20, 7).advice}


def test_country_pages_are_listed_dated_and_say_when_unverified(app, client, make_launch):
    from course_content import load

    trainer = make_launch(activity="referral-and-boundaries", role="instructor", locale="uk", sub="trainer-uk")
    unit = client.get(trainer.url("ttt/referral-and-boundaries/"))
    assert unit.status_code == 200 and "Сторінки країн" in unit.text
    listing = client.get(trainer.url("countries/"))
    assert listing.status_code == 200
    pages = load().country_pages("uk")
    assert {p.country for p in pages} == {"DE", "NL", "IE", "UA"}
    for p in pages:
        assert p.title in listing.text
    page = client.get(trainer.url("countries/country-ua"))
    assert page.status_code == 200
    ua = load().country_page("country-ua", "uk")
    assert "Гарячі лінії" in page.text and f"Востаннє перевірено: {ua.checked.isoformat()}" in page.text
    assert ("ще не звірено" in page.text) is (not ua.verified)
    assert 'aria-current="page"' in page.text
    assert client.get(trainer.url("countries/no-such-country")).status_code == 404
    assert client.get(trainer.url("countries/the-peer-circle")).status_code == 404  # a scenario, not a country page


def test_templates_download_as_word_documents_in_the_launch_language(app, client, make_launch):
    import io

    import docx

    from course_content import load

    unit = load().ttt_unit("templates-and-scripts", "de")
    trainer = make_launch(activity=unit.id, sub="trainer-docx", locale="de")
    page = client.get(trainer.url(f"ttt/{unit.id}/"))
    assert "zum Anpassen herunterladen (Word, .docx)" in page.text
    agreement = next(s for s in unit.steps if s.id == "mentoring-agreement")
    resp = client.get(trainer.url(f"ttt/{unit.id}/download/{agreement.id}.docx"))
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="mentoring-agreement-de.docx"'
    document = docx.Document(io.BytesIO(resp.data))
    assert document.core_properties.language == "de-DE"
    assert document.paragraphs[0].style.name == "Heading 1" and document.paragraphs[0].text == agreement.title
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == agreement.body.count("\n- ") + agreement.body.startswith("- ")
    assert any(r.bold for r in bullets[0].runs)  # the bold lead of each point stays bold, ready to fill in
    whole = docx.Document(io.BytesIO(client.get(trainer.url(f"ttt/{unit.id}/download.docx")).data))
    assert [p.text for p in whole.paragraphs if p.style.name == "Heading 1"] == [s.title for s in unit.steps]
    # Only template units download; an unknown template is a 404, not an empty document.
    assert client.get(trainer.url(f"ttt/{unit.id}/download/no-such-template.docx")).status_code == 404
    assert client.get(trainer.url("ttt/preparing-a-programme/download.docx")).status_code == 404
    prep = load().ttt_unit("preparing-a-programme", "en")
    assert client.get(trainer.url(f"ttt/{prep.id}/download/{prep.steps[0].id}.docx")).status_code == 404
