"""Facilitator insight rules: anonymised aggregates only, never below a minimum group size, and themes
computed from *shared* reflections only (the caller passes nothing else in)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

MIN_GROUP = 5

# Short, common words that say nothing about a theme (per language; the UI languages of the programme).
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a about after again all also am an and any are as at be because been but by can could did do does "
        "for from had has have he her him his how i if in into is it its just me more my no not of on or our "
        "out she so some than that the their them then there they this to too up us very was we were what "
        "when where which who will with would you your".split()
    ),
    "nl": frozenset(
        "aan al als bij dan dat de die dit door een en er had heb heeft het hij hoe ik in is je jij kan maar "
        "me met mij mijn naar niet nog of om ook op over te tot u uit van veel voor was wat we wel werd wie "
        "wij zal ze zich zij zijn zo".split()
    ),
    "de": frozenset(
        "aber als am an auch auf aus bei bin bis da das dass dem den der des die du ein eine einen er es für "
        "hat habe ich ihr im in ist ja kann mein meine mich mir mit nach nicht noch nur oder sehr sich sie "
        "so und uns von war was wie wir zu zum zur".split()
    ),
    "uk": frozenset(
        "а але б би в від все вже ви для до є же з за и із й коли мене мені ми мій мою моя на не ні про та "
        "так також те ти то тому у це що щоб як які я".split()
    ),
}
_ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def enough(people: int, minimum: int = MIN_GROUP) -> bool:
    """Whether an aggregate over `people` distinct people may be shown."""
    return people >= minimum


def words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if len(w) > 2 and w not in _ALL_STOPWORDS]


def themes(texts_by_author: Iterable[tuple[object, str]], top: int = 15, minimum: int = MIN_GROUP
           ) -> list[tuple[str, int]] | None:
    """Most frequent words and two-word phrases over (author, text) pairs, counted once per author so one
    talkative person cannot make a theme; None when fewer than `minimum` distinct authors wrote.

    A term is reported only when at least two people used it, so a rare word cannot point at one person.
    """
    per_author: dict[object, set[str]] = {}
    for author, text in texts_by_author:
        tokens = words(text)
        terms = set(tokens) | {f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)}
        per_author.setdefault(author, set()).update(terms)
    if not enough(len(per_author), minimum):
        return None
    counts: Counter[str] = Counter()
    for terms in per_author.values():
        counts.update(terms)
    ranked = [(term, n) for term, n in counts.items() if n >= 2]
    ranked.sort(key=lambda item: (-item[1], -len(item[0].split()), item[0]))
    return ranked[:top]
