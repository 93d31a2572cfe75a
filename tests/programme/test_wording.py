"""The programme part's catalogs: every UI string of its code and templates is translated into nl, uk and de,
with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parents[2] / "lti_tool" / "programme" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("lang", ["nl", "uk", "de"])
def test_catalog_is_complete_and_keeps_placeholders(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    assert (CATALOGS / lang / "LC_MESSAGES" / "messages.mo").exists()
    messages = [m for m in catalog if m.id]
    assert len(messages) > 70
    for message in messages:
        assert message.string, f"{lang}: untranslated {message.id!r}"
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_catalog_covers_every_string_in_code_and_templates():
    root = CATALOGS.parents[1]
    method_map = [("programme/**.py", "python"), ("templates/programme/**.html", "jinja2")]
    found = {m[2] for m in extract_from_dir(str(root), method_map=method_map,
                                            keywords={"_": None, "gettext": None, "lazy_gettext": None})
             if isinstance(m[2], str)}
    with open(CATALOGS / "uk" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        known = {m.id for m in read_po(fh) if m.id}
    assert found and found <= known, sorted(found - known)
