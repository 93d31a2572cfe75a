"""Practice rounds: every module is practised in a round; each round has a self-reflection prompt in every
language, and the peers answer the unit's feedback questions."""

from __future__ import annotations

from course_content import load, scan
from tests.content.conftest import MODULES, TTT_UNITS, ContentTree

UNIT = TTT_UNITS[-1]  # the fixture's unit with practice rounds


def _errors(tree: ContentTree) -> list[str]:
    return [f"{i.file.relative_to(tree.root)}: {i.field}: {i.message}" for i in scan(tree.root).errors]


def test_rounds_are_served_with_prompts_and_feedback_questions(tree: ContentTree) -> None:
    unit = load(tree.root).ttt_unit(UNIT, "nl")
    assert [s.id for s in unit.round_steps()] == [f"round-{m}" for m in MODULES]
    assert dict(unit.rounds) == {f"round-{m}": m for m in MODULES}
    assert unit.round_steps()[0].self_reflection.startswith("nlround-")
    assert unit.steps[0].self_reflection == ""  # the introduction is not a round
    assert [q.id for q in unit.feedback_questions] == ["what-worked", "one-change"]
    assert unit.feedback_questions[0].label.startswith("nlwhat-worked")


def test_a_module_without_a_practice_round_fails_validation(tree: ContentTree) -> None:
    tree.edit(f"ttt/{UNIT}/meta.yaml", lambda d: d["rounds"].pop("round-safe-start"))
    for lang in ("en", "nl", "uk", "de"):
        tree.edit(f"ttt/{UNIT}/{lang}.yaml", lambda d: d["steps"]["round-safe-start"].pop("self_reflection"))
    assert _errors(tree) == ["ttt: rounds: no practice round for module(s) safe-start: every module needs one"]


def test_a_round_naming_an_unknown_module_or_step_is_an_error(tree: ContentTree) -> None:
    tree.edit(f"ttt/{UNIT}/meta.yaml", lambda d: d["rounds"].update({"round-safe-start": "first-aid"}))
    assert f"ttt/{UNIT}/meta.yaml: rounds.round-safe-start: 'first-aid' is not one of the module ids" in _errors(tree)
    tree.edit(f"ttt/{UNIT}/meta.yaml", lambda d: d["rounds"].update({"no-such-step": "safe-start"}))
    assert any("rounds: not steps of this unit: no-such-step" in e for e in _errors(tree))


def test_a_round_without_its_reflection_prompt_in_english_is_a_schema_error(tree: ContentTree) -> None:
    tree.edit(f"ttt/{UNIT}/en.yaml", lambda d: d["steps"]["round-safe-start"].pop("self_reflection"))
    assert (f"ttt/{UNIT}/en.yaml: steps.round-safe-start.self_reflection: Missing data for required field."
            in _errors(tree))


def test_a_prompt_on_a_step_that_is_no_round_is_refused(tree: ContentTree) -> None:
    tree.edit(f"ttt/{UNIT}/en.yaml", lambda d: d["steps"]["first-step"].update(self_reflection="Why?"))
    assert any("steps.first-step.self_reflection" in e for e in _errors(tree))


def test_rounds_without_feedback_questions_are_refused(tree: ContentTree) -> None:
    tree.edit(f"ttt/{UNIT}/meta.yaml", lambda d: d.pop("feedback_questions"))
    assert any("feedback_questions: practice rounds need the peers' feedback questions" in e for e in _errors(tree))


def test_live_course_practises_every_module_in_every_language() -> None:
    catalog = load()
    for lang in ("en", "nl", "uk", "de"):
        rounds = [(u, s) for u in catalog.ttt_units(lang) for s in u.round_steps()]
        assert sorted(u.rounds[s.id] for u, s in rounds) == sorted(MODULES)
        assert all(s.self_reflection and f"steps.{s.id}" not in "".join(u.fallback_fields) for u, s in rounds)
        unit = rounds[0][0]
        assert len(unit.feedback_questions) == 3
        assert not [f for f in unit.fallback_fields if f.startswith("feedback_questions")]
