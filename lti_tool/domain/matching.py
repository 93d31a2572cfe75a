"""Mentor–mentee matching: a fit score per possible pair, an optimal assignment, and plain reasons.

Plain Python (no Flask, no database), so it can be tested and benchmarked on its own.

* Fit rewards a mentor who *offers* (or is experienced in) the areas a mentee *wants to develop*, a realistic
  time budget and a shared way of keeping in touch. Each mentee's domain fit is normalised by how many areas
  they chose, so somebody who ticked ten areas does not outweigh somebody who ticked one.
* A shared language is a hard constraint (a pair who cannot talk is no pair); when somebody did not say which
  languages they use, the pair is allowed but scored lower and the explanation says so. Availability is
  soft by default (a mentor offering less time than hoped for costs fit) and can be made hard.
* Each mentor takes at most `max_mentees`: the mentor's column is duplicated once per place, and later
  places cost slightly more, so mentees are spread across mentors before anybody gets a second one.
* The assignment is SciPy's `linear_sum_assignment` (Hungarian / Jonker–Volgenant) on that matrix; pairs
  that break a hard constraint cost so much that they are chosen only when nothing else is possible, and
  are then dropped, so the result maximises first the number of feasible pairs, then the total fit.
* Reasons are data (codes + ids), turned into sentences in the reader's language by the caller, so the
  same explanation reads naturally in every language and always matches the answers it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

# Availability options from the content, in increasing amount of time.
AVAILABILITY_ORDER: tuple[str, ...] = ("one-hour-month", "two-hours-month", "weekly")
STRONG_LEVEL = 3  # "I work with this confidently" and up

# Weights of the fit score (a perfect pair scores about 10).
W_OFFERED = 6.0  # the mentor offers the wanted areas (normalised over the mentee's wanted areas)
W_EXPERIENCE = 2.0  # the mentor is experienced in the wanted areas (level >= STRONG_LEVEL)
W_TIME = 1.0  # the mentor's time covers what the mentee hopes for
W_TIME_SHORT = 1.5  # penalty per availability step the mentor falls short
W_CHANNEL = 1.0  # at least one shared way of keeping in touch
W_LANGUAGE_UNKNOWN = 1.0  # penalty when one of them did not name their languages
SLOT_STEP = 0.05  # extra cost of a mentor's 2nd, 3rd… place: spread mentees across mentors first
INFEASIBLE = 1e6  # cost of a pair that breaks a hard constraint


@dataclass(frozen=True)
class Person:
    """One side of a possible pair, built from the person's self-assessment answers.

    `areas` are the areas a mentee wants to develop, or the areas a mentor offers. Empty sets mean
    "did not answer", never "none".
    """

    id: int
    areas: frozenset[str] = frozenset()
    strengths: Mapping[str, int] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    availability: str | None = None

    @classmethod
    def from_answers(cls, person_id: int, answers: Mapping[str, Any] | None) -> Person:
        """Read the self-assessment answer document (question id -> answer) of the content format."""
        answers = answers or {}
        strengths = answers.get("domains-strengths") or {}
        availability = answers.get("availability")
        return cls(
            id=person_id,
            areas=frozenset(answers.get("domains-wanted") or ()),
            strengths={str(k): int(v) for k, v in strengths.items() if isinstance(v, int)},
            languages=frozenset(answers.get("languages") or ()),
            channels=frozenset(answers.get("channels") or ()),
            availability=availability if availability in AVAILABILITY_ORDER else None,
        )


@dataclass(frozen=True)
class Settings:
    max_mentees: int = 2
    availability_required: bool = False  # hard: the mentor's time must cover what the mentee hopes for


@dataclass(frozen=True)
class Reason:
    """One plain fact about a pair: `code` names the sentence, `items` the ids it lists (domains,
    languages, channels), `mentee`/`mentor` the availability option ids where relevant."""

    code: str
    items: tuple[str, ...] = ()
    mentee: str | None = None
    mentor: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code}
        if self.items:
            data["items"] = list(self.items)
        if self.mentee is not None:
            data["mentee"] = self.mentee
        if self.mentor is not None:
            data["mentor"] = self.mentor
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reason:
        return cls(str(data["code"]), tuple(data.get("items") or ()), data.get("mentee"), data.get("mentor"))


# Reason codes (the caller owns their wording).
SHARED_LANGUAGES = "shared_languages"  # items: languages both named
NO_SHARED_LANGUAGE = "no_shared_language"  # only ever on pairs a facilitator forced
LANGUAGES_UNKNOWN = "languages_unknown"  # one of them did not name languages
OFFERS_WANTED = "offers_wanted"  # items: areas the mentor offers and the mentee wants
EXPERIENCED_IN_WANTED = "experienced_in_wanted"  # items: wanted areas the mentor is strong in but did not offer
NO_AREA_OVERLAP = "no_area_overlap"  # the mentee named areas, none of which the mentor offers or is strong in
AREAS_UNKNOWN = "areas_unknown"  # the mentee did not name areas to develop
TIME_COVERS = "time_covers"  # mentee/mentor: availability option ids
TIME_SHORT = "time_short"
SHARED_CHANNELS = "shared_channels"  # items: channels both named
NO_SHARED_CHANNEL = "no_shared_channel"

# Why somebody is left without a pair.
NO_MENTORS = "no_mentors"
NO_MENTEES = "no_mentees"
NO_LANGUAGE_MATCH = "no_language_match"  # nobody on the other side shares a language
NO_TIME_MATCH = "no_time_match"  # (hard availability) nobody offers / needs compatible time
CAPACITY_FULL = "capacity_full"  # every suitable mentor's places went to mentees who fit at least as well
NOT_CHOSEN = "not_chosen"  # a mentor whose possible mentees were all better placed elsewhere


@dataclass(frozen=True)
class Pair:
    mentee: int
    mentor: int
    score: float
    reasons: tuple[Reason, ...]
    locked: bool = False


@dataclass(frozen=True)
class Unmatched:
    person: int
    side: str  # "mentee" | "mentor"
    reason: str


@dataclass(frozen=True)
class Result:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]

    def mentor_of(self, mentee: int) -> int | None:
        return next((p.mentor for p in self.pairs if p.mentee == mentee), None)


def _ordered(values: Iterable[str], order: Sequence[str] | None = None) -> tuple[str, ...]:
    """Stable order for reasons: the content's order where known, else alphabetical."""
    values = set(values)
    if order:
        known = [v for v in order if v in values]
        return tuple(known + sorted(values - set(known)))
    return tuple(sorted(values))


def _time_gap(mentee: Person, mentor: Person) -> int | None:
    """How many availability steps the mentor falls short (0 = covers it), None when either is unknown."""
    if mentee.availability is None or mentor.availability is None:
        return None
    gap = AVAILABILITY_ORDER.index(mentee.availability) - AVAILABILITY_ORDER.index(mentor.availability)
    return max(0, gap)


def feasible(mentee: Person, mentor: Person, settings: Settings) -> bool:
    """Hard constraints: not oneself, a shared language when both named theirs, enough time if required."""
    if mentee.id == mentor.id:
        return False
    if mentee.languages and mentor.languages and not (mentee.languages & mentor.languages):
        return False
    if settings.availability_required and (_time_gap(mentee, mentor) or 0) > 0:
        return False
    return True


def fit(mentee: Person, mentor: Person) -> float:
    """Soft fit of a (feasible) pair; higher is better."""
    score = 0.0
    if mentee.areas:
        offered = len(mentee.areas & mentor.areas)
        strong = sum(1 for a in mentee.areas if mentor.strengths.get(a, 0) >= STRONG_LEVEL)
        score += W_OFFERED * offered / len(mentee.areas) + W_EXPERIENCE * strong / len(mentee.areas)
    gap = _time_gap(mentee, mentor)
    if gap == 0:
        score += W_TIME
    elif gap:
        score -= W_TIME_SHORT * gap
    if mentee.channels and mentor.channels and mentee.channels & mentor.channels:
        score += W_CHANNEL
    if not (mentee.languages and mentor.languages):
        score -= W_LANGUAGE_UNKNOWN
    return score


def explain(mentee: Person, mentor: Person, *, domain_order: Sequence[str] | None = None) -> tuple[Reason, ...]:
    """Every fact the score used, from the pair's own answers (and only from them)."""
    reasons: list[Reason] = []
    if mentee.languages and mentor.languages:
        common = mentee.languages & mentor.languages
        reasons.append(
            Reason(SHARED_LANGUAGES, _ordered(common)) if common else Reason(NO_SHARED_LANGUAGE)
        )
    else:
        reasons.append(Reason(LANGUAGES_UNKNOWN))
    if not mentee.areas:
        reasons.append(Reason(AREAS_UNKNOWN))
    else:
        offered = mentee.areas & mentor.areas
        strong = {a for a in mentee.areas - offered if mentor.strengths.get(a, 0) >= STRONG_LEVEL}
        if offered:
            reasons.append(Reason(OFFERS_WANTED, _ordered(offered, domain_order)))
        if strong:
            reasons.append(Reason(EXPERIENCED_IN_WANTED, _ordered(strong, domain_order)))
        if not offered and not strong:
            reasons.append(Reason(NO_AREA_OVERLAP))
    gap = _time_gap(mentee, mentor)
    if gap is not None:
        reasons.append(Reason(TIME_COVERS if gap == 0 else TIME_SHORT, (), mentee.availability, mentor.availability))
    if mentee.channels and mentor.channels:
        channels = mentee.channels & mentor.channels
        reasons.append(Reason(SHARED_CHANNELS, _ordered(channels)) if channels else Reason(NO_SHARED_CHANNEL))
    return tuple(reasons)


def make_pair(
    mentee: Person, mentor: Person, *, locked: bool = False, domain_order: Sequence[str] | None = None
) -> Pair:
    return Pair(mentee.id, mentor.id, round(fit(mentee, mentor), 4), explain(mentee, mentor,
                domain_order=domain_order), locked)


def match(
    mentees: Sequence[Person],
    mentors: Sequence[Person],
    settings: Settings = Settings(),
    locked: Iterable[tuple[int, int]] = (),
    *,
    domain_order: Sequence[str] | None = None,
) -> Result:
    """Propose pairs. `locked` (mentee id, mentor id) pairs are kept as they are and use up the mentor's
    places; everybody else is assigned optimally. A person may appear on both sides ("both" role) but is
    never paired with themselves."""
    if settings.max_mentees < 1:
        raise ValueError("max_mentees must be at least 1")
    mentee_by_id = {p.id: p for p in mentees}
    mentor_by_id = {p.id: p for p in mentors}
    pairs: list[Pair] = []
    taken: dict[int, int] = {}
    for mentee_id, mentor_id in locked:
        if mentee_id in mentee_by_id and mentor_id in mentor_by_id and mentee_id not in {p.mentee for p in pairs}:
            pairs.append(make_pair(mentee_by_id[mentee_id], mentor_by_id[mentor_id], locked=True,
                                   domain_order=domain_order))
            taken[mentor_id] = taken.get(mentor_id, 0) + 1
    locked_mentees = {p.mentee for p in pairs}
    rows = [p for p in mentees if p.id not in locked_mentees]
    columns: list[tuple[Person, int]] = [
        (mentor, slot)
        for mentor in mentors
        for slot in range(taken.get(mentor.id, 0), settings.max_mentees)
    ]
    assigned: dict[int, int] = {}
    if rows and columns:
        base = np.full((len(rows), len(mentors)), INFEASIBLE)
        row_index = {p.id: i for i, p in enumerate(rows)}
        mentor_index = {m.id: k for k, m in enumerate(mentors)}
        for i, mentee in enumerate(rows):
            for k, mentor in enumerate(mentors):
                if feasible(mentee, mentor, settings):
                    base[i, k] = -fit(mentee, mentor)
        column_mentor = np.array([mentor_index[mentor.id] for mentor, _slot in columns])
        column_slot = np.array([slot for _mentor, slot in columns], dtype=float)
        fixed = {(p.mentee, p.mentor) for p in pairs}
        # Two people in both roles must not end up as each other's mentor: when the optimum does that,
        # forbid the weaker direction and solve again (each round forbids one more pair, so this ends).
        # Two locked pairs that form such a cycle were the facilitator's explicit choice and stay.
        while True:
            assigned = _assign(base, column_mentor, column_slot, rows, columns)
            chosen = set(assigned.items()) | fixed
            mutual = [
                (a, b) for a, b in chosen if (b, a) in chosen and a < b and not {(a, b), (b, a)} <= fixed
            ]
            if not mutual:
                break
            for a, b in mutual:
                # Forbid whichever direction is free to change and fits worse.
                options = [(x, y) for x, y in ((a, b), (b, a)) if (x, y) not in fixed]
                x, y = min(options, key=lambda d: -base[row_index[d[0]], mentor_index[d[1]]])
                base[row_index[x], mentor_index[y]] = INFEASIBLE
    for mentee in rows:
        mentor_id = assigned.get(mentee.id)
        if mentor_id is not None:
            pairs.append(make_pair(mentee, mentor_by_id[mentor_id], domain_order=domain_order))
    matched_mentors = {p.mentor for p in pairs}
    unmatched = [
        Unmatched(m.id, "mentee", why_mentee(m, mentors, settings)) for m in rows if m.id not in assigned
    ] + [
        Unmatched(m.id, "mentor", why_mentor(m, mentees, settings))
        for m in mentors
        if m.id not in matched_mentors
    ]
    pairs.sort(key=lambda p: (p.mentor, p.mentee))
    return Result(tuple(pairs), tuple(unmatched))


def _assign(
    base: np.ndarray, column_mentor: np.ndarray, column_slot: np.ndarray,
    rows: Sequence[Person], columns: Sequence[tuple[Person, int]],
) -> dict[int, int]:
    """One optimal assignment: mentee id -> mentor id, feasible pairs only."""
    cost = base[:, column_mentor]
    cost = np.where(cost < INFEASIBLE / 2, cost + SLOT_STEP * column_slot, cost)
    row_idx, col_idx = linear_sum_assignment(cost)
    return {
        rows[i].id: columns[j][0].id for i, j in zip(row_idx, col_idx, strict=True) if cost[i, j] < INFEASIBLE / 2
    }


def why_mentee(mentee: Person, mentors: Sequence[Person], settings: Settings) -> str:
    others = [m for m in mentors if m.id != mentee.id]
    if not others:
        return NO_MENTORS
    speaking = [m for m in others if feasible(mentee, m, Settings(settings.max_mentees, False))]
    if not speaking:
        return NO_LANGUAGE_MATCH
    if not any(feasible(mentee, m, settings) for m in speaking):
        return NO_TIME_MATCH
    return CAPACITY_FULL


def why_mentor(mentor: Person, mentees: Sequence[Person], settings: Settings) -> str:
    others = [m for m in mentees if m.id != mentor.id]
    if not others:
        return NO_MENTEES
    speaking = [m for m in others if feasible(m, mentor, Settings(settings.max_mentees, False))]
    if not speaking:
        return NO_LANGUAGE_MATCH
    if not any(feasible(m, mentor, settings) for m in speaking):
        return NO_TIME_MATCH
    return NOT_CHOSEN
