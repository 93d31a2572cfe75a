"""Breakout groups of 4–5 people from a course roster (plain Python, no Flask).

The Blueprint's workshop format puts people in online breakouts of 4–5. The sizing rule, in order of priority:

1. Never a group of 1–3 when it can be avoided: with 4 or more people every group has at least 4.
2. Groups of 4–5 whenever the count allows it (every n >= 12, and 4, 5, 8, 9, 10): as few groups as
   possible, sizes as even as possible, larger groups first (23 -> 5,5,5,4,4; 101 -> 17 x 5 + 4 x 4).
3. When 4–5 is impossible (6, 7 and 11 people) rule 1 wins over the upper bound: fewer, larger groups
   (6 -> one group of 6, 7 -> one of 7, 11 -> 6,5). A facilitator who prefers 3+3 moves people by hand.
4. 1, 2 or 3 people form one small group (unavoidable); 0 people form no group.

Forming is deterministic for a given seed and set of people (the order people are passed in does not
matter), so "regenerate" with a new seed reshuffles and a stored seed reproduces a past result.
Locked groups are kept as they are (minus people no longer on the roster) and their members are not
reshuffled; people the facilitator moved ("pinned") stay together in one group while the others are
shuffled around them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MIN_SIZE = 4
MAX_SIZE = 5


def group_sizes(n: int, lo: int = MIN_SIZE, hi: int = MAX_SIZE) -> list[int]:
    """The sizes of the groups `n` people form, largest first (see the module docstring for the rule)."""
    if n < 0:
        raise ValueError("A group count cannot be negative.")
    if lo < 1 or hi < lo:
        raise ValueError("Need 1 <= lo <= hi.")
    if n == 0:
        return []
    if n < lo:
        return [n]
    k = math.ceil(n / hi)
    if k * lo > n:  # no split into lo..hi exists: keep every group >= lo, let some exceed hi
        k = n // lo
    q, r = divmod(n, k)
    return [q + 1] * r + [q] * (k - r)


@dataclass
class PlannedGroup:
    """One group in a plan: its members in a stable order, and the key of the group it continues (if any)."""

    members: list[str]
    key: Hashable | None = None
    locked: bool = False
    pinned: list[str] = field(default_factory=list)


def form_groups(
    people: Iterable[str],
    seed: int | str,
    *,
    locked: Mapping[Hashable, Sequence[str]] | None = None,
    pinned: Mapping[str, Hashable] | None = None,
    lo: int = MIN_SIZE,
    hi: int = MAX_SIZE,
) -> list[PlannedGroup]:
    """Split `people` (ids) into breakout groups.

    `locked` maps a group key to its members: those groups come back unchanged (except people who are no
    longer in `people`); nobody else joins them. `pinned` maps a person to the key of the group a facilitator
    moved them into: people pinned to the same key stay together in one new group (which keeps that key),
    and the remaining people are shuffled with `seed` to fill the groups up to the sizes `group_sizes` gives.
    """
    everyone = sorted(set(people))
    present = set(everyone)
    result: list[PlannedGroup] = []
    taken: set[str] = set()
    for key, members in (locked or {}).items():
        kept = [p for p in dict.fromkeys(members) if p in present and p not in taken]
        taken.update(kept)
        if kept:
            result.append(PlannedGroup(kept, key=key, locked=True))

    free = [p for p in everyone if p not in taken]
    clusters: dict[Hashable, list[str]] = {}
    for person in free:
        key = (pinned or {}).get(person)
        if key is not None and key not in (locked or {}):
            clusters.setdefault(key, []).append(person)
    pinned_people = {p for members in clusters.values() for p in members}
    loose = [p for p in free if p not in pinned_people]
    rng = random.Random(f"{seed}")
    rng.shuffle(loose)

    sizes = group_sizes(len(free), lo, hi)
    if len(clusters) > len(sizes):
        # More pinned groups than the sizing rule wants: keep every pinned group, spread the rest evenly.
        k = len(clusters)
        q, r = divmod(len(free), k)
        sizes = [q + 1] * r + [q] * (k - r)
    groups = [PlannedGroup([]) for _ in sizes]
    # Largest pinned cluster into the largest slot; the order of keys is made stable by sorting on str().
    ordered = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
    for slot, (key, members) in zip(groups, ordered, strict=False):
        slot.key = key
        slot.members = list(members)
        slot.pinned = list(members)
    queue = list(loose)
    for slot, size in zip(groups, sizes, strict=True):
        while len(slot.members) < size and queue:
            slot.members.append(queue.pop(0))
    # Pinned clusters larger than their slot leave people over: each goes to the currently smallest group.
    while queue:
        smallest = min(groups, key=lambda g: len(g.members))
        smallest.members.append(queue.pop(0))
    result.extend(g for g in groups if g.members)
    return result
