"""The pair space's rules: the agreement needs both, a stale proposal or edit is refused, both must agree to
close or erase, and course figures are withheld below the k-anonymity minimum."""

from __future__ import annotations

from datetime import date

import pytest

from lti_tool.domain import pair_space as r

MENTOR, MENTEE = frozenset({"mentor"}), frozenset({"mentee"})
BOTH = MENTOR | MENTEE


def test_nothing_proposed_yet():
    state = r.agreement_state([])
    assert (state.in_force, state.pending, state.latest_version) == (None, None, 0)
    assert r.next_proposal(state, 0) == 1
    with pytest.raises(r.StaleVersion):
        r.check_confirm(state, "mentee", 0)


def test_a_proposal_holds_only_once_both_confirmed_it():
    state = r.agreement_state([r.AgreementVersion(1, MENTOR)])
    assert state.in_force is None and state.pending.version == 1
    assert state.waits_for("mentee") and not state.waits_for("mentor")
    assert r.check_confirm(state, "mentee", 1) is True
    assert r.check_confirm(state, "mentor", 1) is False  # already confirmed by proposing
    assert r.agreement_state([r.AgreementVersion(1, BOTH)]).in_force.version == 1


def test_a_change_needs_both_again_and_the_old_version_stays_in_force_meanwhile():
    state = r.agreement_state([r.AgreementVersion(2, MENTEE), r.AgreementVersion(1, BOTH)])
    assert state.in_force.version == 1 and state.pending.version == 2 and state.latest_version == 2
    assert state.waits_for("mentor")
    with pytest.raises(r.StaleVersion) as caught:
        r.check_confirm(state, "mentor", 1)  # confirming the old one is not confirming the change
    assert (caught.value.seen, caught.value.current) == (1, 2)


def test_a_proposal_written_on_an_older_version_is_stale():
    state = r.agreement_state([r.AgreementVersion(1, BOTH), r.AgreementVersion(2, MENTOR)])
    assert r.next_proposal(state, 2) == 3
    for seen in (0, 1, 3):
        with pytest.raises(r.StaleVersion):
            r.next_proposal(state, seen)


ENTRY = r.EntryText(date(2026, 11, 20), "Diploma letter", "Draft it", "mentee")


def test_an_edit_on_the_current_version_is_saved_and_bumps_it():
    edited = r.EntryText(ENTRY.met_on, ENTRY.topics + " and networks", ENTRY.next_step, "both")
    assert r.edit_entry(ENTRY, 3, 3, edited) == r.EntrySaved(4, changed=True)


def test_an_edit_on_an_old_version_is_a_conflict_with_both_texts():
    edited = r.EntryText(ENTRY.met_on, "Something else", ENTRY.next_step, ENTRY.step_owner)
    result = r.edit_entry(ENTRY, 3, 2, edited)
    assert isinstance(result, r.EntryConflict)
    assert (result.current, result.submitted, result.current_version) == (ENTRY, edited, 3)


def test_saving_what_is_already_there_is_never_a_conflict():
    assert r.edit_entry(ENTRY, 3, 1, ENTRY) == r.EntrySaved(3, changed=False)


def test_closing_and_erasing_need_both_sides():
    assert not r.both_agree({"mentor": "t", "mentee": None})
    assert not r.both_agree({"mentee": "t"})
    assert r.both_agree({"mentor": "t", "mentee": "t"})


def _facts(n: int, **kw) -> list[r.PairFacts]:
    base = dict(open=True, agreement_confirmed=False, agreement_proposed=False, meetings=0, last_activity=None,
                help_requests_open=0)
    base.update(kw)
    return [r.PairFacts(space_id=i, **base) for i in range(n)]


def test_course_figures_are_withheld_below_five_people():
    for n in (0, 1, 2):
        figures = r.pair_activity(_facts(n, agreement_confirmed=True, meetings=2))
        assert figures.withheld and figures.pairs == n
        assert (figures.active_pairs, figures.agreements_confirmed, figures.meetings_logged) == (None, None, None)


def test_course_figures_from_three_pairs():
    facts = (_facts(1, agreement_proposed=True, agreement_confirmed=True, meetings=4)
             + _facts(1, meetings=1) + _facts(1) + _facts(1, open=False, agreement_confirmed=True,
                                                       agreement_proposed=True, meetings=6))
    figures = r.pair_activity(facts)
    assert not figures.withheld and figures.people == 8
    # Active: open and used. The closed pair counts as closed, not active; the untouched one is not active.
    assert (figures.active_pairs, figures.agreements_confirmed, figures.meetings_logged, figures.closed_pairs) == (
        2, 2, 11, 1)


def test_the_minimum_can_be_raised():
    assert r.pair_activity(_facts(3), minimum=10).withheld
