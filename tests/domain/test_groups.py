"""Group sizes and forming at the edges the rule names: 3/4 people, 5/6, 10/11/12, the lo/hi arguments, and the
forming paths for locks, moves and pins that do not fit (the general rule is in tests/services/test_group_forming)."""

from __future__ import annotations

import pytest

from lti_tool.domain.groups import MAX_SIZE, MIN_SIZE, form_groups, group_sizes


def test_the_blueprint_sizes():
    assert (MIN_SIZE, MAX_SIZE) == (4, 5)


@pytest.mark.parametrize(
    ("n", "sizes"),
    [
        (3, [3]),  # one below the minimum: one small group
        (4, [4]),  # exactly the minimum
        (5, [5]),  # exactly the maximum
        (6, [6]),  # one above the maximum, cannot split into two of >= 4
        (10, [5, 5]),  # the largest count two groups of 4-5 hold
        (11, [6, 5]),  # the last count where 4-5 is impossible
        (12, [4, 4, 4]),  # from here on 4-5 always works
        (13, [5, 4, 4]),
        (15, [5, 5, 5]),
        (16, [4, 4, 4, 4]),
    ],
)
def test_sizes_around_every_edge(n, sizes):
    assert group_sizes(n) == sizes


def test_negative_count_is_refused():
    with pytest.raises(ValueError, match=r"^A group count cannot be negative\.$"):
        group_sizes(-1)


@pytest.mark.parametrize(("lo", "hi"), [(0, 5), (5, 4)])
def test_impossible_bounds_are_refused(lo, hi):
    with pytest.raises(ValueError, match=r"^Need 1 <= lo <= hi\.$"):
        group_sizes(10, lo, hi)


def test_the_tightest_allowed_bounds_work():
    assert group_sizes(3, 1, 1) == [1, 1, 1]
    assert group_sizes(6, 3, 3) == [3, 3]
    assert group_sizes(7, 3, 3) == [4, 3]  # no split into threes: groups grow past hi instead of shrinking


def test_below_a_custom_minimum_is_one_group():
    assert group_sizes(2, 3, 4) == [2]
    assert group_sizes(3, 3, 4) == [3]


def test_forming_nobody_gives_no_groups():
    assert form_groups([], seed=1) == []


def test_a_locked_group_keeps_its_order_and_drops_leavers_and_duplicates():
    groups = form_groups(["a", "b", "c", "d", "e"], seed=1, locked={"g1": ["c", "x", "a", "c"]})
    locked = [g for g in groups if g.locked]
    assert len(locked) == 1
    assert locked[0].members == ["c", "a"] and locked[0].key == "g1"
    others = sorted(p for g in groups if not g.locked for p in g.members)
    assert others == ["b", "d", "e"]


def test_a_locked_group_whose_people_all_left_disappears():
    groups = form_groups(["a", "b"], seed=1, locked={"gone": ["x", "y"]})
    assert [g.locked for g in groups] == [False]


def test_a_person_in_two_locked_groups_stays_in_the_first():
    groups = form_groups(["a", "b", "c"], seed=1, locked={"g1": ["a", "b"], "g2": ["b", "c"]})
    assert [(g.key, g.members) for g in groups if g.locked] == [("g1", ["a", "b"]), ("g2", ["c"])]


def test_a_pin_to_a_locked_group_does_not_add_anybody_to_it():
    people = [f"p{i}" for i in range(8)]
    groups = form_groups(people, seed=3, locked={"g1": ["p0", "p1", "p2", "p3"]}, pinned={"p4": "g1"})
    assert next(g for g in groups if g.key == "g1").members == ["p0", "p1", "p2", "p3"]
    assert sorted(p for g in groups if not g.locked for p in g.members) == ["p4", "p5", "p6", "p7"]


def test_more_pinned_groups_than_the_rule_wants_keeps_every_one_and_evens_out():
    people = [f"p{i}" for i in range(8)]  # the rule wants 4+4; three facilitator groups exist
    pinned = {"p0": "A", "p1": "B", "p2": "C"}
    groups = form_groups(people, seed=5, pinned=pinned)
    assert sorted(len(g.members) for g in groups) == [2, 3, 3]
    for person, key in pinned.items():
        assert person in next(g for g in groups if g.key == key).members


def test_a_pinned_cluster_larger_than_its_slot_overflows_to_the_smallest_group():
    people = [f"p{i}" for i in range(9)]  # sizes 5 + 4
    pinned = {f"p{i}": "big" for i in range(6)}
    groups = form_groups(people, seed=2, pinned=pinned)
    big = next(g for g in groups if g.key == "big")
    assert sorted(big.members) == [f"p{i}" for i in range(6)] and sorted(big.pinned) == sorted(big.members)
    rest = [g for g in groups if g.key != "big"]
    assert len(rest) == 1 and sorted(rest[0].members) == ["p6", "p7", "p8"]


def test_a_cluster_bigger_than_any_slot_keeps_everyone_together():
    # 10 people -> slots 5 + 5; a pinned cluster of 7 takes one slot whole, the 3 others form the second group.
    people = [f"p{i}" for i in range(10)]
    groups = form_groups(people, seed=4, pinned={f"p{i}": "k" for i in range(7)})
    assert sorted(len(g.members) for g in groups) == [3, 7]


def test_the_largest_cluster_gets_the_largest_slot():
    people = [f"p{i}" for i in range(9)]  # slots 5, 4; "a" sorts first by name, so size must win
    groups = form_groups(people, seed=1, pinned={"p0": "a", "p1": "b", "p2": "b"})
    assert groups[0].key == "b" and len(groups[0].members) == 5
    assert groups[1].key == "a" and len(groups[1].members) == 4


def test_custom_bounds_reach_the_forming():
    groups = form_groups([f"p{i}" for i in range(7)], seed=1, lo=2, hi=3)
    assert sorted(len(g.members) for g in groups) == [2, 2, 3]


@pytest.mark.parametrize(
    ("people", "seed", "pinned", "expected"),
    [
        (13, "2026-spring", {}, [["p6", "p1", "p8", "p4", "p11"], ["p2", "p3", "p5", "p7"], ["p0", "p10", "p9", "p12"]]),
        (8, 5, {"p0": "A", "p1": "B", "p2": "C"}, [["p0", "p4", "p3"], ["p1", "p6", "p7"], ["p2", "p5"]]),
    ],
)
def test_a_stored_seed_reproduces_the_same_groups(people, seed, pinned, expected):
    # The seed is stored with a grouping so a facilitator can reproduce it later: a change to how people are
    # shuffled or poured into slots would silently give different groups for an old seed.
    groups = form_groups([f"p{i}" for i in range(people)], seed=seed, pinned=pinned)
    assert [g.members for g in groups] == expected


def test_pinned_keys_of_equal_size_are_ordered_by_their_text():
    people = [f"p{i}" for i in range(9)]
    groups = form_groups(people, seed=1, pinned={"p0": "b", "p1": "a"})
    assert [g.key for g in groups] == ["a", "b"]


def test_a_seed_reshuffles_and_the_same_seed_reproduces():
    people = [f"p{i}" for i in range(20)]
    first = [g.members for g in form_groups(people, seed=1)]
    assert [g.members for g in form_groups(list(reversed(people)), seed=1)] == first
    assert [g.members for g in form_groups(people, seed="1")] == first  # a stored seed is text
    assert any([g.members for g in form_groups(people, seed=s)] != first for s in range(2, 6))
