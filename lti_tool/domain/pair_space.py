"""Rules of a mentoring pair's shared space, in plain Python (the views store; this decides).

- **Agreement:** either side proposes a version; proposing counts as the proposer's confirmation; a version
  is in force once *both* sides confirmed that very version. A change is a new version, so it needs both
  again — until then the last confirmed version stays in force.
- **Meeting log:** an entry is saved only on top of the version its writer started from (as the group note,
  `lti_tool.domain.notes`); saving what is already there is never a conflict.
- **Ending and erasing:** both need to say so. The space closes when both are ready, and is erased when both
  asked (a person's erasure through the privacy command does not wait: that is their right).
- **Facilitator figures:** per pair only counts and dates; course-level figures only when they describe at
  least `MIN_GROUP` people (k-anonymity), otherwise withheld.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from lti_tool.domain.insight import MIN_GROUP, enough

MENTOR, MENTEE, BOTH = "mentor", "mentee", "both"
SIDES = (MENTOR, MENTEE)
STEP_OWNERS = (MENTEE, MENTOR, BOTH)


# -- agreement ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgreementVersion:
    version: int
    confirmed_by: frozenset[str]  # sides

    @property
    def confirmed(self) -> bool:
        return set(SIDES) <= self.confirmed_by


@dataclass(frozen=True)
class AgreementState:
    in_force: AgreementVersion | None  # the newest version both confirmed
    pending: AgreementVersion | None  # a newer proposal waiting for confirmation
    latest_version: int  # 0: nothing proposed yet

    def waits_for(self, side: str) -> bool:
        """Whether `side` still has to confirm the pending proposal."""
        return self.pending is not None and side not in self.pending.confirmed_by


def agreement_state(versions: Iterable[AgreementVersion]) -> AgreementState:
    ordered = sorted(versions, key=lambda v: v.version)
    in_force = next((v for v in reversed(ordered) if v.confirmed), None)
    latest = ordered[-1] if ordered else None
    pending = latest if latest is not None and not latest.confirmed else None
    return AgreementState(in_force, pending, latest.version if latest else 0)


class StaleVersion(Exception):
    """The person acted on a version that is no longer the newest (the partner changed it meanwhile)."""

    def __init__(self, seen: int, current: int) -> None:
        super().__init__(f"acted on version {seen}, newest is {current}")
        self.seen, self.current = seen, current


def next_proposal(state: AgreementState, base_version: int) -> int:
    """The version number a proposal written on `base_version` gets; StaleVersion if a newer one exists."""
    if base_version != state.latest_version:
        raise StaleVersion(base_version, state.latest_version)
    return state.latest_version + 1


def check_confirm(state: AgreementState, side: str, version: int) -> bool:
    """Whether `side` confirming `version` changes anything (False: already confirmed by this side).
    StaleVersion when the version is not the newest proposal."""
    if version != state.latest_version or version == 0:
        raise StaleVersion(version, state.latest_version)
    return state.waits_for(side)


# -- meeting log --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EntryText:
    """The editable parts of a meeting-log entry."""

    met_on: date
    topics: str
    next_step: str
    step_owner: str


@dataclass(frozen=True)
class EntryConflict:
    base_version: int
    current_version: int
    current: EntryText
    submitted: EntryText


@dataclass(frozen=True)
class EntrySaved:
    version: int
    changed: bool


def edit_entry(current: EntryText, current_version: int, base_version: int,
               submitted: EntryText) -> EntrySaved | EntryConflict:
    """Accept `submitted` only when written on top of `current_version`; identical text is never a conflict
    and does not bump the version."""
    if submitted == current:
        return EntrySaved(current_version, changed=False)
    if base_version != current_version:
        return EntryConflict(base_version, current_version, current, submitted)
    return EntrySaved(current_version + 1, changed=True)


# -- both sides ---------------------------------------------------------------------------------------------
def both_agree(marks: dict[str, object | None]) -> bool:
    """Closing and erasing: True once every side has its mark (a timestamp) set."""
    return all(marks.get(side) is not None for side in SIDES)


# -- what facilitators see ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PairFacts:
    """One pair as a facilitator may see it: counts and dates, never words."""

    space_id: int
    open: bool
    agreement_confirmed: bool
    agreement_proposed: bool
    meetings: int
    last_activity: date | None
    help_requests_open: int

    @property
    def active(self) -> bool:
        """Open and actually used: an agreement proposed or a meeting logged."""
        return self.open and (self.agreement_proposed or self.meetings > 0)


@dataclass(frozen=True)
class PairActivity:
    """Course-level figures for the pilot report; every figure is None when withheld (too few people)."""

    pairs: int
    people: int
    withheld: bool
    active_pairs: int | None
    agreements_confirmed: int | None
    meetings_logged: int | None
    closed_pairs: int | None
    minimum_people: int = MIN_GROUP


def pair_activity(facts: Sequence[PairFacts], minimum: int = MIN_GROUP) -> PairActivity:
    """Active pairs, confirmed agreements, meetings logged and closed pairs in one course — only when the
    pairs counted hold at least `minimum` people (two per pair), so no figure points at one pair."""
    people = 2 * len(facts)
    if not enough(people, minimum):
        return PairActivity(len(facts), people, True, None, None, None, None, minimum)
    return PairActivity(
        pairs=len(facts),
        people=people,
        withheld=False,
        active_pairs=sum(1 for f in facts if f.active),
        agreements_confirmed=sum(1 for f in facts if f.agreement_confirmed),
        meetings_logged=sum(f.meetings for f in facts),
        closed_pairs=sum(1 for f in facts if not f.open),
        minimum_people=minimum,
    )
