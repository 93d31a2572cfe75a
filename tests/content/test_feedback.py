"""Feedback questionnaires as content: the live questionnaires are valid and complete in four languages,
and a broken questionnaire is refused with its file and field named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_content import LANGUAGES, ContentError, load
from course_content.loader import DEFAULT_ROOT, scan
from course_content.schemas import MODULE_IDS

LIVE = DEFAULT_ROOT / "feedback"


def test_live_questionnaires_cover_every_module_the_programme_and_trainers():
    catalog = load()
    forms = {q.id: q for q in catalog.questionnaires("en")}
    assert {q.module for q in forms.values() if q.moment == "module"} == set(MODULE_IDS)
    assert [q.audience for q in forms.values() if q.moment == "programme"] == ["participant"]
    assert [q.audience for q in forms.values() if q.moment == "ttt"] == ["trainer"]
    for q in forms.values():
        assert 3 <= len(q.items) <= 5 and len(q.scale) == 5
        assert all(option.label for option in q.scale)
    # Questionnaires are not activities of their own: no picker, cartridge or grade column lists them.
    assert not {ref.id for ref in catalog.activities("en")} & set(forms)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_questionnaire_is_fully_translated(lang):
    for q in load().questionnaires(lang):
        assert q.lang == lang and not q.fallback_fields, (q.id, q.fallback_fields)
    issues = [i for i in scan().issues if LIVE in i.file.parents and i.severity == "error"]
    assert issues == []


def test_texts_differ_per_language():
    titles = {lang: load().questionnaire("end-of-programme", lang).title for lang in LANGUAGES}
    assert len(set(titles.values())) == 4
    assert load().questionnaire("after-safe-start", "uk").scale[0].label == "Зовсім не погоджуюся"


@pytest.fixture
def live_copy(tree):
    """The fixture tree plus a copy of the live feedback folder."""
    shutil.copytree(LIVE, tree.path("feedback"))
    return tree


def test_the_fixture_tree_with_questionnaires_loads(live_copy):
    assert len(load(live_copy.root).questionnaires("de")) == len(list(LIVE.iterdir()))


@pytest.mark.parametrize(
    "rel,change,field,message",
    [
        ("after-safe-start/meta.yaml", lambda d: d.pop("module"), "module", "names its module"),
        ("end-of-programme/meta.yaml", lambda d: d.update(module="safe-start"), "module", "names its module"),
        ("after-ttt-session/meta.yaml", lambda d: d.update(audience="participant"), "audience", "for trainers"),
        ("after-safe-start/meta.yaml", lambda d: d.update(module="gardening"), "module", "Must be one of"),
        ("after-safe-start/meta.yaml", lambda d: d["items"].extend(["a", "b"]), "items", "Length must be between"),
        ("after-safe-start/meta.yaml", lambda d: d.update(scale=[1, 2, 3]), "scale", "Length must be between"),
        ("after-safe-start/en.yaml", lambda d: d["items"].pop("clear-texts"), "items.clear-texts", "Missing"),
        ("after-safe-start/en.yaml", lambda d: d["scale"].update({"2": "<i>no</i>"}), "scale.2", "HTML"),
    ],
)
def test_a_broken_questionnaire_names_file_and_field(live_copy, rel, change, field, message):
    live_copy.edit(f"feedback/{rel}", change)
    with pytest.raises(ContentError) as caught:
        load(live_copy.root)
    hits = [i for i in caught.value.issues if i.file == live_copy.path(f"feedback/{rel}") and i.field == field]
    assert hits and message in hits[0].message, caught.value.issues


def test_a_missing_translation_falls_back_to_english_and_is_reported(live_copy):
    live_copy.edit("feedback/end-of-programme/nl.yaml", lambda d: d["items"].pop("recommend"))
    q = load(live_copy.root).questionnaire("end-of-programme", "nl")
    assert "items.recommend" in q.fallback_fields
    assert q.items[-1].text == load(live_copy.root).questionnaire("end-of-programme", "en").items[-1].text
    assert any(i.field == "items.recommend" and i.file.name == "nl.yaml" for i in scan(live_copy.root).issues)


def test_live_folder_holds_only_questionnaires():
    assert all(Path(p).is_dir() for p in LIVE.iterdir())
