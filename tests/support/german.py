"""Checks for German UI text: the formal "Sie" address and German typography (issue #16).

Shared by the catalog test (tests/ops/test_german_formal_address.py) and the page tests that render German.
"""

from __future__ import annotations

import re

# Informal pronouns and possessives, as whole words only ("durch", "dual", "Dirigent", "teuer" stay fine).
INFORMAL_PRONOUN = re.compile(r"\b(?:du|dich|dir|dein(?:e[mnrs]?)?|euch|euer|eure[mnrs]?)\b", re.IGNORECASE)
# Second-person verb forms that are never anything else (lower case: a capitalised "Hast" is the noun).
INFORMAL_VERB = re.compile(
    r"\b(?:bist|hast|kannst|willst|musst|möchtest|wirst|sollst|darfst|weißt|seid|habt|könnt|wollt|müsst|"
    r"möchtet|dürft|sollt|werdet)\b"
)
# Du-imperatives of the verbs the interface uses. "ich öffne" (first person) and nouns such as "in Kürze",
# "die Wende", "eine Fülle" are spelled the same, so a preceding "ich" or article lets the word pass.
INFORMAL_IMPERATIVE = re.compile(
    r"(?<![\w-])(?:öffne|prüfe|wähle|gib|geh|gehe|schreib|schreibe|sieh|nimm|denk|denke|führe|speichere|hebe|"
    r"kreuze|setze|lösche|ergänze|erwäge|lies|exportiere|erlaube|bestätige|entferne|kürze|lade|warte|drücke|"
    r"fülle|schlage|melde|wende|klicke|tippe|versuche es)\b",
    re.IGNORECASE,
)
IMPERATIVE_MAY_FOLLOW = {"ich", "in", "die", "der", "eine", "einer", "keine"}
# An adverbial "bitte" is followed by a formal imperative: "Bitte öffnen Sie…". "Diese Bitte um…" is the noun.
PLEASE = re.compile(r"\bbitte\s+(\S+)(?:\s+(\S+))?", re.IGNORECASE)
NOUN_PLEASE_AFTER = {"die", "diese", "eine", "keine", "ihre", "jede", "der", "einer", "ihrer"}


def _word_before(text: str, start: int) -> str:
    words = re.findall(r"[\wäöüß]+", text[:start])
    return words[-1].lower() if words else ""


def informal_address(text: str) -> list[str]:
    """Every piece of `text` that addresses the reader with "du"/"ihr" instead of "Sie"."""
    found = [m.group(0) for m in INFORMAL_PRONOUN.finditer(text)]
    found += [m.group(0) for m in INFORMAL_VERB.finditer(text)]
    found += [m.group(0) for m in INFORMAL_IMPERATIVE.finditer(text)
              if _word_before(text, m.start()) not in IMPERATIVE_MAY_FOLLOW]
    for m in PLEASE.finditer(text):
        if _word_before(text, m.start()) in NOUN_PLEASE_AFTER:
            continue
        if (m.group(2) or "").strip(".,;:!?—–") != "Sie":
            found.append(m.group(0))
    return found


def typography_problems(text: str) -> list[str]:
    """German quotation marks open with „ and close with “ (straight and English closing quotes do not belong);
    the German dash between words is the spaced en dash " – ", not the English em dash."""
    problems = [f"{mark!r} quotation mark" for mark in ('"', "”") if mark in text]
    if "—" in text:
        problems.append("English em dash (German uses ' – ')")
    marks = "".join(c for c in text if c in "„“")
    if marks != "„“" * (len(marks) // 2):
        problems.append(f"unbalanced German quotation marks {marks!r}")
    return problems
