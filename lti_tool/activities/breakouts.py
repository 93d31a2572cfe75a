"""Scenario breakouts: the scenario and its guiding questions, the learner's group and its shared note
(versioned: a stale save is refused with both texts shown), an individual reflection, and a facilitator view
of all groups' notes with a timer for the breakout phase. Without groups, learners take part as individuals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import abort, g, jsonify, redirect, render_template, url_for
from flask_babel import format_time, lazy_gettext
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, validates_schema
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lti_tool.activities.common import (
    catalog,
    context_pk,
    lang,
    make_blueprint,
    record_outcome,
    wants_json,
)
from lti_tool.activities.models import BreakoutParticipation, BreakoutTimer, GroupNote, Reflection
from lti_tool.activities.state import content_or_404, create_once, get_state, reflections, save_reflection
from lti_tool.domain.grading import scenario_outcome
from lti_tool.domain.notes import NoteConflict, apply_edit
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.web.forms import (
    MAX_ID,
    Choice,
    LearnerText,
    Line,
    Problem,
    TextForm,
    WholeNumber,
    load_args,
    load_form,
)

log = logging.getLogger(__name__)
bp = make_blueprint("breakouts", __name__)
REFLECTION = "individual"
MAX_TIMER_MINUTES = 180


class NoteForm(Schema):
    """The group note and the version it was written from (a hidden field of the page)."""

    text = LearnerText(load_default="", label=lazy_gettext("Group note"))
    version = WholeNumber(0, MAX_ID, required=True, code="bad_version", label=lazy_gettext("Note version"))


class TimerForm(Schema):
    action = Choice(("start", "stop"), load_default="start", label=lazy_gettext("Button"))
    minutes = WholeNumber(
        1, MAX_TIMER_MINUTES, blank=None, load_default=None, code="bad_minutes",
        message=lazy_gettext("Please give the breakout time in whole minutes, from 1 to %(max)d.",
                             max=MAX_TIMER_MINUTES),
    )

    @validates_schema
    def _minutes_to_start(self, data: dict, **kwargs) -> None:
        if data.get("action") != "stop" and data.get("minutes") is None:
            field = self.fields["minutes"]
            raise ValidationError(Problem(field.readable(), 400, field.code), "minutes")


class ScenarioArgs(Schema):
    saved = Line(20, load_default="", lenient=True)


@dataclass(frozen=True)
class GroupInfo:
    key: str
    name: str
    members: tuple[tuple[str, bool], ...] = ()  # (display name, is me)


def current_group() -> GroupInfo | None:
    """The launch's breakout group, or None for the "as individual" mode.

    Groups come from the services part (NRPS roster grouping, published by the facilitator); while that is
    unavailable — or the course has no groups — everybody takes part as an individual, a complete path.
    """
    try:
        from lti_tool.services.groups import group_for
    except ImportError:
        return None
    try:
        group = group_for(g.launch)
    except Exception:  # a roster outage must not block the activity
        log.exception("group lookup failed; continuing as individual")
        return None
    if group is None:
        return None
    key = str(getattr(group, "id", None) or getattr(group, "key", None) or group)
    name = str(getattr(group, "name", None) or key)
    members = tuple((str(n), bool(me)) for n, me in (getattr(group, "members", None) or ()))
    return GroupInfo(key[:255], name[:300], members)


def _participation(scenario_id: str, group_key: str | None) -> BreakoutParticipation:
    row = db.session.scalars(select(BreakoutParticipation).where(
        BreakoutParticipation.user_id == g.launch.user_id,
        BreakoutParticipation.context_pk == context_pk(),
        BreakoutParticipation.scenario_id == scenario_id,
    )).first()
    if row is None:
        row = create_once(
            BreakoutParticipation(user_id=g.launch.user_id, context_pk=context_pk(), scenario_id=scenario_id,
                                  contributed=False),
            lambda: db.session.scalars(select(BreakoutParticipation).where(
                BreakoutParticipation.user_id == g.launch.user_id, BreakoutParticipation.context_pk == context_pk(),
                BreakoutParticipation.scenario_id == scenario_id)).first(),
        )
    if group_key and row.group_key != group_key:
        row.group_key = group_key
    return row


def _note(scenario_id: str, group: GroupInfo) -> GroupNote:
    """The group's note row, created empty on first use (a concurrent creation wins; we then reload it)."""
    query = select(GroupNote).where(
        GroupNote.context_pk == context_pk(), GroupNote.scenario_id == scenario_id, GroupNote.group_key == group.key
    )
    note = db.session.scalars(query).first()
    if note is None:
        try:
            with db.session.begin_nested():
                note = GroupNote(context_pk=context_pk(), scenario_id=scenario_id, group_key=group.key,
                                 group_name=group.name, text="", version=0)
                db.session.add(note)
        except IntegrityError:
            note = db.session.scalars(query).one()
    return note


def _update_outcome(scenario_id: str, part: BreakoutParticipation) -> None:
    reflection = reflections(scenario_id).get(REFLECTION)
    outcome = scenario_outcome(
        joined_group=bool(part.group_key), contributed_to_note=part.contributed,
        reflection_submitted=bool(reflection and reflection.text.strip()),
    )
    state = get_state(scenario_id, "scenario")
    state.completed = outcome.completed
    record_outcome(scenario_id, outcome)


def _timer(scenario_id: str) -> BreakoutTimer | None:
    return db.session.scalars(select(BreakoutTimer).where(
        BreakoutTimer.context_pk == context_pk(), BreakoutTimer.scenario_id == scenario_id)).first()


def _running(timer: BreakoutTimer | None):
    return timer.ends_at if timer and timer.ends_at and timer.ends_at > utcnow() else None


@bp.get("/s/<lt>/scenario/<scenario_id>/")
@launch_required()
def scenario(lt: str, scenario_id: str):
    item = content_or_404(scenario_id, "scenario")
    group = current_group()
    part = _participation(item.id, group.key if group else None)
    note = _note(item.id, group) if group else None
    _update_outcome(item.id, part)
    db.session.commit()
    return _render(item, group, note)


def _render(item, group, note, status: int = 200, **extra):
    saved = reflections(item.id).get(REFLECTION)
    module = catalog().module(item.module, lang())
    return render_template(
        "activities/breakout.html",
        scenario=item,
        module=module,
        group=group,
        note=note,
        reflection=saved.text if saved else "",
        ends_at=_running(_timer(item.id)),
        saved=load_args(ScenarioArgs)["saved"],
        **extra,
    ), status


@bp.post("/s/<lt>/scenario/<scenario_id>/note")
@launch_required()
def save_note(lt: str, scenario_id: str):
    """Save the group note only if it still is the version the learner started from; otherwise 409 with
    their text and the group's current text side by side — nothing is overwritten."""
    item = content_or_404(scenario_id, "scenario")
    group = current_group()
    if group is None:
        raise LaunchError("no_group", _("You are not in a breakout group for this course, so there is no group "
                                        "note. You can write your own reflection instead."), 400)
    form = load_form(NoteForm)
    text, base = form["text"], form["version"]
    note = _note(item.id, group)
    result = apply_edit(note.text, note.version, base, text)
    if not isinstance(result, NoteConflict) and result.changed:
        # Compare-and-set in the database, so two simultaneous saves cannot both win.
        done = db.session.execute(
            update(GroupNote)
            .where(GroupNote.id == note.id, GroupNote.version == base)
            .values(text=text, version=base + 1, updated_by=g.launch.user_id, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if done != 1:
            db.session.rollback()
            note = _note(item.id, group)
            db.session.refresh(note)
            result = NoteConflict(base, note.version, note.text, text)
    if isinstance(result, NoteConflict):
        db.session.rollback()
        if wants_json():
            return jsonify({"error": "conflict", "message": _conflict_message(), "current_text": result.current_text,
                            "current_version": result.current_version, "your_text": text}), 409
        return _render(item, group, note, 409, conflict=result)
    part = _participation(item.id, group.key)
    if result.changed:
        part.contributed = True
    _update_outcome(item.id, part)
    db.session.commit()
    return redirect(url_for("breakouts.scenario", lt=lt, scenario_id=item.id, saved="note", _anchor="group-note"), 303)


def _conflict_message() -> str:
    return _("Someone in your group saved the note while you were writing. Nothing was overwritten: "
             "combine both texts below and save again.")


@bp.post("/s/<lt>/scenario/<scenario_id>/reflection")
@launch_required()
def save_individual(lt: str, scenario_id: str):
    item = content_or_404(scenario_id, "scenario")
    text = load_form(TextForm)["text"]
    group = current_group()
    part = _participation(item.id, group.key if group else None)
    save_reflection(item.id, REFLECTION, text)
    db.session.flush()
    _update_outcome(item.id, part)
    db.session.commit()
    if wants_json():
        now = utcnow()
        return jsonify({"saved": True, "label": _("Saved at %(time)s", time=format_time(now, "short"))})
    return redirect(url_for("breakouts.scenario", lt=lt, scenario_id=item.id, saved="reflection",
                            _anchor="my-reflection"), 303)


@bp.get("/s/<lt>/scenario/<scenario_id>/facilitator")
@launch_required("instructor")
def facilitator(lt: str, scenario_id: str):
    item = content_or_404(scenario_id, "scenario")
    notes = list(db.session.scalars(select(GroupNote).where(
        GroupNote.context_pk == context_pk(), GroupNote.scenario_id == item.id).order_by(GroupNote.group_name)))
    # Text is encrypted at rest, so emptiness is checked after decryption.
    individual = sum(1 for text in db.session.scalars(select(Reflection.text).where(
        Reflection.context_pk == context_pk(), Reflection.activity_id == item.id)) if text.strip())
    participants = db.session.scalar(select(func.count()).select_from(BreakoutParticipation).where(
        BreakoutParticipation.context_pk == context_pk(), BreakoutParticipation.scenario_id == item.id))
    timer = _timer(item.id)
    agenda = catalog().workshop_agenda(lang())
    default_minutes = next((s.minutes.get("online", 30) for s in agenda.steps if s.id == "scenario-breakouts"), 30)
    planned = getattr(item, "minutes", None)
    if planned is not None:  # the scenario's own planned breakout time beats the agenda's generic block
        default_minutes = planned.breakout
    return render_template(
        "activities/breakout_facilitator.html", scenario=item, notes=notes, individual=individual or 0,
        participants=participants or 0, ends_at=_running(timer),
        minutes=timer.minutes if timer else default_minutes,
    )


@bp.post("/s/<lt>/scenario/<scenario_id>/timer")
@launch_required("instructor")
def timer(lt: str, scenario_id: str):
    item = content_or_404(scenario_id, "scenario")
    form = load_form(TimerForm)
    row = _timer(item.id)
    if row is None:
        row = BreakoutTimer(context_pk=context_pk(), scenario_id=item.id)
        db.session.add(row)
    if form["action"] == "stop":
        row.ends_at = None
    else:
        row.minutes = form["minutes"]
        row.ends_at = utcnow() + timedelta(minutes=row.minutes)
        row.started_by = g.launch.user_id
    db.session.commit()
    return redirect(url_for("breakouts.facilitator", lt=lt, scenario_id=item.id), 303)


@bp.get("/s/<lt>/scenario/<scenario_id>/note.json")
@launch_required()
def note_json(lt: str, scenario_id: str):
    """The group's current note (for a page that wants to check for a newer version)."""
    item = content_or_404(scenario_id, "scenario")
    group = current_group()
    if group is None:
        abort(404)
    note = _note(item.id, group)
    db.session.commit()
    return jsonify({"version": note.version, "text": note.text})
