"""Workshop plan checks: total time against the format's bounds, group sizes against the Blueprint's advice
(15–25 participants; 4–5 per breakout; online 90–120 min, in person a half day of 180–240 min)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_FORMATS = {"online": (90, 120), "in_person": (180, 240)}
DEFAULT_PARTICIPANTS = (15, 25)
DEFAULT_BREAKOUT = (4, 5)
MAX_STEP_MINUTES = 240


@dataclass(frozen=True)
class Advice:
    """One finding: `code` is stable (tests, templates pick the sentence), `level` is ok | warn."""

    code: str
    level: str
    values: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanCheck:
    total: int
    min_minutes: int
    max_minutes: int
    within_bounds: bool
    groups: int
    advice: tuple[Advice, ...]


def check_plan(
    minutes: Mapping[str, int],
    fmt: str,
    participants: int,
    breakout_size: int,
    formats: Mapping[str, tuple[int, int]] = DEFAULT_FORMATS,
    participant_range: tuple[int, int] = DEFAULT_PARTICIPANTS,
    breakout_range: tuple[int, int] = DEFAULT_BREAKOUT,
) -> PlanCheck:
    """Totals and advice for a plan; never refuses a plan — a trainer may have good reasons to differ."""
    if fmt not in formats:
        raise ValueError(f"unknown format {fmt!r}")
    low, high = formats[fmt]
    total = sum(max(0, int(m)) for m in minutes.values())
    advice: list[Advice] = []
    if total < low:
        advice.append(Advice("too_short", "warn", {"total": total, "min": low, "missing": low - total}))
    elif total > high:
        advice.append(Advice("too_long", "warn", {"total": total, "max": high, "extra": total - high}))
    else:
        advice.append(Advice("time_ok", "ok", {"total": total, "min": low, "max": high}))

    p_low, p_high = participant_range
    if participants < p_low:
        advice.append(Advice("few_participants", "warn", {"participants": participants, "min": p_low}))
    elif participants > p_high:
        advice.append(Advice("many_participants", "warn", {"participants": participants, "max": p_high}))

    b_low, b_high = breakout_range
    size = max(1, breakout_size)
    if not b_low <= size <= b_high:
        advice.append(Advice("breakout_size", "warn", {"size": size, "min": b_low, "max": b_high}))
    groups = max(1, math.ceil(participants / size)) if participants > 0 else 0
    if participants > 0:
        smallest = participants - (groups - 1) * size if groups > 1 else participants
        # With ceil-division the last group can end up small; rebalancing evens the sizes out.
        per_group_min = participants // groups
        if smallest < b_low and per_group_min < b_low:
            advice.append(Advice("uneven_groups", "warn", {"groups": groups, "participants": participants}))
        else:
            advice.append(Advice("groups", "ok", {"groups": groups, "participants": participants}))
    return PlanCheck(total, low, high, low <= total <= high, groups, tuple(advice))


def parse_minutes(raw: str | None, default: int) -> int:
    """A minutes field from a form: whole minutes in [0, MAX_STEP_MINUTES]; rubbish -> ValueError."""
    if raw is None or raw.strip() == "":
        return default
    value = int(raw.strip())
    if not 0 <= value <= MAX_STEP_MINUTES:
        raise ValueError("out of range")
    return value
