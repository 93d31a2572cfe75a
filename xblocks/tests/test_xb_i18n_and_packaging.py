"""Every block renders in en/nl/uk/de with UI strings and content in that language; packaging is complete."""

from __future__ import annotations

import tomllib
from html import escape
from pathlib import Path

import pytest
from xblock.core import XBlock

from course_content import LANGUAGES, load

XBLOCKS = Path(__file__).resolve().parents[1]

# One UI string per block and its expected translation: proves the gettext catalog reached the page.
UI = {
    "natalli_module": {"en": "Save my reflection", "nl": "Mijn reflectie opslaan",
                       "uk": "Зберегти мою рефлексію", "de": "Meine Reflexion speichern"},
    "natalli_scenario": {"en": "Questions to explore together", "nl": "Vragen om samen te verkennen",
                         "uk": "Запитання для спільного обговорення", "de": "Fragen zum gemeinsamen Erkunden"},
    "natalli_journal": {"en": "Save entry", "nl": "Stuk opslaan", "uk": "Зберегти запис",
                        "de": "Eintrag speichern"},
    "natalli_action_plan": {"en": "Save my plan", "nl": "Mijn plan opslaan", "uk": "Зберегти мій план",
                            "de": "Meinen Plan speichern"},
}


def _content_title(block_type: str, lang: str) -> str:
    catalog = load()
    return {
        "natalli_module": lambda: catalog.module("safe-start", lang).title,
        "natalli_scenario": lambda: catalog.scenario("the-quiet-video-call", lang).title,
        "natalli_journal": lambda: catalog.journal(lang).title,
        "natalli_action_plan": lambda: catalog.action_plan(lang).title,
    }[block_type]()


OLX = {
    "natalli_module": '<natalli_module module_id="safe-start"/>',
    "natalli_scenario": '<natalli_scenario scenario_id="the-quiet-video-call"/>',
    "natalli_journal": '<natalli_journal module_id="safe-start"/>',
    "natalli_action_plan": "<natalli_action_plan/>",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("block_type", sorted(OLX))
def test_block_renders_in_each_language(learner, block_type, lang):
    block = learner.create(OLX[block_type])
    html = learner.render(block, lang=lang)
    assert f'lang="{lang}"' in html
    assert UI[block_type][lang] in html
    assert escape(_content_title(block_type, lang)) in html
    assert "{%" not in html and "{{" not in html  # nothing left unrendered


@pytest.mark.parametrize("runtime_code, expected", [("de-de", "de"), ("uk", "uk"), ("nl-be", "nl"),
                                                    ("fr", "en"), ("en-us", "en")])
def test_platform_language_codes_map_to_content_languages(learner, runtime_code, expected):
    block = learner.create("<natalli_action_plan/>")
    html = learner.render(block, lang=runtime_code)
    assert f'lang="{expected}"' in html


def test_handler_messages_follow_the_learner_language(learner):
    block = learner.create("<natalli_journal/>")
    status, body, _ = learner.call(block, "save_entry", {"text": " "}, lang="uk")
    assert status == 400 and body["message"] == "Будь ласка, напишіть щось перед збереженням."


def test_catalogs_are_complete_and_compiled():
    from natalli_xblocks.i18n_tools import problems

    assert problems() == []


def test_pyproject_declares_every_block_and_ships_assets():
    project = tomllib.loads((XBLOCKS / "pyproject.toml").read_text())
    entry_points = project["project"]["entry-points"]["xblock.v1"]
    assert set(entry_points) == set(OLX)
    data = project["tool"]["setuptools"]["package-data"]["natalli_xblocks"]
    package = XBLOCKS / "natalli_xblocks"
    for pattern in data:
        assert list(package.glob(pattern)), f"package-data pattern {pattern} matches nothing"
    for name, target in entry_points.items():
        module, cls = target.split(":")
        assert XBlock.load_class(name).__name__ == cls


@pytest.mark.parametrize("block_type", sorted(OLX))
def test_workbench_scenarios_parse_and_render(learner, block_type):
    cls = XBlock.load_class(block_type)
    scenarios = cls.workbench_scenarios()
    assert scenarios
    for _title, olx in scenarios:
        html = learner.render(learner.create(olx))
        assert "not available yet" not in html


@pytest.mark.parametrize("block_type", sorted(OLX))
def test_static_assets_are_served_from_static_dir(block_type):
    cls = XBlock.load_class(block_type)
    for uri in ("static/css/natalli.css", "static/js/common.js", cls.js_file):
        with cls.open_local_resource(uri) as handle:
            assert handle.read(20)
