"""Meeting exercises: at least two per module, what mentor and mentee do together, with a worksheet."""

from __future__ import annotations

from course_content import load, scan
from tests.content.conftest import ContentTree


def _errors(tree: ContentTree) -> list[str]:
    return [f"{i.file.relative_to(tree.root)}: {i.field}: {i.message}" for i in scan(tree.root).errors]


def test_complete_tree_serves_exercises_in_order_with_minutes_and_language(tree: ContentTree) -> None:
    module = load(tree.root).module("safe-start", "uk")
    assert [e.id for e in module.exercises] == ["map-the-month", "name-the-signals"]
    first = module.exercises[0]
    assert first.title == "uk map-the-month" and first.minutes == 30
    assert first.worksheet.startswith("ukmap-the-month")


def test_a_module_with_one_exercise_fails_validation(tree: ContentTree) -> None:
    tree.edit("modules/networks-and-systems/meta.yaml", lambda d: d["exercises"].pop())
    for lang in ("en", "nl", "uk", "de"):
        tree.edit(
            f"modules/networks-and-systems/{lang}.yaml", lambda d: d["exercises"].pop("name-the-signals")
        )
    assert _errors(tree) == [
        "modules/networks-and-systems/meta.yaml: exercises: module 'networks-and-systems' has 1 meeting exercises; "
        "needs at least 2 (what mentor and mentee do together between sessions)"
    ]
    assert len(load(tree.root).module("networks-and-systems").exercises) == 1  # still served


def test_an_exercise_without_worksheet_in_english_is_a_schema_error(tree: ContentTree) -> None:
    tree.edit("modules/safe-start/en.yaml", lambda d: d["exercises"]["map-the-month"].pop("worksheet"))
    assert (
        "modules/safe-start/en.yaml: exercises.map-the-month.worksheet: Missing data for required field."
        in _errors(tree)
    )


def test_missing_translated_worksheet_falls_back_to_english(tree: ContentTree) -> None:
    tree.edit("modules/safe-start/de.yaml", lambda d: d["exercises"]["name-the-signals"].pop("worksheet"))
    module = load(tree.root).module("safe-start", "de")
    assert module.exercises[1].worksheet.startswith("enname-the-signals")
    assert "exercises.name-the-signals.worksheet" in module.fallback_fields
    assert module.exercises[1].together.startswith("dename-the-signals")


def test_exercise_ids_must_be_unique(tree: ContentTree) -> None:
    tree.edit(
        "modules/safe-start/meta.yaml",
        lambda d: d["exercises"].append({"id": "map-the-month", "minutes": 10}),
    )
    assert any("exercises: Duplicate ids: map-the-month." in e for e in _errors(tree))


def test_live_modules_each_have_two_exercises_in_every_language() -> None:
    catalog = load()
    for lang in ("en", "nl", "uk", "de"):
        for module in catalog.modules(lang):
            assert len(module.exercises) >= 2
            assert not [f for f in module.fallback_fields if f.startswith("exercises.")]
