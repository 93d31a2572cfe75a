"""The pair space's storage: finding a person's spaces, the agreement, the meeting log, shared steps, help
requests, reflections, the facilitator's counts, and a person's export and the pair's erasure. No request
objects here: callers pass the course and the person (taken from the launch).

`pair_activity(context_pk)` gives the course-level figures (active pairs, agreements confirmed, meetings
logged), k-anonymised by `lti_tool.domain.pair_space.pair_activity` — for the pilot report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lti_tool.activities.models import PlanHorizon, PlanStep
from lti_tool.domain import pair_space as rules
from lti_tool.extensions import db
from lti_tool.models import Context, User, utcnow
from lti_tool.pairing.models import PUBLISHED, PairingPair
from lti_tool.pairing.space_models import (
    CHILD_TABLES,
    CLOSED,
    OPEN,
    PairAgreementVersion,
    PairHelpRequest,
    PairLogEntry,
    PairReflection,
    PairSharedStep,
    PairSpace,
    PairStepComment,
)

EXPORT_FORMAT = "natalli-pair-space/1"


# -- finding spaces -----------------------------------------------------------------------------------------
def _space_query(context_pk: int, mentor: int, mentee: int) -> Any:
    return select(PairSpace).where(PairSpace.context_pk == context_pk, PairSpace.mentor_user_id == mentor,
                                   PairSpace.mentee_user_id == mentee)


def ensure_spaces(context_pk: int, user_id: int | None = None) -> None:
    """Create the space of every published pair (of the person, or of the whole course) that has none yet.
    Caller commits."""
    query = select(PairingPair).where(PairingPair.context_pk == context_pk, PairingPair.stage == PUBLISHED)
    if user_id is not None:
        query = query.where(or_(PairingPair.mentor_user_id == user_id, PairingPair.mentee_user_id == user_id))
    for pair in db.session.scalars(query).all():
        existing = _space_query(context_pk, pair.mentor_user_id, pair.mentee_user_id)
        if db.session.scalars(existing).first() is None:
            try:
                with db.session.begin_nested():  # both open the page at once: one row wins
                    db.session.add(PairSpace(context_pk=context_pk, mentor_user_id=pair.mentor_user_id,
                                             mentee_user_id=pair.mentee_user_id, status=OPEN))
            except IntegrityError:
                pass


def spaces_for(context_pk: int, user_id: int) -> list[PairSpace]:
    """The person's spaces in this course: one per published pair they are in (created on first visit), plus
    earlier spaces that still exist (a re-publication does not take the relationship's record away).
    Caller commits."""
    ensure_spaces(context_pk, user_id)
    return list(db.session.scalars(select(PairSpace).where(
        PairSpace.context_pk == context_pk,
        or_(PairSpace.mentor_user_id == user_id, PairSpace.mentee_user_id == user_id)).order_by(PairSpace.id)))


def member_space(context_pk: int, space_id: int, user_id: int) -> PairSpace | None:
    """The space, only if it is in this course and the person is one of its two members."""
    space = db.session.get(PairSpace, space_id)
    if space is None or space.context_pk != context_pk or space.side_of(user_id) is None:
        return None
    return space


def touch(space: PairSpace) -> None:
    space.last_activity_at = utcnow()


# -- agreement ----------------------------------------------------------------------------------------------
def agreement_versions(space: PairSpace) -> list[PairAgreementVersion]:
    return list(db.session.scalars(select(PairAgreementVersion).where(PairAgreementVersion.space_id == space.id)
                                   .order_by(PairAgreementVersion.version)))


def _as_rule(row: PairAgreementVersion) -> rules.AgreementVersion:
    sides = {side for side, at in (("mentor", row.mentor_confirmed_at), ("mentee", row.mentee_confirmed_at)) if at}
    return rules.AgreementVersion(row.version, frozenset(sides))


def agreement_state(rows: list[PairAgreementVersion]) -> rules.AgreementState:
    return rules.agreement_state(_as_rule(r) for r in rows)


def propose(space: PairSpace, user_id: int, base_version: int, answers: dict[str, str]) -> PairAgreementVersion:
    """Add a new version (StaleVersion if the partner proposed meanwhile; the unique version number turns
    a simultaneous proposal into IntegrityError at flush). Caller commits."""
    state = agreement_state(agreement_versions(space))
    number = rules.next_proposal(state, base_version)
    now = utcnow()
    row = PairAgreementVersion(space_id=space.id, version=number, proposed_by=user_id, proposed_at=now)
    row.answers = answers
    setattr(row, f"{space.side_of(user_id)}_confirmed_at", now)
    db.session.add(row)
    touch(space)
    db.session.flush()
    return row


def confirm(space: PairSpace, user_id: int, version: int) -> bool:
    """Confirm the newest proposal; False when this side had already confirmed it."""
    rows = agreement_versions(space)
    side = space.side_of(user_id) or ""
    if not rules.check_confirm(agreement_state(rows), side, version):
        return False
    setattr(rows[-1], f"{side}_confirmed_at", utcnow())
    touch(space)
    return True


# -- meeting log --------------------------------------------------------------------------------------------
def log_entries(space: PairSpace) -> list[PairLogEntry]:
    return list(db.session.scalars(select(PairLogEntry).where(PairLogEntry.space_id == space.id)
                                   .order_by(PairLogEntry.met_on.desc(), PairLogEntry.id.desc())))


def entry_text(entry: PairLogEntry) -> rules.EntryText:
    return rules.EntryText(entry.met_on, entry.topics, entry.next_step, entry.step_owner)


# -- shared steps -------------------------------------------------------------------------------------------
def mentee_steps(space: PairSpace) -> list[tuple[int, PlanStep]]:
    """(horizon days, step) of the mentee's action plan in this course, in plan order."""
    rows = db.session.execute(
        select(PlanHorizon.days, PlanStep)
        .join(PlanStep, PlanStep.horizon_id == PlanHorizon.id)
        .where(PlanHorizon.user_id == space.mentee_user_id, PlanHorizon.context_pk == space.context_pk)
        .order_by(PlanHorizon.days, PlanStep.position, PlanStep.id)
    ).all()
    return [(days, step) for days, step in rows]


def shared_step_ids(space: PairSpace) -> set[int]:
    return set(db.session.scalars(select(PairSharedStep.step_id).where(PairSharedStep.space_id == space.id)))


def set_shared_steps(space: PairSpace, wanted: set[int]) -> None:
    """Share exactly `wanted` (ids of the mentee's own steps; anything else is ignored). Caller commits."""
    own = {step.id for _days, step in mentee_steps(space)}
    wanted &= own
    have = shared_step_ids(space)
    if have - wanted:
        db.session.execute(delete(PairSharedStep).where(PairSharedStep.space_id == space.id,
                                                        PairSharedStep.step_id.in_(have - wanted)))
    for step_id in sorted(wanted - have):
        db.session.add(PairSharedStep(space_id=space.id, step_id=step_id))
    touch(space)
    db.session.flush()


def comments(space: PairSpace) -> dict[int, list[PairStepComment]]:
    out: dict[int, list[PairStepComment]] = {}
    for row in db.session.scalars(select(PairStepComment).where(PairStepComment.space_id == space.id)
                                  .order_by(PairStepComment.created_at, PairStepComment.id)):
        out.setdefault(row.step_id, []).append(row)
    return out


# -- help, reflections, ending ------------------------------------------------------------------------------
def reflection_of(space: PairSpace, user_id: int) -> PairReflection | None:
    return db.session.scalars(select(PairReflection).where(PairReflection.space_id == space.id,
                                                           PairReflection.user_id == user_id)).first()


def help_requests(space: PairSpace) -> list[PairHelpRequest]:
    return list(db.session.scalars(select(PairHelpRequest).where(PairHelpRequest.space_id == space.id)
                                   .order_by(PairHelpRequest.created_at)))


def mark_ready_to_close(space: PairSpace, user_id: int) -> bool:
    """Record this side's readiness; close the space once both are ready. Returns whether it closed."""
    side = space.side_of(user_id)
    now = utcnow()
    if getattr(space, f"{side}_close_at") is None:
        setattr(space, f"{side}_close_at", now)
    touch(space)
    if rules.both_agree({"mentor": space.mentor_close_at, "mentee": space.mentee_close_at}):
        space.status = CLOSED
        space.closed_at = space.closed_at or now
        return True
    return False


def request_erase(space: PairSpace, user_id: int) -> bool:
    """Record this side's wish to erase the space; erase it once both asked. Returns whether it is gone."""
    side = space.side_of(user_id)
    if getattr(space, f"{side}_erase_at") is None:
        setattr(space, f"{side}_erase_at", utcnow())
    if rules.both_agree({"mentor": space.mentor_erase_at, "mentee": space.mentee_erase_at}):
        delete_spaces([space.id])
        return True
    return False


def delete_spaces(space_ids: list[int]) -> int:
    """Hard-delete spaces and everything in them (children first: SQLite does not cascade). Flushes."""
    if not space_ids:
        return 0
    for table in CHILD_TABLES:
        db.session.execute(delete(table).where(table.space_id.in_(space_ids)))
    count = db.session.execute(delete(PairSpace).where(PairSpace.id.in_(space_ids))).rowcount or 0
    db.session.expire_all()
    db.session.flush()
    return count


def drop_orphans() -> int:
    """Remove rows whose space is gone (after the tool-wide erase deleted a space by one of its members: on
    SQLite nothing cascades, and the partner's rows must not outlive the space)."""
    live = select(PairSpace.id)
    removed = 0
    for table in CHILD_TABLES:
        removed += db.session.execute(delete(table).where(table.space_id.not_in(live))).rowcount or 0
    return removed


def erase_user(user_id: int) -> int:
    """Delete every space the person is in (a space is one joint record of two people). Flushes."""
    ids = list(db.session.scalars(select(PairSpace.id).where(
        or_(PairSpace.mentor_user_id == user_id, PairSpace.mentee_user_id == user_id))))
    return delete_spaces(ids)


# -- facilitators -------------------------------------------------------------------------------------------
def facts(context_pk: int) -> list[tuple[PairSpace, rules.PairFacts]]:
    """Every space of the course with its counts (no text is read)."""
    spaces = list(db.session.scalars(select(PairSpace).where(PairSpace.context_pk == context_pk)
                                     .options(selectinload(PairSpace.mentor), selectinload(PairSpace.mentee))
                                     .order_by(PairSpace.id)))
    ids = [s.id for s in spaces]
    if not ids:
        return []
    meetings = dict(db.session.execute(select(PairLogEntry.space_id, func.count()).where(
        PairLogEntry.space_id.in_(ids)).group_by(PairLogEntry.space_id)).all())
    helps = dict(db.session.execute(select(PairHelpRequest.space_id, func.count()).where(
        PairHelpRequest.space_id.in_(ids), PairHelpRequest.handled_at.is_(None)).group_by(
        PairHelpRequest.space_id)).all())
    versions: dict[int, list[rules.AgreementVersion]] = {}
    for row in db.session.execute(select(PairAgreementVersion.space_id, PairAgreementVersion.version,
                                         PairAgreementVersion.mentor_confirmed_at,
                                         PairAgreementVersion.mentee_confirmed_at).where(
            PairAgreementVersion.space_id.in_(ids))):
        sides = frozenset(s for s, at in (("mentor", row[2]), ("mentee", row[3])) if at)
        versions.setdefault(row[0], []).append(rules.AgreementVersion(row[1], sides))
    out = []
    for space in spaces:
        state = rules.agreement_state(versions.get(space.id, []))
        out.append((space, rules.PairFacts(
            space_id=space.id, open=space.status == OPEN, agreement_confirmed=state.in_force is not None,
            agreement_proposed=state.latest_version > 0, meetings=int(meetings.get(space.id, 0)),
            last_activity=space.last_activity_at.date() if space.last_activity_at else None,
            help_requests_open=int(helps.get(space.id, 0)))))
    return out


def pair_activity(context_pk: int) -> rules.PairActivity:
    """Course-level pair figures (active pairs, agreements confirmed, meetings logged, closed pairs),
    withheld below the k-anonymity minimum. For the facilitator page and the pilot report."""
    return rules.pair_activity([f for _space, f in facts(context_pk)])


# -- export -------------------------------------------------------------------------------------------------
def _iso(value: datetime | Any) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return (user.name or "").strip() if user is not None else ""


def export(space: PairSpace, user_id: int) -> dict[str, Any]:
    """The person's own part of the space plus what the two share (agreement and meeting log). Not included:
    the partner's reflection, help requests or comments, and — for the mentor — the text of the mentee's
    steps (hers, shown to him while shared)."""
    side = space.side_of(user_id)
    context = db.session.get(Context, space.context_pk)
    own_comments = db.session.scalars(select(PairStepComment).where(
        PairStepComment.space_id == space.id, PairStepComment.author_user_id == user_id)
        .order_by(PairStepComment.created_at)).all()
    reflection = reflection_of(space, user_id)
    shared = shared_step_ids(space)
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "course": {"title": context.title if context else "", "context_id": context.context_id if context else ""},
        "my_side": side,
        "partner": _name(space.partner_of(user_id)),
        "status": space.status,
        "created_at": _iso(space.created_at),
        "closed_at": _iso(space.closed_at),
        "shared": {
            "agreement": [
                {"version": v.version, "answers": v.answers, "proposed_by": space.side_of(v.proposed_by),
                 "proposed_at": _iso(v.proposed_at), "mentor_confirmed_at": _iso(v.mentor_confirmed_at),
                 "mentee_confirmed_at": _iso(v.mentee_confirmed_at)}
                for v in agreement_versions(space)
            ],
            "meeting_log": [
                {"met_on": e.met_on.isoformat(), "topics": e.topics, "next_step": e.next_step,
                 "step_owner": e.step_owner, "written_by": space.side_of(e.author_user_id),
                 "created_at": _iso(e.created_at), "updated_at": _iso(e.updated_at)}
                for e in sorted(log_entries(space), key=lambda e: (e.met_on, e.id))
            ],
        },
        "mine": {
            "reflection": {"text": reflection.text, "shared_with_partner": reflection.shared,
                           "updated_at": _iso(reflection.updated_at)} if reflection else None,
            "comments_on_shared_steps": [{"text": c.text, "created_at": _iso(c.created_at)} for c in own_comments],
            "help_requests": [{"created_at": _iso(h.created_at), "handled_at": _iso(h.handled_at)}
                              for h in help_requests(space) if h.user_id == user_id],
            "ready_to_close_at": _iso(getattr(space, f"{side}_close_at")),
            "asked_to_erase_at": _iso(getattr(space, f"{side}_erase_at")),
        },
    }
    if side == "mentee":
        data["mine"]["shared_steps"] = [
            {"horizon_days": days, "text": step.text, "done": step.done}
            for days, step in mentee_steps(space) if step.id in shared
        ]
    return data
