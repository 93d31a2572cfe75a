"""Matching: edge cases, optimality against brute force, and explanations that say only what the data says."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_tool.domain import matching as mt
from lti_tool.domain.matching import Person, Settings, match

DOMAINS = ["marketing", "finance", "law", "research", "it"]
LANGS = ["en", "nl", "uk", "de"]
CHANNELS = ["video", "phone", "email"]


def person(pid: int, areas=(), langs=("en",), strengths=None, channels=(), time=None) -> Person:
    return Person(pid, frozenset(areas), strengths or {}, frozenset(langs), frozenset(channels), time)


def test_nobody_gives_nothing():
    result = match([], [])
    assert result.pairs == () and result.unmatched == ()


def test_only_mentees_are_told_there_are_no_mentors():
    result = match([person(1), person(2)], [])
    assert result.pairs == ()
    assert {(u.person, u.side, u.reason) for u in result.unmatched} == {(1, "mentee", mt.NO_MENTORS),
                                                                         (2, "mentee", mt.NO_MENTORS)}


def test_only_mentors_are_told_there_are_no_mentees():
    result = match([], [person(9)])
    assert [(u.person, u.side, u.reason) for u in result.unmatched] == [(9, "mentor", mt.NO_MENTEES)]


def test_one_mentor_takes_at_most_max_mentees_and_the_best_fitting_ones():
    mentor = person(10, areas={"marketing", "finance"})
    mentees = [person(1, areas={"marketing"}), person(2, areas={"law"}), person(3, areas={"finance"})]
    result = match(mentees, [mentor], Settings(max_mentees=2))
    assert sorted(p.mentee for p in result.pairs) == [1, 3]  # the two whose goals the mentor offers
    assert [(u.person, u.reason) for u in result.unmatched] == [(2, mt.CAPACITY_FULL)]


def test_more_mentees_than_places_leaves_exactly_the_overflow_unmatched():
    mentors = [person(100 + i, areas={"it"}) for i in range(3)]
    mentees = [person(i, areas={"it"}) for i in range(10)]
    result = match(mentees, mentors, Settings(max_mentees=2))
    assert len(result.pairs) == 6
    load = {m.id: sum(1 for p in result.pairs if p.mentor == m.id) for m in mentors}
    assert max(load.values()) <= 2
    assert len([u for u in result.unmatched if u.side == "mentee"]) == 4
    assert all(u.reason == mt.CAPACITY_FULL for u in result.unmatched)


def test_mentees_are_spread_before_a_mentor_gets_a_second_one():
    result = match([person(1), person(2)], [person(10), person(11)], Settings(max_mentees=2))
    assert sorted(p.mentor for p in result.pairs) == [10, 11]


def test_no_shared_language_means_no_pair_and_says_so():
    result = match([person(1, langs={"uk"})], [person(10, langs={"nl", "de"})])
    assert result.pairs == ()
    assert {(u.side, u.reason) for u in result.unmatched} == {("mentee", mt.NO_LANGUAGE_MATCH),
                                                              ("mentor", mt.NO_LANGUAGE_MATCH)}


def test_language_beats_topic_fit():
    mentee = person(1, areas={"law"}, langs={"uk"})
    expert_without_ukrainian = person(10, areas={"law"}, langs={"de"})
    speaks_ukrainian = person(11, areas={"it"}, langs={"uk", "en"})
    result = match([mentee], [expert_without_ukrainian, speaks_ukrainian])
    assert result.mentor_of(1) == 11


def test_unknown_languages_are_allowed_but_flagged():
    result = match([person(1, langs=())], [person(10, langs={"en"})])
    assert result.mentor_of(1) == 10
    assert mt.Reason(mt.LANGUAGES_UNKNOWN) in result.pairs[0].reasons


def test_a_person_in_both_roles_is_never_their_own_mentor():
    both = person(1, areas={"it"})
    result = match([both], [both])
    assert result.pairs == ()
    assert {u.reason for u in result.unmatched} == {mt.NO_MENTORS, mt.NO_MENTEES}


def test_availability_soft_by_default_hard_when_required():
    mentee = person(1, time="weekly")
    mentor = person(10, time="one-hour-month")
    soft = match([mentee], [mentor])
    assert soft.mentor_of(1) == 10
    assert mt.Reason(mt.TIME_SHORT, (), "weekly", "one-hour-month") in soft.pairs[0].reasons
    hard = match([mentee], [mentor], Settings(availability_required=True))
    assert hard.pairs == ()
    assert hard.unmatched[0].reason == mt.NO_TIME_MATCH


def test_more_time_wins_when_everything_else_is_equal():
    mentee = person(1, time="two-hours-month")
    result = match([mentee], [person(10, time="one-hour-month"), person(11, time="weekly")])
    assert result.mentor_of(1) == 11


def test_locked_pairs_stay_and_use_up_places():
    good = person(10, areas={"it"})
    poor = person(11, areas={"law"})
    mentees = [person(1, areas={"it"}), person(2, areas={"it"})]
    result = match(mentees, [good, poor], Settings(max_mentees=1), locked=[(1, 11)])
    assert result.mentor_of(1) == 11 and result.mentor_of(2) == 10
    assert [p.locked for p in result.pairs if p.mentee == 1] == [True]


def test_max_mentees_must_be_positive():
    with pytest.raises(ValueError):
        match([person(1)], [person(2)], Settings(max_mentees=0))


def test_two_hundred_people_respect_every_constraint():
    # How long this takes is measured by bench/matching.py (target < 1 s), not asserted here.
    import random

    rng = random.Random(7)
    people = [
        person(i, areas=set(rng.sample(DOMAINS, rng.randint(0, 3))), langs=set(rng.sample(LANGS, rng.randint(1, 2))),
               strengths={d: rng.randint(1, 4) for d in rng.sample(DOMAINS, 2)},
               channels=set(rng.sample(CHANNELS, rng.randint(0, 2))),
               time=rng.choice([None, *mt.AVAILABILITY_ORDER]))
        for i in range(200)
    ]
    mentees, mentors = people[:120], people[120:]
    result = match(mentees, mentors, Settings(max_mentees=2))
    by_id = {p.id: p for p in people}
    for pair in result.pairs:
        assert by_id[pair.mentee].languages & by_id[pair.mentor].languages
    load: dict[int, int] = {}
    for pair in result.pairs:
        load[pair.mentor] = load.get(pair.mentor, 0) + 1
    assert max(load.values()) <= 2
    assert len({p.mentee for p in result.pairs}) == len(result.pairs)
    matched = {p.mentee for p in result.pairs}
    assert {u.person for u in result.unmatched if u.side == "mentee"} == {m.id for m in mentees} - matched
    assert len(result.pairs) == min(120, 160) - sum(1 for u in result.unmatched if u.side == "mentee")


# -- optimality: the solver's choice equals a brute-force search on small cases ---------------------------
people_st = st.builds(
    lambda areas, langs, strong, channels, t: (areas, langs, strong, channels, t),
    st.frozensets(st.sampled_from(DOMAINS), max_size=3),
    st.frozensets(st.sampled_from(LANGS[:3]), max_size=2),
    st.dictionaries(st.sampled_from(DOMAINS), st.integers(1, 4), max_size=3),
    st.frozensets(st.sampled_from(CHANNELS), max_size=2),
    st.sampled_from([None, *mt.AVAILABILITY_ORDER]),
)


def _people(raw, start):
    return [Person(start + i, a, s, lang, c, t) for i, (a, lang, s, c, t) in enumerate(raw)]


def _objective(assignment, mentees, mentors, cfg):
    """(pairs, total fit minus the place penalty): what the solver optimises, in priority order."""
    load: dict[int, int] = {}
    total = 0.0
    for mentee, mentor in assignment:
        slot = load.get(mentor.id, 0)
        load[mentor.id] = slot + 1
        total += mt.fit(mentee, mentor) - mt.SLOT_STEP * slot
    return len(assignment), round(total, 6)


@settings(max_examples=60, deadline=None)
@given(st.lists(people_st, max_size=4), st.lists(people_st, max_size=3), st.integers(1, 2), st.booleans())
def test_assignment_is_optimal(raw_mentees, raw_mentors, cap, hard_time):
    mentees, mentors = _people(raw_mentees, 1), _people(raw_mentors, 100)
    cfg = Settings(max_mentees=cap, availability_required=hard_time)
    best = (0, 0.0)
    for choice in itertools.product([None, *mentors], repeat=len(mentees)):
        pairs = [(m, t) for m, t in zip(mentees, choice, strict=True) if t is not None]
        if any(not mt.feasible(m, t, cfg) for m, t in pairs):
            continue
        if any(sum(1 for _, t in pairs if t.id == mentor.id) > cap for mentor in mentors):
            continue
        best = max(best, _objective(pairs, mentees, mentors, cfg))
    result = match(mentees, mentors, cfg)
    by_id = {p.id: p for p in mentees + mentors}
    got = _objective([(by_id[p.mentee], by_id[p.mentor]) for p in
                      sorted(result.pairs, key=lambda p: -mt.fit(by_id[p.mentee], by_id[p.mentor]))],
                     mentees, mentors, cfg)
    assert got[0] == best[0]
    assert got[1] == pytest.approx(best[1], abs=1e-6)


# -- explanations say what the answers say, nothing more, nothing less ---------------------------------------
@settings(max_examples=200, deadline=None)
@given(people_st, people_st)
def test_explanations_match_the_data(raw_mentee, raw_mentor):
    mentee, mentor = _people([raw_mentee], 1)[0], _people([raw_mentor], 2)[0]
    reasons = {r.code: r for r in mt.explain(mentee, mentor)}
    if mentee.languages and mentor.languages:
        common = mentee.languages & mentor.languages
        if common:
            assert set(reasons[mt.SHARED_LANGUAGES].items) == common
        else:
            assert mt.NO_SHARED_LANGUAGE in reasons
    else:
        assert mt.LANGUAGES_UNKNOWN in reasons and mt.SHARED_LANGUAGES not in reasons
    offered = mentee.areas & mentor.areas
    assert set(reasons[mt.OFFERS_WANTED].items if mt.OFFERS_WANTED in reasons else ()) == offered
    strong = {a for a in mentee.areas - offered if mentor.strengths.get(a, 0) >= mt.STRONG_LEVEL}
    assert set(reasons[mt.EXPERIENCED_IN_WANTED].items if mt.EXPERIENCED_IN_WANTED in reasons else ()) == strong
    assert (mt.NO_AREA_OVERLAP in reasons) == bool(mentee.areas and not offered and not strong)
    assert (mt.AREAS_UNKNOWN in reasons) == (not mentee.areas)
    if mentee.availability and mentor.availability:
        enough = mt.AVAILABILITY_ORDER.index(mentor.availability) >= mt.AVAILABILITY_ORDER.index(mentee.availability)
        code = mt.TIME_COVERS if enough else mt.TIME_SHORT
        assert reasons[code].mentee == mentee.availability and reasons[code].mentor == mentor.availability
    else:
        assert mt.TIME_COVERS not in reasons and mt.TIME_SHORT not in reasons
    if mentee.channels and mentor.channels and mentee.channels & mentor.channels:
        assert set(reasons[mt.SHARED_CHANNELS].items) == mentee.channels & mentor.channels
    else:
        assert mt.SHARED_CHANNELS not in reasons


def test_explanation_reads_like_the_issue_example():
    mentee = person(1, areas={"marketing"}, langs={"uk", "en"})
    mentor = person(10, areas={"marketing", "it"}, langs={"en", "uk", "de"})
    reasons = mt.explain(mentee, mentor)
    assert reasons[0] == mt.Reason(mt.SHARED_LANGUAGES, ("en", "uk"))
    assert mt.Reason(mt.OFFERS_WANTED, ("marketing",)) in reasons


def test_reasons_round_trip_through_json():
    reason = mt.Reason(mt.TIME_SHORT, (), "weekly", "one-hour-month")
    assert mt.Reason.from_json(reason.to_json()) == reason


def test_two_people_in_both_roles_are_not_each_others_mentor():
    # A and B both mentor and are mentored; each is the other's best fit in both directions.
    a = person(1, areas={"law"}, strengths={"it": 4})
    b = person(2, areas={"it"}, strengths={"law": 4})
    c = person(3, areas={"finance"})  # a third mentor, a poorer fit for both
    result = match([a, b], [a, b, c], Settings(max_mentees=2))
    chosen = {(p.mentee, p.mentor) for p in result.pairs}
    assert not any((y, x) in chosen for x, y in chosen)
    assert len(result.pairs) == 2  # both still get a mentor


@settings(max_examples=60, deadline=None)
@given(st.lists(people_st, min_size=1, max_size=6), st.integers(1, 2))
def test_people_in_both_roles_never_form_a_two_way_pair(raw, cap):
    everyone = _people(raw, 1)
    result = match(everyone, everyone, Settings(max_mentees=cap))
    chosen = {(p.mentee, p.mentor) for p in result.pairs}
    assert all(x != y for x, y in chosen)
    assert not any((y, x) in chosen for x, y in chosen)
