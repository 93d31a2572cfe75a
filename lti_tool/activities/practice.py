"""Practice rounds of the Train-the-Trainer course: a trainer opens a round for one module's segment, peers in
the course give structured feedback in the tool, the trainer reads it and writes her self-reflection, which
closes the round and counts the unit's step as done (rules: `lti_tool.domain.practice`).

Who sees what: the trainer sees the feedback on her own rounds with each peer's name (the round is run face
to face; feedback is signed, as the unit teaches); a peer sees and revises only her own feedback; the
course's instructors see counts per trainer and round, never the texts; the self-reflection is private.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from lti_tool.activities.common import context_pk, make_blueprint, record_outcome
from lti_tool.activities.models import PracticeFeedback, PracticeRound
from lti_tool.activities.state import (
    content_or_404,
    create_once,
    get_state,
    reflections,
    save_reflection,
    update_state,
)
from lti_tool.domain import practice as rules
from lti_tool.domain.grading import steps_outcome
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import User, utcnow
from lti_tool.web.forms import Choice, FormError, LearnerText, form_schema, load_form

bp = make_blueprint("practice", __name__)
FEEDBACK_LIMIT = 4000
REFLECTION_LIMIT = 20000


# -- lookups, always within the launch's course -------------------------------------------------------------
def _unit(unit_id: str) -> Any:
    unit = content_or_404(unit_id, "ttt_unit")
    if not unit.rounds:
        abort(404)
    return unit


def _round(unit: Any, round_id: int) -> PracticeRound:
    row = db.session.get(PracticeRound, round_id)
    if row is None or row.context_pk != context_pk() or row.unit_id != unit.id or row.step_id not in unit.rounds:
        abort(404)
    return row


def _facts(row: PracticeRound) -> rules.RoundFacts:
    return rules.RoundFacts(presenter_id=row.presenter_id, closed=row.closed_at is not None)


def _answers(row: PracticeFeedback | None) -> dict[str, str]:
    if row is None:
        return {}
    try:
        data = json.loads(row.answers_json or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _feedback(row: PracticeRound) -> list[PracticeFeedback]:
    return list(db.session.scalars(
        select(PracticeFeedback).where(PracticeFeedback.round_id == row.id)
        .options(selectinload(PracticeFeedback.giver)).order_by(PracticeFeedback.created_at, PracticeFeedback.id)))


def _my_feedback(row: PracticeRound) -> PracticeFeedback | None:
    return db.session.scalars(select(PracticeFeedback).where(
        PracticeFeedback.round_id == row.id, PracticeFeedback.giver_id == g.launch.user_id)).first()


def person_name(user: User | None, user_id: int) -> str:
    if user is not None and (user.name or "").strip():
        return user.name.strip()
    return _("Participant %(number)d", number=user_id)


def closed_round_steps(unit_id: str, user_id: int, context: int) -> set[str]:
    return set(db.session.scalars(select(PracticeRound.step_id).where(
        PracticeRound.context_pk == context, PracticeRound.presenter_id == user_id,
        PracticeRound.unit_id == unit_id, PracticeRound.closed_at.is_not(None))))


def record_unit_progress(unit: Any, ticked: list[str] | None = None) -> list[str]:
    """The unit's done steps (rule 4) stored on the trainer's progress row, with completion and the score
    queued; `ticked`: the boxes just sent (default: those stored). Caller commits."""
    state = get_state(unit.id, "ttt_unit")
    if ticked is None:
        ticked = list((state.state or {}).get("ticked_steps", (state.state or {}).get("done_steps", [])))
    ticked = [s for s in ticked if s not in unit.rounds]
    step_ids = [s.id for s in unit.steps]
    done = rules.done_steps(step_ids, unit.rounds, ticked,
                            closed_round_steps(unit.id, g.launch.user_id, context_pk()))
    update_state(state, done_steps=done, ticked_steps=ticked)
    outcome = steps_outcome(step_ids, done)
    state.completed = outcome.completed
    record_outcome(unit.id, outcome)
    return done


# -- forms --------------------------------------------------------------------------------------------------
def feedback_form(unit: Any):
    return form_schema({f"q-{q.id}": LearnerText(FEEDBACK_LIMIT, strip=True, load_default="", label=q.label)
                        for q in unit.feedback_questions}, "PracticeFeedbackForm")


def start_form(unit: Any):
    return form_schema({"step": Choice(tuple(unit.rounds), code="bad_round", message=lazy_gettext(
        "Please choose one of the practice rounds."))}, "PracticeStartForm")


def reflection_form():
    return form_schema({"text": LearnerText(REFLECTION_LIMIT, strip=True, load_default="",
                                            label=lazy_gettext("Your self-reflection"))}, "PracticeReflectionForm")


REFUSALS = {
    rules.Refusal.OWN_ROUND: (403, lazy_gettext("This is your own round: your peers give the feedback, and you "
                                                "write your self-reflection.")),
    rules.Refusal.ROUND_CLOSED: (409, lazy_gettext("This round is closed: the trainer has written her "
                                                   "self-reflection, so no more feedback is taken. Nothing has "
                                                   "been saved.")),
    rules.Refusal.NOT_PRESENTER: (403, lazy_gettext("Only the trainer who ran this round writes its "
                                                    "self-reflection.")),
}


def _refuse(refusal: rules.Refusal) -> LaunchError:
    status, message = REFUSALS[refusal]
    return LaunchError(refusal.value, str(message), status)


# -- pages --------------------------------------------------------------------------------------------------
@bp.get("/s/<lt>/ttt/<unit_id>/rounds/")
@launch_required()
def index(lt: str, unit_id: str):
    unit = _unit(unit_id)
    course = context_pk()
    me = g.launch.user_id
    rows = list(db.session.scalars(
        select(PracticeRound).where(PracticeRound.context_pk == course, PracticeRound.unit_id == unit.id)
        .options(selectinload(PracticeRound.presenter)).order_by(PracticeRound.opened_at, PracticeRound.id)))
    counts = dict(db.session.execute(
        select(PracticeFeedback.round_id, func.count()).join(PracticeRound)
        .where(PracticeRound.context_pk == course, PracticeRound.unit_id == unit.id)
        .group_by(PracticeFeedback.round_id)).all())
    given = set(db.session.scalars(select(PracticeFeedback.round_id).join(PracticeRound).where(
        PracticeRound.context_pk == course, PracticeFeedback.giver_id == me)))
    mine = {r.step_id: r for r in rows if r.presenter_id == me}
    peers_open = [r for r in rows if r.presenter_id != me and r.closed_at is None]
    overview = None
    if g.launch.is_instructor:
        # Counts only: who ran which round, how much feedback it got, whether it is reflected on.
        trainers: dict[int, dict[str, Any]] = {}
        for r in rows:
            entry = trainers.setdefault(r.presenter_id, {"name": person_name(r.presenter, r.presenter_id),
                                                         "rounds": {}})
            entry["rounds"][r.step_id] = (counts.get(r.id, 0), r.closed_at is not None)
        overview = sorted(trainers.values(), key=lambda t: t["name"].casefold())
    return render_template("activities/practice_rounds.html", unit=unit, mine=mine, counts=counts,
                           peers_open=peers_open, given=given, overview=overview, name=person_name)


@bp.post("/s/<lt>/ttt/<unit_id>/rounds/")
@launch_required()
def start(lt: str, unit_id: str):
    unit = _unit(unit_id)
    step = load_form(start_form(unit))["step"]
    course, me = context_pk(), g.launch.user_id

    def existing() -> PracticeRound | None:
        return db.session.scalars(select(PracticeRound).where(
            PracticeRound.context_pk == course, PracticeRound.presenter_id == me,
            PracticeRound.unit_id == unit.id, PracticeRound.step_id == step)).first()

    row = existing() or create_once(
        PracticeRound(context_pk=course, presenter_id=me, unit_id=unit.id, step_id=step), existing)
    db.session.commit()
    return redirect(url_for("practice.round_page", lt=lt, unit_id=unit.id, round_id=row.id), 303)


def _render_round(unit: Any, row: PracticeRound, status: int = 200, *, message: str = "",
                  error_field: str = "", sent: dict[str, str] | None = None, sent_reflection: str | None = None):
    me = g.launch.user_id
    step = next(s for s in unit.steps if s.id == row.step_id)
    presenting = row.presenter_id == me
    mine = None if presenting else _my_feedback(row)
    reflection = reflections(unit.id).get(row.step_id) if presenting else None
    saved = request.args.get("saved", "")
    return render_template(
        "activities/practice_round.html", unit=unit, round=row, step=step, presenting=presenting,
        feedback=_feedback(row) if presenting else [], answers_of=_answers, name=person_name,
        my_answers=sent if sent is not None else _answers(mine), has_given=mine is not None,
        reflection_text=sent_reflection if sent_reflection is not None else (reflection.text if reflection else ""),
        message=message, error_field=error_field, saved=saved if saved in ("feedback", "reflection") else "",
        presenter=person_name(row.presenter, row.presenter_id),
    ), status


@bp.get("/s/<lt>/ttt/<unit_id>/rounds/<int:round_id>")
@launch_required()
def round_page(lt: str, unit_id: str, round_id: int):
    unit = _unit(unit_id)
    return _render_round(unit, _round(unit, round_id))


@bp.get("/s/<lt>/ttt/<unit_id>/rounds/<int:round_id>/feedback")
@launch_required()
def feedback_list(lt: str, unit_id: str, round_id: int):
    """The feedback so far, as the fragment the round page shows (its script fetches it while the trainer
    reads and writes, so new feedback appears without reloading the page and losing her draft)."""
    unit = _unit(unit_id)
    row = _round(unit, round_id)
    if row.presenter_id != g.launch.user_id:
        raise _refuse(rules.Refusal.NOT_PRESENTER)
    return render_template("activities/_practice_feedback.html", unit=unit, feedback=_feedback(row),
                           answers_of=_answers, name=person_name, round=row)


@bp.post("/s/<lt>/ttt/<unit_id>/rounds/<int:round_id>/feedback")
@launch_required()
def give_feedback(lt: str, unit_id: str, round_id: int):
    unit = _unit(unit_id)
    row = _round(unit, round_id)
    refusal = rules.feedback_refusal(_facts(row), g.launch.user_id)
    if refusal is not None:
        raise _refuse(refusal)
    sent = {q.id: request.form.get(f"q-{q.id}", "") for q in unit.feedback_questions}
    try:
        form = load_form(feedback_form(unit))
    except FormError as exc:
        return _render_round(unit, row, exc.status, message=exc.message, error_field=exc.field or "", sent=sent)
    answers = {q.id: form[f"q-{q.id}"] for q in unit.feedback_questions}
    blank = rules.blank_answers(answers, [q.id for q in unit.feedback_questions])
    if blank:
        question = next(q for q in unit.feedback_questions if q.id == blank[0])
        return _render_round(unit, row, 400, message=_(
            "Please answer “%(question)s” too: the trainer learns most from all three answers. Nothing has been "
            "saved yet.", question=question.label), error_field=f"q-{question.id}", sent=sent)
    mine = _my_feedback(row)
    if mine is None:
        mine = create_once(PracticeFeedback(round_id=row.id, giver_id=g.launch.user_id), lambda: _my_feedback(row))
    mine.answers_json = json.dumps(answers, ensure_ascii=False)
    mine.updated_at = utcnow()
    db.session.commit()
    return redirect(url_for("practice.round_page", lt=lt, unit_id=unit.id, round_id=row.id, saved="feedback",
                            _anchor="give-feedback"), 303)


@bp.post("/s/<lt>/ttt/<unit_id>/rounds/<int:round_id>/reflection")
@launch_required()
def reflect(lt: str, unit_id: str, round_id: int):
    unit = _unit(unit_id)
    row = _round(unit, round_id)
    if row.presenter_id != g.launch.user_id:
        raise _refuse(rules.Refusal.NOT_PRESENTER)
    sent = request.form.get("text", "")
    try:
        text = load_form(reflection_form())["text"]
    except FormError as exc:
        return _render_round(unit, row, exc.status, message=exc.message, error_field="text", sent_reflection=sent)
    if rules.reflection_refusal(_facts(row), g.launch.user_id, text) is rules.Refusal.BLANK:
        return _render_round(unit, row, 400, message=_(
            "Please write your self-reflection before closing the round: a few sentences are enough."),
            error_field="text", sent_reflection=sent)
    save_reflection(unit.id, row.step_id, text)
    if row.closed_at is None:
        row.closed_at = utcnow()
    db.session.flush()
    record_unit_progress(unit)
    db.session.commit()
    return redirect(url_for("practice.round_page", lt=lt, unit_id=unit.id, round_id=row.id, saved="reflection",
                            _anchor="reflection"), 303)


def round_status(unit: Any) -> dict[str, tuple[PracticeRound, int]]:
    """For the unit page: the trainer's own rounds by step, with their feedback counts."""
    rows = list(db.session.scalars(select(PracticeRound).where(
        PracticeRound.context_pk == context_pk(), PracticeRound.presenter_id == g.launch.user_id,
        PracticeRound.unit_id == unit.id)))
    counts = dict(db.session.execute(select(PracticeFeedback.round_id, func.count())
                                      .where(PracticeFeedback.round_id.in_([r.id for r in rows]))
                                      .group_by(PracticeFeedback.round_id)).all()) if rows else {}
    return {r.step_id: (r, counts.get(r.id, 0)) for r in rows}


def drop_orphans() -> int:
    """Feedback whose round is gone (the tool-wide erase deleted a trainer's rounds: on SQLite nothing
    cascades, and feedback about a round must not outlive it)."""
    return db.session.execute(delete(PracticeFeedback).where(
        PracticeFeedback.round_id.not_in(select(PracticeRound.id)))).rowcount or 0

