"""Every activity UI string is translated into nl, uk and de, and pages speak the learner's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parents[2] / "lti_tool" / "activities" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("lang", ["nl", "uk", "de"])
def test_catalog_is_complete_and_placeholders_match(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    assert (CATALOGS / lang / "LC_MESSAGES" / "messages.mo").exists()
    messages = [m for m in catalog if m.id]
    assert len(messages) > 200
    for m in messages:
        assert m.string, f"{lang}: untranslated {m.id!r}"
        assert sorted(PLACEHOLDER.findall(m.string)) == sorted(PLACEHOLDER.findall(m.id)), m.id


@pytest.mark.parametrize("lang,words", [("nl", "Mijn dagboek"), ("uk", "Мій щоденник"), ("de", "Mein Tagebuch"),
                                        ("en", "My journal")])
def test_pages_render_in_launch_language(app, client, make_launch, lang, words):
    launch = make_launch(activity="reflection-journal", locale=lang, sub=f"user-{lang}")
    page = client.get(launch.url("journal/"))
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert words in page.text


def test_fallback_fields_are_marked_english(app):
    from types import SimpleNamespace

    from lti_tool.activities.common import fallback_lang

    item = SimpleNamespace(fallback_fields=("sections.arriving.body", "aims.1"))
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert fallback_lang(item, "sections.arriving.body") == ' lang="en"'
        assert fallback_lang(item, "aims") == ' lang="en"'
        assert fallback_lang(item, "title") == ""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert fallback_lang(item, "aims") == ""


def test_script_messages_follow_each_pages_language(app, client, make_launch):
    """The messages for scripts are rendered once per language and reused: pages in different languages,
    one after the other on the same app, each get their own language's messages, never the first one's."""
    for lang, saving in [("nl", "Bezig met opslaan…"), ("en", 'data-saving="Saving…"'), ("de", "Wird gespeichert …"),
                         ("nl", "Bezig met opslaan…")]:
        launch = make_launch(activity="reflection-journal", locale=lang, sub=f"messages-{lang}")
        page = client.get(launch.url("journal/"))
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
        assert saving in page.text
        assert page.text.count('id="js-messages"') == 1


def test_german_pages_address_the_reader_as_sie(app, client, make_launch):
    """Issue #16: senior professionals read "Sie" in German, on the activity pages and on the privacy page."""
    from tests.support.german import informal_address

    launch = make_launch(activity="reflection-journal", locale="de", sub="user-de-sie")
    journal = client.get(launch.url("journal/")).get_data(as_text=True)
    assert '<html lang="de">' in journal
    assert "Ihre Einträge gehören Ihnen" in journal and "Nur Sie können sie lesen" in journal
    my_data = client.get(launch.url("my-data/")).get_data(as_text=True)
    assert "Alles, was Sie hier schreiben, gehört Ihnen." in my_data
    assert "Geben Sie zur Bestätigung LÖSCHEN ein" in my_data
    visible = [re.sub(r"<[^>]+>", " ", html) for html in (journal.split("<main", 1)[0], my_data)]
    assert not informal_address(visible[0]), "the page frame (navigation, language switch) says du"
    assert not informal_address(visible[1]), "the privacy page says du"
