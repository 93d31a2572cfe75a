"""Loader and API: localisation, per-field English fallback, schema errors naming file and field."""

from __future__ import annotations

import dataclasses

import pytest

from course_content import ContentError, load, scan
from tests.content.conftest import FIXTURE_ACTIVITY_COUNT, MODULES, ContentTree, scenario_id


def _errors(tree: ContentTree) -> list[str]:
    return [str(i) for i in scan(tree.root).issues if i.severity == "error"]


def test_complete_fixture_is_valid_and_lists_every_activity(tree: ContentTree) -> None:
    assert _errors(tree) == []
    catalog = load(tree.root)
    refs = catalog.activities("en")
    assert len(refs) == FIXTURE_ACTIVITY_COUNT
    assert len({r.id for r in refs}) == len(refs)
    assert [r.id for r in refs[:4]] == list(MODULES)
    assert {r.kind for r in refs} == {
        "module",
        "scenario",
        "journal",
        "action_plan",
        "ttt_unit",
        "workshop_agenda",
        "self_assessment",
    }
    assert all(r.title and r.summary for r in refs)
    for ref in refs:
        assert catalog.get(ref.id, "uk").kind == ref.kind
    # The support text is content but not a deep-linkable activity.
    assert "support-and-referral" not in {r.id for r in refs}
    assert catalog.support("de").title == "de support"


def test_text_is_localised_and_languages_are_normalised(tree: ContentTree) -> None:
    catalog = load(tree.root)
    assert catalog.module("safe-start", lang="nl").title == "nl title safe-start"
    assert catalog.module("safe-start", lang="uk-UA").title == "uk title safe-start"
    assert catalog.module("safe-start", lang="fr").title == "en title safe-start"  # unsupported -> English
    assert catalog.module("safe-start").scenario_ids == tuple(scenario_id("safe-start", n) for n in (1, 2, 3))
    sc = catalog.scenario(scenario_id("networks-and-systems", 2), "de")
    assert sc.module == "networks-and-systems"
    assert [q.category for q in sc.guiding_questions] == ["realism", "relational", "underlying"]
    assert sc.guiding_questions[0].text == "de how-realistic?"
    assert [s.id for s in catalog.scenarios(module="communication-culture")] == [
        scenario_id("communication-culture", n) for n in (1, 2, 3)
    ]
    assert catalog.journal("uk").prompts_for("safe-start")[0].text == "uk safe-start-p1?"
    assert [h.days for h in catalog.action_plan("nl").horizons] == [30, 60, 90]
    assert catalog.workshop_agenda().total_minutes("online") == 105 + 5  # seven steps and the break
    assessment = catalog.self_assessment("mentor-capacity", "de")
    assert assessment.role == "mentor"
    assert [o.label for o in assessment.questions[0].options] == ["de marketing", "de finance"]
    assert [u.order for u in catalog.ttt_units()] == [1, 2, 3, 4, 5, 6]


def test_objects_are_frozen_and_unknown_ids_raise_keyerror(tree: ContentTree) -> None:
    catalog = load(tree.root)
    module = catalog.module("safe-start")
    with pytest.raises(dataclasses.FrozenInstanceError):
        module.title = "changed"  # type: ignore[misc]
    with pytest.raises(KeyError):
        catalog.get("no-such-activity")
    with pytest.raises(KeyError):
        catalog.scenario("safe-start")  # a module, not a scenario


def test_missing_translated_field_falls_back_to_english_per_field(tree: ContentTree) -> None:
    tree.edit("modules/safe-start/nl.yaml", lambda d: d["sections"]["safety"].pop("body"))
    tree.remove("scenarios/safe-start-case-1/de.yaml")

    catalog = load(tree.root)  # a half-translated tree still serves
    module = catalog.module("safe-start", "nl")
    sections = {s.id: s for s in module.sections}
    assert sections["safety"].body.startswith("ensafety ")  # English for the missing field only
    assert sections["safety"].title == "nl safety"
    assert sections["arriving"].body.startswith("nlarriving ")
    assert module.fallback_fields == ("sections.safety.body",)
    assert catalog.scenario("safe-start-case-1", "de").title == "en safe-start-case-1"

    errors = _errors(tree)
    assert any("modules/safe-start/nl.yaml: sections.safety.body: missing translation" in e for e in errors)
    assert any("scenarios/safe-start-case-1/de.yaml: missing file" in e for e in errors)
    with pytest.raises(ContentError):
        load(tree.root, strict=True)


def test_unknown_key_in_translation_is_reported_but_not_fatal(tree: ContentTree) -> None:
    tree.edit(
        "modules/safe-start/uk.yaml",
        lambda d: d["sections"].update({"not-declared": {"title": "x", "body": "y"}}),
    )
    errors = _errors(tree)
    assert any(
        "modules/safe-start/uk.yaml: sections.not-declared: Unknown id: not declared in meta.yaml." in e
        for e in errors
    )
    assert load(tree.root).module("safe-start", "uk").title == "uk title safe-start"


@pytest.mark.parametrize(
    ("rel", "change", "field", "message"),
    [
        (
            "modules/safe-start/meta.yaml",
            lambda d: d.update(sections=["one", "two"]),
            "sections",
            "Length must be",
        ),
        (
            "modules/safe-start/meta.yaml",
            lambda d: d.update(reflection_prompts=["Bad_Id", "ok"]),
            "reflection_prompts.0",
            "not a slug",
        ),
        (
            "scenarios/safe-start-case-1/meta.yaml",
            lambda d: d.update(colour="red"),
            "colour",
            "Unknown field",
        ),
        (
            "scenarios/safe-start-case-1/meta.yaml",
            lambda d: d["guiding_questions"][0].update(category="correct"),
            "guiding_questions.0.category",
            "Must be one of",
        ),
        (
            "modules/safe-start/en.yaml",
            lambda d: d["sections"].pop("hope"),
            "sections.hope",
            "Missing: declared in meta.yaml",
        ),
        (
            "modules/safe-start/en.yaml",
            lambda d: d.update(summary="<b>bold</b>"),
            "summary",
            "HTML is not allowed",
        ),
        (
            "journal/en.yaml",
            lambda d: d.pop("free_entry_label"),
            "free_entry_label",
            "Missing data for required field",
        ),
        (
            "workshop-agenda/meta.yaml",
            lambda d: d["steps"][4].update(online=90),
            "steps",
            "outside formats.online",
        ),
        (
            "self-assessments/mentee-capacity/meta.yaml",
            lambda d: d["questions"][4].update(options=["a"]),
            "questions.4.type",
            "neither",
        ),
    ],
)
def test_broken_file_is_fatal_and_names_file_and_field(tree, rel, change, field, message) -> None:
    tree.edit(rel, change)
    with pytest.raises(ContentError) as caught:
        load(tree.root)
    hits = [i for i in caught.value.issues if i.file == tree.path(rel) and i.field == field]
    assert hits, caught.value.issues
    assert message in hits[0].message
    assert f"{rel}: {field}: " in str(caught.value)


def test_invalid_yaml_names_the_line(tree: ContentTree) -> None:
    tree.write_text("ttt/facilitation-style/en.yaml", "title: [unclosed\nsummary: x\n")
    with pytest.raises(ContentError) as caught:
        load(tree.root)
    (issue,) = caught.value.issues
    assert issue.file.name == "en.yaml" and issue.field.startswith("line ")
    assert "invalid YAML" in issue.message


def test_duplicate_ids_across_kinds_are_fatal(tree: ContentTree) -> None:
    tree.write(
        "scenarios/facilitation-style/meta.yaml",
        tree.read("scenarios/safe-start-case-1/meta.yaml") | {"id": "facilitation-style"},
    )
    for lang in ("en", "nl", "uk", "de"):
        tree.write(
            f"scenarios/facilitation-style/{lang}.yaml", tree.read(f"scenarios/safe-start-case-1/{lang}.yaml")
        )
    with pytest.raises(ContentError, match="already used"):
        load(tree.root)


def test_folder_name_must_match_id(tree: ContentTree) -> None:
    tree.edit("ttt/facilitation-style/meta.yaml", lambda d: d.update(id="facilitation"))
    with pytest.raises(ContentError, match="must equal its folder name"):
        load(tree.root)


def test_incomplete_content_is_reported_but_served(tree: ContentTree) -> None:
    import shutil

    shutil.rmtree(tree.path("scenarios/safe-start-case-3"))
    tree.edit("scenarios/safe-start-case-2/meta.yaml", lambda d: d.update(module="no-such-module"))
    tree.remove("ttt/language-and-safety/en.yaml")
    errors = _errors(tree)
    assert any("module 'safe-start' has 1 scenarios; needs at least 3" in e for e in errors)
    assert any("11 scenarios in all; at least 12" in e for e in errors)
    assert any("safe-start-case-2/meta.yaml: module: unknown module 'no-such-module'" in e for e in errors)
    assert any("ttt/language-and-safety/en.yaml: missing" in e for e in errors)
    catalog = load(tree.root)
    assert "language-and-safety" not in catalog
    assert len(catalog.scenarios(module="safe-start")) == 1


def test_load_is_cached_and_version_follows_content(tree: ContentTree) -> None:
    first = load(tree.root)
    assert load(tree.root) is first
    tree.edit("support/nl.yaml", lambda d: d.update(title="nl other"))  # write() clears the cache
    second = load(tree.root)
    assert second is not first
    assert second.version != first.version
    assert second.support("nl").title == "nl other"


def test_real_files_get_a_coverage_count_per_language(tree: ContentTree) -> None:
    tree.edit("support/uk.yaml", lambda d: d.pop("body"))
    coverage = scan(tree.root).coverage
    done, total = coverage["uk"]
    assert total == coverage["en"][1] and done == total - 1
    assert coverage["nl"] == coverage["en"]


def test_files_the_loader_would_never_read_are_reported(tree: ContentTree) -> None:
    tree.write("modules/safe-start/fr.yaml", {"title": "fr"})
    tree.write("scenario/lost/meta.yaml", {"id": "lost"})  # typo in the kind folder
    tree.write_text("ttt/.en.yaml.swp", "editor noise is ignored")
    errors = _errors(tree)
    assert any("modules/safe-start/fr.yaml: not read" in e for e in errors)
    assert any("activities/scenario: not read" in e for e in errors)
    assert not any(".swp" in e for e in errors)
    load(tree.root)  # not fatal
