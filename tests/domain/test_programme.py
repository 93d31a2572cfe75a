"""Programme report figures, checked against hand-computed fixtures, with the k-anonymity cut-off (K = 5)
tested exactly at its boundary: 4 people are hidden, 5 are shown."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from lti_tool.domain import programme as pr
from lti_tool.domain.programme import HIDDEN, Cell, Contribution, ModuleProgress


def test_the_cut_off_is_exactly_five():
    assert pr.K == 5
    assert pr.cell(4) is HIDDEN and pr.cell(4).hidden
    assert pr.cell(5) == Cell(5)
    assert pr.cell(0) is HIDDEN
    assert pr.cell(4, value=40) is HIDDEN  # items made by 4 people say something about those 4
    assert pr.cell(5, value=40) == Cell(40)
    assert pr.cell(4).text("fewer than 5") == "fewer than 5" and pr.cell(7).text("x") == "7"
    with pytest.raises(ValueError):
        pr.cell(-1)


def test_a_hidden_cell_carries_no_value():
    assert pr.cell(3).value is None
    assert all(c.value is None for c in pr.breakdown({"a": 4, "b": 1}).values())


def test_breakdown_without_a_total_hides_only_small_cells():
    assert pr.breakdown({"a": 9, "b": 4, "c": 5}) == {"a": Cell(9), "b": HIDDEN, "c": Cell(5)}


def test_secondary_hiding_stops_subtraction_from_the_total():
    # 9 + 4 = 13 published: 13 - 9 would give the hidden 4 back, so 9 is hidden too.
    assert pr.breakdown({"a": 9, "b": 4}, total=13) == {"a": HIDDEN, "b": HIDDEN}
    # Hidden cells holding 2 + 2 = 4 people: the smallest visible (6) goes as well; then 10 hidden, 7 shown.
    assert pr.breakdown({"a": 7, "b": 6, "c": 2, "d": 2}, total=17) == {
        "a": Cell(7), "b": HIDDEN, "c": HIDDEN, "d": HIDDEN}
    # Hidden cells holding 0 or >= 5 people give nothing away: nothing more is hidden.
    assert pr.breakdown({"a": 7, "b": 0}, total=7) == {"a": Cell(7), "b": HIDDEN}
    assert pr.breakdown({"a": 7, "b": 3, "c": 2}, total=12) == {"a": Cell(7), "b": HIDDEN, "c": HIDDEN}
    # Ties are broken by key, so the result never depends on the order of the input.
    assert pr.breakdown({"b": 5, "a": 5, "c": 1}, total=11) == {"a": HIDDEN, "b": Cell(5), "c": HIDDEN}
    assert pr.breakdown({"c": 1, "a": 5, "b": 5}, total=11) == {"a": HIDDEN, "b": Cell(5), "c": HIDDEN}


def test_breakdown_values_follow_the_people_count():
    got = pr.breakdown({"x": 5, "y": 4}, values={"x": 31, "y": 12})
    assert got == {"x": Cell(31), "y": HIDDEN}


def test_months_and_monthly_active_people():
    assert pr.month_of(datetime(2026, 3, 31, 23, 59)) == "2026-03"
    assert pr.months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    events = [(p, "2026-01") for p in range(5)] + [(p, "2026-01") for p in range(5)]  # repeat launches
    events += [(p, "2026-03") for p in range(4)]
    assert pr.per_month(events) == {"2026-01": 5, "2026-02": 0, "2026-03": 4}
    assert pr.monthly_cells(events) == [("2026-01", Cell(5)), ("2026-02", HIDDEN), ("2026-03", HIDDEN)]
    assert pr.per_month([]) == {}
    assert pr.counted_monthly_cells({"2026-03": 4, "2026-01": 5}) == pr.monthly_cells(events)
    assert pr.counted_monthly_cells({}) == []
    assert pr.counted_monthly_cells({"2026-01": 5, "2026-02": 4}, {"2026-01": 12, "2026-02": 9}) == [
        ("2026-01", Cell(12)), ("2026-02", HIDDEN)]
    assert pr.new_per_month([date(2026, 1, 5), date(2026, 1, 9), date(2026, 3, 1)]) == {
        "2026-01": 2, "2026-02": 0, "2026-03": 1}


SECTIONS = {"m1": 2, "m2": 3}


def prog(person, module="m1", visited=(), reflected=False, completed=False, course="c1"):
    return ModuleProgress(person, course, module, len(set(visited)), reflected, completed)


def test_module_funnel_counts_each_stage_by_its_own_rule():
    progress = (
        [prog(p, visited=("a", "b"), reflected=True, completed=True) for p in range(5)]  # 5 all the way
        + [prog(p, visited=("a", "b")) for p in range(5, 7)]  # 2 read only
        + [prog(p, visited=("a",), reflected=True) for p in range(7, 9)]  # 2 reflected without reading all
        + [prog(9)]  # 1 opened
        + [prog(p, module="m2", visited=("x", "y", "z")) for p in range(4)]  # m2: 4 people -> hidden
        + [prog(1, module="unknown")]
    )
    got = pr.module_funnels(progress, SECTIONS)
    assert list(got) == ["m1", "m2"]
    assert got["m1"] == {"opened": Cell(10), "read": Cell(7), "reflected": Cell(7), "completed": Cell(5)}
    assert got["m2"] == dict.fromkeys(pr.FUNNEL_STAGES, HIDDEN)


def test_the_same_person_in_two_courses_counts_twice_and_input_order_does_not_matter():
    progress = [prog(p, course=c, completed=True) for p in range(3) for c in ("c1", "c2")]
    assert pr.module_funnels(progress, SECTIONS)["m1"]["completed"] == Cell(6)
    shuffled = list(progress)
    random.Random(4).shuffle(shuffled)
    assert pr.module_funnels(shuffled, SECTIONS) == pr.module_funnels(progress, SECTIONS)


def test_programme_completion_needs_every_module_in_one_course():
    progress = []
    for p in range(6):
        progress += [prog(p, "m1", completed=True), prog(p, "m2", completed=p < 5)]
    progress += [prog(7, "m1", completed=True, course="c2"), prog(7, "m2", completed=True, course="c3")]
    got = pr.programme_completion(progress, ["m1", "m2"])
    assert got == {"started": Cell(8), "completed": Cell(5)}
    assert pr.programme_completion(progress[:-4], ["m1", "m2"]) == {"started": Cell(5), "completed": Cell(5)}
    assert pr.programme_completion(progress[2:-4], ["m1", "m2"]) == {"started": HIDDEN, "completed": HIDDEN}


def test_participation_counts_people_and_items_per_course():
    contributions = [Contribution("notes", "c1", p, 2) for p in range(5)]  # 5 people, 10 notes
    contributions += [Contribution("notes", "c2", p, 1) for p in range(3)]  # 3 people in c2
    contributions += [Contribution("journal", "c1", p, 3) for p in range(4)]  # 4 people only
    contributions += [Contribution("plans", "c1", 1, 0), Contribution("unknown", "c1", 1, 1)]
    got = pr.participation(contributions, ["notes", "journal", "plans"])
    assert list(got) == ["notes", "journal", "plans"]
    notes = got["notes"]
    assert notes.people == Cell(8) and notes.items == Cell(13)
    # c2 holds 3 people: hidden; 8 - 5 would reveal it, so c1 is hidden as well.
    assert notes.per_course == {"c1": HIDDEN, "c2": HIDDEN}
    assert got["journal"].people is HIDDEN and got["journal"].items is HIDDEN
    assert got["plans"].people is HIDDEN and got["plans"].per_course == {}


def test_shared_things_count_once_however_many_people_share_them():
    contributions = [Contribution("groups", "c1", p, item="g1") for p in range(5)]
    contributions += [Contribution("groups", "c1", p, item="g2") for p in range(5, 9)]
    contributions += [Contribution("groups", "c2", p, item="g1") for p in range(5)]  # another course's g1
    got = pr.participation(contributions, ["groups"])["groups"]
    assert got.people == Cell(14) and got.items == Cell(3)
    assert got.per_course == {"c1": Cell(2), "c2": Cell(1)}


def test_participation_per_course_shown_when_every_course_has_five():
    contributions = [Contribution("notes", c, p) for c in ("c1", "c2") for p in range(5)]
    got = pr.participation(contributions, ["notes"])["notes"]
    assert got.per_course == {"c1": Cell(5), "c2": Cell(5)} and got.items == Cell(10)


SCALE = ("1", "2", "3", "4", "5")


def test_feedback_distribution_and_its_cut_offs():
    answers = [{"clear": "4"}] * 5 + [{"clear": "5"}] * 5 + [{"clear": "2", "useful": "5"}] * 4
    got = pr.distributions(answers, ["clear", "useful"], SCALE)
    clear = got["clear"]
    assert clear.respondents == Cell(14)
    # "2" holds 4 answers: hidden; 14 - 5 - 5 would give it back, so one 5-cell is hidden too ("4" by key).
    assert clear.points == {"1": HIDDEN, "2": HIDDEN, "3": HIDDEN, "4": HIDDEN, "5": Cell(5)}
    assert got["useful"].respondents is HIDDEN  # 4 respondents: nothing of the item is shown
    assert all(c.hidden for c in got["useful"].points.values())


def test_feedback_with_five_respondents_all_agreeing_is_shown():
    got = pr.distributions([{"q": "3"}] * 5, ["q"], SCALE)["q"]
    assert got.respondents == Cell(5) and got.points["3"] == Cell(5)
    assert got.points["1"] is HIDDEN  # zero answers: nothing to hide, but no number below 5 is printed
    assert pr.distributions([{"q": "9"}, {"q": None}] * 5, ["q"], SCALE)["q"].respondents is HIDDEN
