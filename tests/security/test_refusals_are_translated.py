"""Issue #6: every refusal a person can see is in their language. Two checks over the source:

- no view raises a LaunchError/FormError with a plain English literal (or f-string) as its message;
- every string marked for translation in these modules and their templates has a nl/uk/de translation in one of
  the catalogs the app loads, and each compiled .mo says the same as its .po.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lti_tool.web.i18n import TRANSLATION_DIRECTORIES

PACKAGE = Path(__file__).resolve().parents[2] / "lti_tool"
SOURCES = sorted(
    [PACKAGE / "web" / "forms.py", PACKAGE / "pages.py", PACKAGE / "privacy_views.py"]
    + [PACKAGE / "services" / f"{name}.py" for name in ("groups", "deep_linking", "grades_admin", "review")]
    + list((PACKAGE / "pairing").glob("*.py"))
    + list((PACKAGE / "activities").glob("*.py"))
)
TEMPLATES = sorted(
    [PACKAGE / "templates" / "_lang_switch.html", PACKAGE / "templates" / "launch_home.html"]
    + [p for part in ("services", "pairing", "activities", "privacy") for p in (PACKAGE / "templates" / part).glob("*.html")]
)
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
GETTEXT = {"_", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}
REFUSALS = {"LaunchError", "FormError"}


def _name(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _untranslated_messages(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and _name(node.func) in REFUSALS):
            continue
        message = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg == "message"), None)
        if isinstance(message, (ast.Constant, ast.JoinedStr)):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(message)[:80]}")
    return found


def test_every_refusal_message_goes_through_gettext():
    assert SOURCES and all(p.exists() for p in SOURCES)
    problems = [line for path in SOURCES for line in _untranslated_messages(path)]
    assert not problems, "English-only refusals:\n" + "\n".join(problems)


def _msgids() -> dict[str, str]:
    ids: dict[str, str] = {}
    for path in SOURCES + TEMPLATES:
        method = "python" if path.suffix == ".py" else "jinja2"
        for lineno, message, _comments, _context in extract_from_file(method, str(path), keywords=KEYWORDS):
            first = message[0] if isinstance(message, tuple) else message
            if first:
                ids.setdefault(first, f"{path.relative_to(PACKAGE.parent)}:{lineno}")
    return ids


def _catalog_dirs() -> list[Path]:
    return [PACKAGE / d for d in TRANSLATION_DIRECTORIES.split(";")]


@pytest.mark.parametrize("lang", ["nl", "uk", "de"])
def test_every_marked_string_is_translated(lang):
    translated: set[str] = set()
    for directory in _catalog_dirs():
        po_path = directory / lang / "LC_MESSAGES" / "messages.po"
        with open(po_path, "rb") as fh:
            catalog = read_po(fh)
        for m in catalog:
            if m.id and all(m.string if isinstance(m.string, tuple) else (m.string,)) and not m.fuzzy:
                translated.add(m.id[0] if isinstance(m.id, tuple) else m.id)
    ids = _msgids()
    assert len(ids) > 300
    missing = [f"{where}: {msgid!r}" for msgid, where in ids.items() if msgid not in translated]
    assert not missing, f"{lang}: not in any catalog:\n" + "\n".join(missing)


def _key(value: str | tuple | list) -> str | tuple:
    return value if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("lang", ["nl", "uk", "de"])
def test_compiled_catalogs_match_their_sources(lang):
    for directory in _catalog_dirs():
        folder = directory / lang / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as fh:
            po = {_key(m.id): _key(m.string) for m in read_po(fh) if m.id and not m.fuzzy}
        with open(folder / "messages.mo", "rb") as fh:
            mo = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
        assert mo == po, f"{folder}: run the catalog build again (.mo differs from .po)"
