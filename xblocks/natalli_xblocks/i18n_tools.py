"""Maintain the gettext catalogs in translations/<lang>/LC_MESSAGES/text.po (+ compiled .mo).

    python -m natalli_xblocks.i18n_tools extract   # update every .po from the sources (keeps translations)
    python -m natalli_xblocks.i18n_tools compile   # write the .mo files
    python -m natalli_xblocks.i18n_tools check     # exit 1 if a message is missing/untranslated or a .mo is stale

Messages come from Python (`_()`, `self.ugettext()`) and from templates (`{% t "..." %}`); the JavaScript gets
its strings already translated from Python, so it needs no catalog of its own.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
LOCALES = PACKAGE / "translations"
TARGET_LANGUAGES = ("nl", "uk", "de")
ALL_LANGUAGES = ("en", *TARGET_LANGUAGES)
KEYWORDS = {"_": None, "ugettext": None, "gettext": None}
# Words that really are spelled the same in a target language (anything else identical to English is a gap).
SAME_IN = {"nl": ("Privacy", "Module", "Scenario"), "de": (), "uk": ()}
_TEMPLATE_TAG = re.compile(r"""\{%\s*t\s+"((?:[^"\\]|\\.)*)"|\{%\s*t\s+'((?:[^'\\]|\\.)*)'""")


def messages() -> Iterator[tuple[str, str, int]]:
    """(msgid, file, line) for every translatable string in the package."""
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "i18n_tools.py":
            continue
        with path.open("rb") as handle:
            for lineno, _func, message, _comments in extract_python(handle, KEYWORDS, [], {}):
                if isinstance(message, str) and message:
                    yield message, path.name, lineno
    for path in sorted((PACKAGE / "templates").iterdir()):
        text = path.read_text(encoding="utf-8")
        for match in _TEMPLATE_TAG.finditer(text):
            yield match.group(1) or match.group(2), f"templates/{path.name}", text.count("\n", 0, match.start()) + 1


def template_catalog() -> Catalog:
    catalog = Catalog(project="natalli-xblocks", charset="utf-8")
    for msgid, filename, line in messages():
        catalog.add(msgid, locations=[(filename, line)])
    return catalog


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "text.po"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="natalli-xblocks", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def extract() -> None:
    for lang in ALL_LANGUAGES:
        catalog = read(lang)
        # A fresh template each time: Catalog.update() may adopt the template's Message objects, and the
        # English pass below fills them in, which must not leak into the other languages.
        catalog.update(template_catalog(), no_fuzzy_matching=True)
        catalog.fuzzy = False
        catalog.version = "0.1.0"
        catalog.copyright_holder = "NatAlli XBlocks contributors"
        catalog.last_translator = "NatAlli XBlocks maintainers"
        catalog.language_team = f"{lang} (NatAlli XBlocks)"
        if lang == "en":  # the source language translates to itself
            for message in catalog:
                if message.id:
                    message.string = message.id
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with po_path(lang).open("wb") as handle:
            write_po(handle, catalog, width=110, omit_header=False, ignore_obsolete=True)


def _mo_bytes(lang: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read(lang), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for lang in ALL_LANGUAGES:
        po_path(lang).with_suffix(".mo").write_bytes(_mo_bytes(lang))


def problems() -> list[str]:
    """Everything that would show a learner an English string in nl/uk/de, or a stale compiled catalog."""
    wanted = {msgid for msgid, _f, _l in messages()}
    found: list[str] = []
    for lang in ALL_LANGUAGES:
        catalog = read(lang)
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            if message is None or not message.string or message.fuzzy:
                found.append(f"{lang}: untranslated: {msgid!r}")
            elif lang != "en" and message.string == msgid and msgid not in SAME_IN.get(lang, ()):
                found.append(f"{lang}: still English: {msgid!r}")
            elif set(re.findall(r"\{\w+\}", msgid)) != set(re.findall(r"\{\w+\}", message.string)):
                found.append(f"{lang}: placeholders differ: {msgid!r}")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or _translations(read_mo_file(mo)) != _translations(catalog):
            found.append(f"{lang}: {mo.name} is missing or older than text.po (run compile)")
    return found


def read_mo_file(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_mo(handle)


def _translations(catalog: Catalog) -> dict:
    """What a compiled catalog answers (ids to strings), not its bytes: the bytes also name the Babel
    version that wrote them, which changes with every Babel release."""
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    elif command == "check":
        issues = problems()
        print("\n".join(issues) or "catalogs complete")
        return 1 if issues else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
