"""Workshop plan checks at every bound: the format's minutes, 15-25 participants, breakouts of 4-5, the
uneven-groups warning, and the per-step minutes a form may send."""

from __future__ import annotations

import pytest

from lti_tool.domain.planner import MAX_STEP_MINUTES, check_plan, parse_minutes


def codes(check) -> set[str]:
    return {a.code for a in check.advice}


@pytest.mark.parametrize(
    ("fmt", "total", "code", "within"),
    [
        ("online", 89, "too_short", False),
        ("online", 90, "time_ok", True),
        ("online", 120, "time_ok", True),
        ("online", 121, "too_long", False),
        ("in_person", 179, "too_short", False),
        ("in_person", 180, "time_ok", True),
        ("in_person", 240, "time_ok", True),
        ("in_person", 241, "too_long", False),
    ],
)
def test_time_bounds_are_inclusive(fmt, total, code, within):
    check = check_plan({"a": total}, fmt, 20, 5)
    assert code in codes(check)
    assert check.within_bounds is within
    assert check.total == total


def test_time_advice_carries_the_figures_a_sentence_needs():
    short = check_plan({"a": 60, "b": 20}, "online", 20, 5).advice[0]
    assert (short.code, dict(short.values)) == ("too_short", {"total": 80, "min": 90, "missing": 10})
    long = check_plan({"a": 130}, "online", 20, 5).advice[0]
    assert (long.code, dict(long.values)) == ("too_long", {"total": 130, "max": 120, "extra": 10})
    ok = check_plan({"a": 100}, "online", 20, 5)
    assert dict(ok.advice[0].values) == {"total": 100, "min": 90, "max": 120}
    assert (ok.min_minutes, ok.max_minutes) == (90, 120)


def test_negative_minutes_count_as_zero():
    assert check_plan({"a": 100, "b": -50}, "online", 20, 5).total == 100


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        check_plan({}, "hybrid", 20, 5)


@pytest.mark.parametrize(
    ("participants", "warning"),
    [(14, "few_participants"), (15, None), (25, None), (26, "many_participants")],
)
def test_participant_bounds_are_inclusive(participants, warning):
    found = codes(check_plan({"a": 100}, "online", participants, 5)) & {"few_participants", "many_participants"}
    assert found == ({warning} if warning else set())


def test_participant_advice_values():
    few = next(a for a in check_plan({"a": 100}, "online", 14, 5).advice if a.code == "few_participants")
    assert dict(few.values) == {"participants": 14, "min": 15}
    many = next(a for a in check_plan({"a": 100}, "online", 26, 5).advice if a.code == "many_participants")
    assert dict(many.values) == {"participants": 26, "max": 25}


@pytest.mark.parametrize(("size", "warned"), [(3, True), (4, False), (5, False), (6, True)])
def test_breakout_bounds_are_inclusive(size, warned):
    check = check_plan({"a": 100}, "online", 20, size)
    assert ("breakout_size" in codes(check)) is warned


def test_breakout_advice_values_and_a_size_below_one_counts_as_one():
    advice = next(a for a in check_plan({"a": 100}, "online", 20, 0).advice if a.code == "breakout_size")
    assert dict(advice.values) == {"size": 1, "min": 4, "max": 5}
    assert check_plan({"a": 100}, "online", 20, 0).groups == 20


@pytest.mark.parametrize(
    ("participants", "size", "groups", "code"),
    [
        (0, 5, 0, None),  # nobody yet: no group advice at all
        (4, 5, 1, "groups"),
        (3, 4, 1, "uneven_groups"),  # a single group below the breakout minimum
        (7, 5, 2, "uneven_groups"),  # 5 + 2, and 3 + 4 still has a group of 3
        (8, 5, 2, "groups"),  # 5 + 3 evens out to 4 + 4
        (21, 5, 5, "groups"),  # 5 x 4 + 1 evens out to 5 + 4 x 4
        (11, 5, 3, "uneven_groups"),
        (12, 4, 3, "groups"),
    ],
)
def test_group_count_and_the_uneven_warning(participants, size, groups, code):
    check = check_plan({"a": 100}, "online", participants, size)
    assert check.groups == groups
    found = codes(check) & {"groups", "uneven_groups"}
    assert found == ({code} if code else set())
    if code:
        advice = next(a for a in check.advice if a.code == code)
        assert dict(advice.values) == {"groups": groups, "participants": participants}


@pytest.mark.parametrize(("raw", "value"), [(None, 7), ("", 7), ("  ", 7), (" 30 ", 30), ("0", 0),
                                            (str(MAX_STEP_MINUTES), MAX_STEP_MINUTES)])
def test_minutes_accepted(raw, value):
    assert parse_minutes(raw, 7) == value


@pytest.mark.parametrize("raw", ["-1", str(MAX_STEP_MINUTES + 1), "abc", "1.5"])
def test_minutes_refused(raw):
    with pytest.raises(ValueError):
        parse_minutes(raw, 7)


def test_a_step_may_take_at_most_four_hours():
    assert MAX_STEP_MINUTES == 240


@pytest.mark.parametrize(
    ("args", "levels"),
    [
        (({"a": 80}, "online", 14, 3), {"too_short": "warn", "few_participants": "warn", "breakout_size": "warn",
                                        "uneven_groups": "warn"}),
        (({"a": 130}, "online", 26, 5), {"too_long": "warn", "many_participants": "warn", "groups": "ok"}),
        (({"a": 100}, "online", 20, 5), {"time_ok": "ok", "groups": "ok"}),
    ],
)
def test_every_finding_has_its_level(args, levels):
    # The level picks how a finding looks (a warning or a confirmation): a wrong one misleads the trainer.
    assert {a.code: a.level for a in check_plan(*args).advice} == levels


def test_a_single_participant_is_one_group_too_small():
    check = check_plan({"a": 100}, "online", 1, 5)
    assert check.groups == 1
    assert "uneven_groups" in codes(check)
