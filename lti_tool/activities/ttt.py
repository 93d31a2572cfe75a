"""Train-the-Trainer: the units as a course (steps ticked off -> completion), and a session planner built
from the seven-step workshop agenda, with time totals checked against the format, printable, and a live
"run session" view with the current step and a timer."""

from __future__ import annotations

from datetime import date

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lti_tool.activities.common import (
    SHORT_TEXT,
    catalog,
    clean_text,
    context_pk,
    lang,
    make_blueprint,
    record_outcome,
)
from lti_tool.activities.models import SessionPlan
from lti_tool.activities.state import content_or_404, get_state, update_state
from lti_tool.domain.grading import steps_outcome
from lti_tool.domain.planner import check_plan, parse_minutes
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow

bp = make_blueprint("ttt", __name__)
AGENDA_ID = "workshop-agenda"
MAX_PARTICIPANTS = 500


@bp.get("/s/<lt>/ttt/<unit_id>/")
@launch_required()
def unit(lt: str, unit_id: str):
    item = content_or_404(unit_id, "ttt_unit")
    row = get_state(item.id, "ttt_unit", create=False)
    done = set((row.state or {}).get("done_steps", [])) if row else set()
    units = catalog().ttt_units(lang())
    ids = [u.id for u in units]
    i = ids.index(item.id)
    return render_template(
        "activities/ttt_unit.html", unit=item, done=done,
        outcome=steps_outcome([s.id for s in item.steps], done),
        prev_unit=units[i - 1] if i > 0 else None, next_unit=units[i + 1] if i + 1 < len(units) else None,
        saved=request.args.get("saved") == "1",
    )


@bp.post("/s/<lt>/ttt/<unit_id>/")
@launch_required()
def save_unit(lt: str, unit_id: str):
    item = content_or_404(unit_id, "ttt_unit")
    step_ids = [s.id for s in item.steps]
    done = [s for s in step_ids if request.form.get(f"done-{s}") == "1"]
    row = get_state(item.id, "ttt_unit")
    update_state(row, done_steps=done)
    outcome = steps_outcome(step_ids, done)
    row.completed = outcome.completed
    record_outcome(item.id, outcome)
    db.session.commit()
    return redirect(url_for("ttt.unit", lt=lt, unit_id=item.id, saved=1), 303)


def _agenda():
    return catalog().workshop_agenda(lang())


def _plan(create: bool = False) -> SessionPlan | None:
    plan = db.session.scalars(select(SessionPlan).where(
        SessionPlan.user_id == g.launch.user_id, SessionPlan.context_pk == context_pk())).first()
    if plan is None and create:
        plan = SessionPlan(user_id=g.launch.user_id, context_pk=context_pk(), minutes={})
        db.session.add(plan)
    return plan


def _minutes(agenda, plan: SessionPlan | None, fmt: str) -> dict[str, int]:
    saved = (plan.minutes or {}) if plan is not None and plan.format == fmt else {}
    return {s.id: int(saved.get(s.id, s.minutes[fmt])) for s in agenda.steps}


def _check(agenda, minutes: dict[str, int], fmt: str, participants: int, size: int):
    formats = {k: (v.min_minutes, v.max_minutes) for k, v in agenda.formats.items()}
    return check_plan(minutes, fmt, participants, size, formats,
                      (agenda.participants.min, agenda.participants.max),
                      (agenda.breakout_size.min, agenda.breakout_size.max))


def _view_model():
    agenda = _agenda()
    plan = _plan()
    fmt = request.args.get("format") or (plan.format if plan else "online")
    if fmt not in agenda.formats:
        fmt = "online"
    minutes = _minutes(agenda, plan, fmt)
    participants = plan.participants if plan else 20
    size = plan.breakout_size if plan else agenda.breakout_size.max
    return agenda, plan, fmt, minutes, _check(agenda, minutes, fmt, participants, size), participants, size


@bp.get("/s/<lt>/planner/")
@launch_required()
def planner(lt: str):
    agenda, plan, fmt, minutes, check, participants, size = _view_model()
    return render_template("activities/planner.html", agenda=agenda, plan=plan, fmt=fmt, minutes=minutes,
                           check=check, participants=participants, size=size,
                           saved=request.args.get("saved") == "1")


def _int_field(name: str, default: int, low: int, high: int, message: str) -> int:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise LaunchError("bad_number", message, 400)
    return int(raw)


@bp.post("/s/<lt>/planner/")
@launch_required()
def save_planner(lt: str):
    agenda = _agenda()
    fmt = request.form.get("format", "online")
    if fmt not in agenda.formats:
        raise LaunchError("bad_format", _("Please choose online or in person."), 400)
    minutes: dict[str, int] = {}
    for step in agenda.steps:
        try:
            minutes[step.id] = parse_minutes(request.form.get(f"minutes-{step.id}"), step.minutes[fmt])
        except ValueError:
            raise LaunchError("bad_minutes", _("Minutes must be whole numbers from 0 to 240 (“%(step)s”).",
                                               step=step.title), 400) from None
    plan = _plan(create=True)
    # Switching format (or asking for defaults) starts from that format's default minutes.
    if request.form.get("action") == "defaults" or request.form.get("prev_format", fmt) != fmt:
        minutes = {s.id: s.minutes[fmt] for s in agenda.steps}
    plan.format = fmt
    plan.minutes = minutes
    plan.title = clean_text(request.form.get("title"), 300).strip()
    plan.participants = _int_field("participants", 20, 1, MAX_PARTICIPANTS,
                                   _("Please give the number of participants as a whole number."))
    plan.breakout_size = _int_field("breakout_size", agenda.breakout_size.max, 2, 20,
                                    _("Please give the breakout group size as a whole number from 2 to 20."))
    raw_date = clean_text(request.form.get("session_date"), SHORT_TEXT).strip()
    try:
        plan.session_date = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        raise LaunchError("bad_date", _("Please give the session date as a date (for example 2026-03-31)."),
                          400) from None
    plan.updated_at = utcnow()
    check = _check(agenda, minutes, fmt, plan.participants, plan.breakout_size)
    # A plan "covers" every step it gives time to, once its total fits the format.
    covered = [s for s, m in minutes.items() if m > 0] if check.within_bounds else []
    outcome = steps_outcome([s.id for s in agenda.steps], covered)
    state = get_state(AGENDA_ID, "workshop_agenda")
    state.completed = outcome.completed
    record_outcome(AGENDA_ID, outcome)
    db.session.commit()
    return redirect(url_for("ttt.planner", lt=lt, saved=1, _anchor="plan-check"), 303)


@bp.get("/s/<lt>/planner/print")
@launch_required()
def planner_print(lt: str):
    agenda, plan, fmt, minutes, check, participants, size = _view_model()
    return render_template("activities/planner_print.html", agenda=agenda, plan=plan, fmt=fmt, minutes=minutes,
                           check=check, participants=participants, size=size, schedule=_schedule(agenda, minutes))


@bp.get("/s/<lt>/planner/run")
@launch_required()
def run(lt: str):
    agenda, plan, fmt, minutes, check, participants, size = _view_model()
    steps = [s for s in agenda.steps if minutes[s.id] > 0]
    if not steps:
        abort(404)
    index = request.args.get("step", type=int, default=0)
    index = max(0, min(index, len(steps) - 1))
    return render_template("activities/planner_run.html", agenda=agenda, steps=steps, minutes=minutes,
                           index=index, check=check, fmt=fmt)


def _schedule(agenda, minutes: dict[str, int]) -> list[tuple[object, int, int]]:
    """(step, start minute, end minute) for the printable timetable."""
    out, t = [], 0
    for s in agenda.steps:
        out.append((s, t, t + minutes[s.id]))
        t += minutes[s.id]
    return out
