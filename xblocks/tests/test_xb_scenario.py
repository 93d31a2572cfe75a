"""natalli_scenario: individual mode without teams, and the versioned shared team note with conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from course_content import load

SCENARIO = "the-quiet-video-call"


@dataclass
class FakeTeam:
    team_id: str
    name: str


class FakeTeams:
    """The LMS teams service's `get_team(user, course_id, topic_id)`; the workbench user is its id string."""

    def __init__(self, membership: dict[str, FakeTeam], teamset: str = "breakouts") -> None:
        self.membership, self.teamset, self.calls = membership, teamset, 0

    def get_team(self, user, course_id, topic_id):
        self.calls += 1
        return self.membership.get(user) if topic_id == self.teamset else None


class BrokenTeams:
    def get_team(self, user, course_id, topic_id):
        raise RuntimeError("teams API down")


def _with_teams(harness, service):
    harness.runtime._services["teams"] = service
    return harness


def test_individual_mode_without_teams_service(learner):
    block = learner.create(f'<natalli_scenario scenario_id="{SCENARIO}" teamset_id="breakouts"/>')
    scenario = load().scenario(SCENARIO)
    html = learner.render(block)
    assert escape(scenario.title) in html and escape(scenario.no_right_answer) in html
    for role in scenario.roles:
        assert escape(role.name) in html
    for question in scenario.guiding_questions:
        assert escape(question.text) in html
    assert 'data-role="note-form"' not in html  # no team note: individual reflection only
    assert scenario.facilitator_notes.split("\n")[0][:40] not in html  # staff-only notes hidden from learners

    status, body, _ = learner.call(block, "save_note", {"text": "x", "version": 0})
    assert status == 404 and body["error"] == "no_team"

    status, body, _ = learner.call(block, "save_reflection", {"text": "I would ask before assuming."})
    assert status == 200 and body["completed"] is True
    assert learner.events_of("completion")[-1] == {"completion": 1.0}
    assert learner.events_of("grade") == [{"value": 1.0, "max_value": 1.0, "only_if_higher": None}]


def test_staff_see_facilitator_notes(learner):
    block = learner.create(f'<natalli_scenario scenario_id="{SCENARIO}"/>')
    learner.runtime.user_is_staff = True
    html = learner.render(block)
    assert "Facilitator notes (staff only)" in html


def test_team_note_is_shared_versioned_and_conflicts_are_reported(make_harness):
    teams = FakeTeams({"ana": FakeTeam("t1", "Team Sunflower"), "bo": FakeTeam("t1", "Team Sunflower"),
                       "cy": FakeTeam("t2", "Team Oak")})
    ana, bo, cy = (_with_teams(make_harness(u), teams) for u in ("ana", "bo", "cy"))
    usage = ana.create(f'<natalli_scenario scenario_id="{SCENARIO}" teamset_id="breakouts"/>').scope_ids.usage_id
    # Every request builds a fresh block, as the LMS does (a block instance caches the fields it has read).
    assert 'data-role="note-form" data-version="0"' in ana.render(ana.block(usage))
    assert "Team Sunflower" in bo.render(bo.block(usage))
    a_block, b_block, c_block = ana.block(usage), bo.block(usage), cy.block(usage)

    status, body, _ = ana.call(a_block, "save_note", {"text": "We saw two readings of silence.", "version": 0})
    assert status == 200 and body["note"]["version"] == 1 and body["completed"] is True
    assert ana.events_of("grade")[-1]["value"] == 1.0

    # Bo edited the version-0 note at the same time: refused with 409 and Ana's text to reconcile.
    status, body, _ = bo.call(b_block, "save_note", {"text": "Bo's view", "version": 0})
    assert status == 409 and body["error"] == "conflict"
    assert body["note"] == {"text": "We saw two readings of silence.", "version": 1,
                            "updated_at": body["note"]["updated_at"]}
    assert bo.events_of("grade") == []
    status, body, _ = bo.call(bo.block(usage), "save_note",
                              {"text": "We saw two readings of silence.\nBo: ask about bandwidth.", "version": 1})
    assert status == 200 and body["note"]["version"] == 2

    # Another team has its own, empty note; Ana sees Bo's merged text.
    assert "Bo: ask about bandwidth" not in cy.render(c_block)
    assert "Bo: ask about bandwidth" in ana.render(ana.block(usage))
    status, body, _ = cy.call(c_block, "get_note", {})
    assert status == 200 and body["note"]["version"] == 0 and body["team"]["name"] == "Team Oak"


def test_note_requires_integer_version(make_harness):
    h = _with_teams(make_harness("ana"), FakeTeams({"ana": FakeTeam("t1", "T")}))
    block = h.create(f'<natalli_scenario scenario_id="{SCENARIO}" teamset_id="breakouts"/>')
    status, body, _ = h.call(block, "save_note", {"text": "x", "version": "0"})
    assert status == 400 and body["error"] == "invalid_field"


def test_broken_teams_service_degrades_to_individual_mode(make_harness):
    h = _with_teams(make_harness("ana"), BrokenTeams())
    block = h.create(f'<natalli_scenario scenario_id="{SCENARIO}" teamset_id="breakouts"/>')
    html = h.render(block)
    assert 'data-role="reflection-form"' in html and 'data-role="note-form"' not in html


def test_no_teamset_means_no_team_lookup(make_harness):
    teams = FakeTeams({"ana": FakeTeam("t1", "T")})
    h = _with_teams(make_harness("ana"), teams)
    block = h.create(f'<natalli_scenario scenario_id="{SCENARIO}"/>')
    assert 'data-role="note-form"' not in h.render(block) and teams.calls == 0


def test_studio_validation_of_scenario_and_teamset(learner):
    block = learner.create('<natalli_scenario scenario_id="nope" teamset_id="bad id!"/>')
    texts = [m.text for m in block.validate().messages]
    assert any("Unknown scenario id 'nope'" in t for t in texts)
    assert any("team-set id" in t for t in texts)
    good = learner.create(f'<natalli_scenario scenario_id="{SCENARIO}" teamset_id="breakouts"/>')
    assert good.validate().messages == []


def test_a_team_note_lost_to_another_teams_write_is_restored(make_harness):
    """All teams' notes live in one shared field; another team's request that read the field before our save
    and wrote after it drops our note. The saver's own copy (a higher version than the field holds) heals it."""
    teams = FakeTeams({"ana": FakeTeam("t1", "Sunflower"), "bo": FakeTeam("t1", "Sunflower"),
                       "cy": FakeTeam("t2", "Oak")})
    ana, bo, cy = (_with_teams(make_harness(u), teams) for u in ("ana", "bo", "cy"))
    usage = ana.create(f'<natalli_scenario scenario_id="{SCENARIO}" teamset_id="breakouts"/>').scope_ids.usage_id

    stale_cy = cy.block(usage)
    assert stale_cy.team_notes == {}  # Cy's request has read the field ...
    ana.call(ana.block(usage), "save_note", {"text": "Sunflower's insight", "version": 0})
    stale_cy.team_notes = {"t2": {"text": "Oak's note", "version": 1, "updated_at": ""}}
    stale_cy.save()  # ... and writes after Ana's save: Sunflower's note is gone from the field
    assert "t1" not in bo.block(usage).team_notes

    assert "Sunflower&#x27;s insight" in ana.render(ana.block(usage))  # Ana still sees her text
    status, body, _ = ana.call(ana.block(usage), "get_note", {})  # the page's read-back after saving
    assert body["note"]["text"] == "Sunflower's insight" and body["note"]["version"] == 1
    assert "Sunflower&#x27;s insight" in bo.render(bo.block(usage))  # healed for the whole team
    assert bo.block(usage).team_notes["t2"]["text"] == "Oak's note"  # the other team's note is kept
    status, body, _ = bo.call(bo.block(usage), "save_note", {"text": "Bo adds", "version": 1})
    assert status == 200 and body["note"]["version"] == 2


def test_learner_can_erase_the_individual_reflection(learner):
    block = learner.create(f'<natalli_scenario scenario_id="{SCENARIO}"/>')
    learner.call(block, "save_reflection", {"text": "Private thought."})
    status, body, _ = learner.call(block, "erase_reflection", {"confirm": True})
    assert status == 200 and body["completed"] is True
    assert "Private thought." not in learner.render(learner.block(block.scope_ids.usage_id))
