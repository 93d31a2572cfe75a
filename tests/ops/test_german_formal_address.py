"""The German interface addresses people as "Sie", everywhere, with German quotation marks and dashes.

The audience are senior professionals (the Ukrainian uses the polite «ви»); a single "du", "dein…" or
du-imperative ("Bitte öffne…") in a German catalog mixes registers on the page. This reads every German UI
catalog the tool and the XBlocks load and names each entry that slips back into the informal address.
German course content (course_content/**/de.yaml) is checked by the content validator, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.support.german import informal_address, typography_problems

ROOT = Path(__file__).resolve().parents[2]
GERMAN_CATALOGS = [
    ROOT / "lti_tool" / "translations" / "de" / "LC_MESSAGES" / "messages.po",
    ROOT / "lti_tool" / "activities" / "translations" / "de" / "LC_MESSAGES" / "messages.po",
    ROOT / "lti_tool" / "services" / "translations" / "de" / "LC_MESSAGES" / "messages.po",
    ROOT / "lti_tool" / "pairing" / "translations" / "de" / "LC_MESSAGES" / "messages.po",
    ROOT / "xblocks" / "natalli_xblocks" / "translations" / "de" / "LC_MESSAGES" / "text.po",
]


def _german_entries() -> list[tuple[str, str, str]]:
    entries = []
    for path in GERMAN_CATALOGS:
        with open(path, "rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            for text in message.string if isinstance(message.string, tuple) else (message.string,):
                entries.append((str(path.relative_to(ROOT)), msgid, text))
    return entries


@pytest.mark.parametrize(
    "text",
    [
        "Nichts, was du schon gespeichert hast, ist verloren.",
        "Bitte öffne die Aktivität erneut aus deinem Kurs.",
        "Alles, was Sie hier schreiben, gehört dir.",
        "Einträge sind privat: Nur du kannst sie lesen.",
        "Dieser Aufruf wurde nicht in diesem Browser begonnen. Öffne die Aktivität aus Ihrem Kurs.",
        "Bitte prüfe „%(field)s“: Dieser Wert kann hier nicht verwendet werden.",
        "Sie haben keine gemeinsame Sprache angegeben; bitte klärt, wie sie miteinander sprechen werden.",
        "Einstellungen gespeichert. Schlage erneut Paare vor, um sie anzuwenden.",
        "Nimm zuerst die Paare an, mit denen Sie einverstanden sind.",
        "Warum ihr ein Paar seid",
        "Kannst du das lesen?",
        "Bitte versuche es in ein paar Minuten noch einmal.",
        "Eure Gruppe hat die Notiz gespeichert.",
        "Deine Daten",
        "Was möchtest Sie entwickeln?",
    ],
)
def test_the_check_finds_informal_address(text):
    assert informal_address(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
        "Bewertungen gehören zu einem Aktivitätslink; bitte öffnen Sie diese Seite über einen solchen Link.",
        "Diese Bitte um Unterstützung gibt es nicht (mehr).",
        "Ich bestätige diese Vereinbarung",
        "Zu viele Versuche in kurzer Zeit. Bitte warten Sie eine Minute.",
        "Der Weg durch das Programm ist dual angelegt; der Dirigent spielt in Düsseldorf.",
        "Mentorinnen, Mentoren und Mentees sehen jetzt ihr Paar.",
        "Ihre Mentorin oder Ihr Mentor meldet sich in Kürze.",
        "Eine Fülle von Fragen; die Wende kam später.",
        "Bitte geben Sie bei „%(field)s“ ein Datum an.",
        "Bitte wählen Sie, ob Sie als Mentee teilnehmen.",
        "Ja, meine Rolle, alle meine Antworten und mein Paar löschen.",
    ],
)
def test_the_check_lets_formal_german_pass(text):
    assert informal_address(text) == [], text


def test_the_typography_check_tells_german_from_english_marks():
    assert typography_problems("Bitte prüfen Sie „%(field)s“ – es wurde nichts gespeichert.") == []
    assert typography_problems("Bitte prüfen Sie „%(field)s“ — es wurde nichts gespeichert.")
    assert typography_problems("Bitte prüfen Sie “%(field)s”.")
    assert typography_problems('Kreuzen Sie "Mit meinem Paar teilen" an.')
    assert typography_problems("„Eins“ und „zwei")


def test_every_german_catalog_entry_says_sie():
    entries = _german_entries()
    assert len(entries) > 700  # all five catalogs were read
    informal = [f"{path}: {msgid!r} -> {text!r}: {informal_address(text)}"
                for path, msgid, text in entries if informal_address(text)]
    assert not informal, "German UI strings in the informal address:\n" + "\n".join(informal)


def test_german_catalog_entries_use_german_quotation_marks_and_dashes():
    wrong = [f"{path}: {text!r}: {typography_problems(text)}"
             for path, _msgid, text in _german_entries() if typography_problems(text)]
    assert not wrong, "\n".join(wrong)


def test_the_core_catalog_source_agrees_with_its_po():
    """core_messages.py is the source of lti_tool/translations; its German must be what the .po says."""
    from lti_tool.translations.core_messages import T

    with open(GERMAN_CATALOGS[0], "rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id}
    assert po == {msgid: texts["de"] for msgid, texts in T.items()}
