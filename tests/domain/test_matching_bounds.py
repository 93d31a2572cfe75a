"""Matching at its thresholds: the "strong" level (3, not 2), each availability step, the weights of a perfect
pair, one place vs two per mentor, and why somebody is left over. The general behaviour and optimality against
brute force are in tests/pairing/test_matching.py."""

from __future__ import annotations

import pytest

from lti_tool.domain import matching as mt
from lti_tool.domain.matching import Person, Reason, Settings, explain, feasible, fit, match

MONTH, TWO, WEEKLY = mt.AVAILABILITY_ORDER


def person(pid: int, areas=(), langs=("en",), strengths=None, channels=(), time=None) -> Person:
    return Person(pid, frozenset(areas), strengths or {}, frozenset(langs), frozenset(channels), time)


def test_a_perfect_pair_scores_ten():
    mentee = person(1, areas={"law"}, channels={"video"}, time=WEEKLY)
    mentor = person(2, areas={"law"}, strengths={"law": 3}, channels={"video"}, time=WEEKLY)
    assert fit(mentee, mentor) == pytest.approx(10.0)
    assert mt.make_pair(mentee, mentor).score == 10.0


@pytest.mark.parametrize(("level", "strong"), [(2, False), (3, True), (4, True)])
def test_strong_starts_exactly_at_level_three(level, strong):
    mentee = person(1, areas={"law"})
    mentor = person(2, strengths={"law": level})
    assert fit(mentee, mentor) == pytest.approx(2.0 if strong else 0.0)
    codes = [r.code for r in explain(mentee, mentor)]
    assert (mt.EXPERIENCED_IN_WANTED in codes) is strong
    assert (mt.NO_AREA_OVERLAP in codes) is not strong


def test_domain_fit_is_a_share_of_the_areas_the_mentee_chose():
    mentee = person(1, areas={"law", "it", "finance", "research"})
    mentor = person(2, areas={"law"}, strengths={"it": 3})
    assert fit(mentee, mentor) == pytest.approx(6.0 / 4 + 2.0 / 4)


def test_an_area_both_offered_and_strong_is_listed_once_as_offered():
    mentee = person(1, areas={"law"})
    mentor = person(2, areas={"law"}, strengths={"law": 4})
    assert [r.code for r in explain(mentee, mentor)] == [mt.SHARED_LANGUAGES, mt.OFFERS_WANTED]


@pytest.mark.parametrize(
    ("hoped", "offered", "delta", "code"),
    [
        (MONTH, WEEKLY, 1.0, mt.TIME_COVERS),  # more than hoped for still covers it
        (TWO, TWO, 1.0, mt.TIME_COVERS),
        (TWO, MONTH, -1.5, mt.TIME_SHORT),  # one step short
        (WEEKLY, MONTH, -3.0, mt.TIME_SHORT),  # two steps short
        (None, WEEKLY, 0.0, None),
        (WEEKLY, None, 0.0, None),
    ],
)
def test_each_availability_step(hoped, offered, delta, code):
    mentee, mentor = person(1, time=hoped), person(2, time=offered)
    assert fit(mentee, mentor) == pytest.approx(delta)
    time_reasons = [r for r in explain(mentee, mentor) if r.code in (mt.TIME_COVERS, mt.TIME_SHORT)]
    assert time_reasons == ([Reason(code, (), hoped, offered)] if code else [])


@pytest.mark.parametrize(("hoped", "offered", "ok"), [(TWO, TWO, True), (TWO, WEEKLY, True), (TWO, MONTH, False),
                                                       (None, MONTH, True)])
def test_hard_availability_refuses_only_a_mentor_short_of_time(hoped, offered, ok):
    hard = Settings(availability_required=True)
    assert feasible(person(1, time=hoped), person(2, time=offered), hard) is ok
    assert feasible(person(1, time=hoped), person(2, time=offered), Settings())


@pytest.mark.parametrize(
    ("mentee_langs", "mentor_langs", "allowed", "delta", "code"),
    [
        (("en",), ("en", "nl"), True, 0.0, mt.SHARED_LANGUAGES),
        (("en",), ("nl",), False, 0.0, mt.NO_SHARED_LANGUAGE),
        ((), ("nl",), True, -1.0, mt.LANGUAGES_UNKNOWN),
        (("en",), (), True, -1.0, mt.LANGUAGES_UNKNOWN),
    ],
)
def test_language_rule(mentee_langs, mentor_langs, allowed, delta, code):
    mentee, mentor = person(1, langs=mentee_langs), person(2, langs=mentor_langs)
    assert feasible(mentee, mentor, Settings()) is allowed
    assert fit(mentee, mentor) == pytest.approx(delta)
    assert explain(mentee, mentor)[0].code == code


def test_channels_one_shared_is_enough_none_named_says_nothing():
    assert fit(person(1, channels={"video", "phone"}), person(2, channels={"phone"})) == pytest.approx(1.0)
    assert fit(person(1, channels={"video"}), person(2, channels={"phone"})) == 0.0
    codes = [r.code for r in explain(person(1, channels={"video"}), person(2, channels={"phone"}))]
    assert mt.NO_SHARED_CHANNEL in codes
    quiet = [r.code for r in explain(person(1), person(2, channels={"phone"}))]
    assert mt.SHARED_CHANNELS not in quiet and mt.NO_SHARED_CHANNEL not in quiet


def test_one_place_per_mentor_is_allowed_and_respected():
    result = match([person(1), person(2)], [person(9)], Settings(max_mentees=1))
    assert len(result.pairs) == 1
    assert [(u.side, u.reason) for u in result.unmatched] == [("mentee", mt.CAPACITY_FULL)]


def test_the_second_place_is_used_when_nobody_else_can_take_the_mentee():
    result = match([person(1), person(2)], [person(9)], Settings(max_mentees=2))
    assert [(p.mentee, p.mentor) for p in result.pairs] == [(1, 9), (2, 9)]
    assert result.unmatched == ()


def test_a_second_place_costs_more_than_a_slightly_weaker_first_place():
    # Mentor 8 fits both mentees better by 0.04, less than SLOT_STEP: spreading the mentees still wins.
    areas = {f"area{i}" for i in range(50)}
    mentees = [person(1, areas=areas), person(2, areas=areas)]
    better = person(8, areas={"area0"}, strengths={"area1": 3})
    weaker = person(9, areas={"area0"})
    assert fit(mentees[0], better) - fit(mentees[0], weaker) == pytest.approx(0.04)
    assert mt.SLOT_STEP == 0.05
    result = match(mentees, [better, weaker])
    assert sorted(p.mentor for p in result.pairs) == [8, 9]


def test_locked_pairs_use_up_a_place_exactly():
    result = match([person(1), person(2)], [person(9)], Settings(max_mentees=1), locked=[(1, 9)])
    assert [(p.mentee, p.mentor, p.locked) for p in result.pairs] == [(1, 9, True)]
    assert [(u.person, u.reason) for u in result.unmatched] == [(2, mt.CAPACITY_FULL)]


def test_a_locked_pair_naming_a_stranger_is_ignored():
    result = match([person(1)], [person(9)], locked=[(1, 77), (55, 9)])
    assert [(p.mentee, p.mentor, p.locked) for p in result.pairs] == [(1, 9, False)]


def test_a_mentee_locked_twice_keeps_the_first_pair():
    result = match([person(1)], [person(8), person(9)], locked=[(1, 8), (1, 9)])
    assert [(p.mentee, p.mentor) for p in result.pairs] == [(1, 8)]
    assert [(u.person, u.side, u.reason) for u in result.unmatched] == [(9, "mentor", mt.NOT_CHOSEN)]


@pytest.mark.parametrize(
    ("mentee", "mentors", "settings", "reason"),
    [
        (person(1), [person(1)], Settings(), mt.NO_MENTORS),  # only themselves on the other side
        (person(1, langs={"uk"}), [person(2, langs={"de"})], Settings(), mt.NO_LANGUAGE_MATCH),
        (person(1, time=WEEKLY), [person(2, time=MONTH)], Settings(availability_required=True), mt.NO_TIME_MATCH),
    ],
)
def test_why_a_mentee_is_left_over(mentee, mentors, settings, reason):
    assert mt.why_mentee(mentee, mentors, settings) == reason
    result = match([mentee], mentors, settings)
    assert (mentee.id, "mentee", reason) in {(u.person, u.side, u.reason) for u in result.unmatched}


@pytest.mark.parametrize(
    ("mentor", "mentees", "settings", "reason"),
    [
        (person(2), [person(2)], Settings(), mt.NO_MENTEES),
        (person(2, langs={"de"}), [person(1, langs={"uk"})], Settings(), mt.NO_LANGUAGE_MATCH),
        (person(2, time=MONTH), [person(1, time=WEEKLY)], Settings(availability_required=True), mt.NO_TIME_MATCH),
    ],
)
def test_why_a_mentor_is_left_over(mentor, mentees, settings, reason):
    assert mt.why_mentor(mentor, mentees, settings) == reason


def test_answers_are_read_leniently():
    answers = {"domains-wanted": ["law"], "domains-strengths": {"it": 3, "law": "a lot"}, "languages": ["nl"],
               "channels": ["video"], "availability": "every-day"}
    p = Person.from_answers(4, answers)
    assert p == Person(4, frozenset({"law"}), {"it": 3}, frozenset({"nl"}), frozenset({"video"}), None)
    assert Person.from_answers(5, None) == Person(5)
    assert Person.from_answers(6, {"availability": WEEKLY}).availability == WEEKLY


def test_reason_json_leaves_out_empty_fields():
    assert Reason(mt.NO_SHARED_CHANNEL).to_json() == {"code": mt.NO_SHARED_CHANNEL}
    assert Reason(mt.TIME_SHORT, (), MONTH, WEEKLY).to_json() == {"code": mt.TIME_SHORT, "mentee": MONTH,
                                                                   "mentor": WEEKLY}


def test_reasons_follow_the_content_order_then_the_alphabet():
    mentee = person(1, areas={"law", "it", "zoology", "art"})
    mentor = person(2, areas={"law", "it", "zoology", "art"})
    offered = explain(mentee, mentor, domain_order=["law", "it"])[1]
    assert offered.items == ("law", "it", "art", "zoology")
    assert explain(mentee, mentor)[1].items == ("art", "it", "law", "zoology")


def test_a_mentor_with_a_locked_mentee_is_used_last():
    # Equal fit everywhere: the new mentee goes to the mentor who has nobody yet, not to a second place.
    result = match([person(1), person(2)], [person(8), person(9)], locked=[(1, 8)])
    assert [(p.mentee, p.mentor) for p in result.pairs] == [(1, 8), (2, 9)]


def test_a_locked_pair_leaves_exactly_the_remaining_places():
    two_places = match([person(1), person(2)], [person(9)], Settings(max_mentees=2), locked=[(1, 9)])
    assert [(p.mentee, p.mentor) for p in two_places.pairs] == [(1, 9), (2, 9)]
    three_places = match([person(1), person(2), person(3), person(4)], [person(9)], Settings(max_mentees=3),
                         locked=[(1, 9), (2, 9)])
    assert len(three_places.pairs) == 3
    assert [(u.person, u.reason) for u in three_places.unmatched] == [(4, mt.CAPACITY_FULL)]


def test_two_locked_pairs_in_opposite_directions_are_the_facilitators_choice():
    both = [person(1), person(2)]
    result = match([*both, person(3)], both, locked=[(1, 2), (2, 1)])  # 3 makes the solver run around them
    assert {(p.mentee, p.mentor) for p in result.pairs if p.locked} == {(1, 2), (2, 1)}
    assert result.mentor_of(3) in {1, 2}


def test_of_two_people_in_both_roles_the_weaker_direction_gives_way():
    one = person(1, areas={"law"})  # wants law, which 2 offers: 1 -> 2 fits well
    two = person(2, areas={"law"})  # 1 offers nothing: 2 -> 1 fits poorly
    one_as_mentor = person(1, areas=set())
    assert fit(one, two) > fit(two, one_as_mentor)
    result = match([one, two], [one_as_mentor, two])
    assert [(p.mentee, p.mentor) for p in result.pairs] == [(1, 2)]
    assert {(u.person, u.side) for u in result.unmatched} == {(2, "mentee"), (1, "mentor")}


def test_mentor_of_answers_none_for_somebody_without_a_mentor():
    result = match([person(1), person(2)], [person(9)], Settings(max_mentees=1))
    unmatched = next(u.person for u in result.unmatched)
    assert result.mentor_of(unmatched) is None
    assert result.mentor_of(3 - unmatched) == 9


def test_a_pair_score_is_rounded_to_four_places():
    mentee = person(1, areas={f"area{i}" for i in range(7)})
    mentor = person(2, areas={"area0"})
    assert fit(mentee, mentor) == pytest.approx(6 / 7)
    assert mt.make_pair(mentee, mentor).score == 0.8571


def test_the_content_order_reaches_every_pair_and_every_list():
    areas = {"law", "it", "art"}
    mentee = person(1, areas=areas)
    offers = person(8, areas=areas)
    strong = person(9, strengths={a: 4 for a in areas})
    order = ["law", "it", "art"]
    locked = match([mentee], [offers], locked=[(1, 8)], domain_order=order).pairs[0]
    assert locked.reasons[1] == Reason(mt.OFFERS_WANTED, ("law", "it", "art"))
    assigned = match([mentee], [strong], domain_order=order).pairs[0]
    assert assigned.reasons[1] == Reason(mt.EXPERIENCED_IN_WANTED, ("law", "it", "art"))
    assert mt.make_pair(mentee, offers, domain_order=order).reasons[1].items == ("law", "it", "art")


def test_reason_json_names_its_fields_exactly():
    # Reasons are stored with a proposal: a renamed field would silently lose the stored explanations.
    reason = Reason(mt.OFFERS_WANTED, ("law", "it"))
    assert reason.to_json() == {"code": mt.OFFERS_WANTED, "items": ["law", "it"]}
    stored = {"code": mt.TIME_SHORT, "items": ["x"], "mentee": WEEKLY, "mentor": MONTH}
    assert Reason.from_json(stored) == Reason(mt.TIME_SHORT, ("x",), WEEKLY, MONTH)


def test_max_mentees_below_one_is_refused_with_a_reason():
    with pytest.raises(ValueError, match=r"^max_mentees must be at least 1$"):
        match([person(1)], [person(2)], Settings(max_mentees=0))
