"""Reasons and catalogs: every reason reads as a sentence in every language and names exactly the answers
it came from; every UI string is translated with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from lti_tool.domain import matching as mt
from lti_tool.pairing import service as sv

CATALOGS = Path(__file__).resolve().parents[2] / "lti_tool" / "pairing" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("lang", ["en", "nl", "uk", "de"])
def test_every_reason_is_a_sentence_naming_its_items(app, lang):
    mentee = mt.Person(1, frozenset({"marketing", "law"}), {}, frozenset({"uk", "en"}), frozenset({"video"}),
                       "weekly")
    mentor = mt.Person(2, frozenset({"marketing"}), {"law": 4}, frozenset({"en", "uk", "de"}),
                       frozenset({"video", "email"}), "one-hour-month")
    reasons = [r.to_json() for r in mt.explain(mentee, mentor)]
    reasons += [{"code": c} for c in (mt.NO_SHARED_LANGUAGE, mt.LANGUAGES_UNKNOWN, mt.NO_AREA_OVERLAP,
                                      mt.AREAS_UNKNOWN, mt.NO_SHARED_CHANNEL)]
    reasons.append(mt.Reason(mt.TIME_COVERS, (), "one-hour-month", "weekly").to_json())
    with app.test_request_context(), force_locale(lang):
        labels = sv.option_labels(lang)
        for reason in reasons:
            text = sv.reason_text(reason, labels)
            assert text != reason["code"] and text.endswith(".") and "%(" not in text
            for item in reason.get("items", []):
                assert labels[item] in text
            for key in ("mentee", "mentor"):
                if key in reason:
                    assert labels[reason[key]] in text
        for side in ("mentee", "mentor"):
            for code in (sv.NOT_ANSWERED, mt.NO_MENTORS, mt.NO_MENTEES, mt.NO_LANGUAGE_MATCH, mt.NO_TIME_MATCH,
                         mt.CAPACITY_FULL, mt.NOT_CHOSEN):
                assert sv.unmatched_text(side, code) != code


def test_the_issue_example_in_english(app):
    mentee = mt.Person(1, frozenset({"marketing"}), {}, frozenset({"uk", "en"}))
    mentor = mt.Person(2, frozenset({"marketing"}), {}, frozenset({"uk", "en"}))
    with app.test_request_context(), force_locale("en"):
        texts = [sv.reason_text(r.to_json(), sv.option_labels("en")) for r in mt.explain(mentee, mentor)]
    assert texts == ["Both can talk in English or Ukrainian.",
                     "The mentor offers marketing and communication, which the mentee would like to develop."]


@pytest.mark.parametrize("lang", ["nl", "uk", "de"])
def test_catalog_is_complete_and_keeps_placeholders(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    assert (CATALOGS / lang / "LC_MESSAGES" / "messages.mo").exists()
    for message in catalog:
        if not message.id:
            continue
        assert message.string, f"{lang}: untranslated {message.id!r}"
        assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), message.id


def test_catalog_covers_every_string_in_code_and_templates():
    from babel.messages.extract import extract_from_dir

    root = CATALOGS.parents[1]
    method_map = [("pairing/**.py", "python"), ("templates/pairing/**.html", "jinja2")]
    found = {m[2] for m in extract_from_dir(str(root), method_map=method_map) if isinstance(m[2], str)}
    with open(CATALOGS / "uk" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        known = {m.id for m in read_po(fh) if m.id}
    assert found and found <= known, sorted(found - known)
