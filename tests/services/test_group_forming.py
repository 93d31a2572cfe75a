"""The grouping rule (lti_tool.domain.groups): sizes for every edge case, determinism, locks and moves."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_tool.domain.groups import form_groups, group_sizes


@pytest.mark.parametrize(
    ("n", "sizes"),
    [
        (0, []),
        (1, [1]),
        (2, [2]),
        (3, [3]),
        (4, [4]),
        (5, [5]),
        (6, [6]),  # 3+3 would create two groups below 4; one group of 6 avoids that
        (7, [7]),
        (8, [4, 4]),
        (9, [5, 4]),
        (11, [6, 5]),
        (12, [4, 4, 4]),
        (23, [5, 5, 5, 4, 4]),
        (25, [5, 5, 5, 5, 5]),
    ],
)
def test_sizes(n, sizes):
    assert group_sizes(n) == sizes


def test_101_people_make_21_groups_of_five_and_four():
    sizes = group_sizes(101)
    assert len(sizes) == 21 and sum(sizes) == 101
    assert sizes.count(5) == 17 and sizes.count(4) == 4


@given(st.integers(min_value=0, max_value=2000))
def test_sizes_rule_holds_for_any_count(n):
    sizes = group_sizes(n)
    assert sum(sizes) == n
    if n >= 4:
        assert min(sizes) >= 4  # never a group of 1-3 when avoidable
    if n >= 12 or n in (4, 5, 8, 9, 10):
        assert max(sizes) <= 5
    if sizes:
        assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("n", [0, 1, 4, 5, 6, 23, 101])
def test_everyone_in_exactly_one_group(n):
    people = [f"p{i}" for i in range(n)]
    groups = form_groups(people, seed=7)
    placed = [p for g in groups for p in g.members]
    assert sorted(placed) == sorted(people)
    assert sorted(len(g.members) for g in groups) == sorted(group_sizes(n))


def test_deterministic_for_a_seed_and_independent_of_input_order():
    people = [f"p{i}" for i in range(23)]
    a = [g.members for g in form_groups(people, seed="abc")]
    b = [g.members for g in form_groups(list(reversed(people)), seed="abc")]
    c = [g.members for g in form_groups(people, seed="other")]
    assert a == b
    assert a != c


def test_locked_groups_stay_and_leavers_drop_out():
    people = [f"p{i}" for i in range(14)]
    locked = {"g1": ["p0", "p1", "p2", "p3", "gone"]}
    groups = form_groups(people, seed=1, locked=locked)
    kept = [g for g in groups if g.locked]
    assert len(kept) == 1 and kept[0].members == ["p0", "p1", "p2", "p3"] and kept[0].key == "g1"
    others = [g for g in groups if not g.locked]
    assert sorted(len(g.members) for g in others) == [5, 5]  # the 10 others, 4-5 each
    assert not {"p0", "p1", "p2", "p3"} & {p for g in others for p in g.members}


def test_moved_people_stay_together():
    people = [f"p{i}" for i in range(23)]
    pinned = {"p3": "team-a", "p17": "team-a", "p9": "team-b"}
    for seed in range(5):
        groups = form_groups(people, seed=seed, pinned=pinned)
        a = next(g for g in groups if g.key == "team-a")
        b = next(g for g in groups if g.key == "team-b")
        assert {"p3", "p17"} <= set(a.members) and "p9" in b.members
        assert sorted(len(g.members) for g in groups) == [4, 4, 5, 5, 5]


def test_bad_input():
    with pytest.raises(ValueError):
        group_sizes(-1)
