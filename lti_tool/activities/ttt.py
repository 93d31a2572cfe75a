"""Train-the-Trainer: the units as a course (steps ticked off -> completion), and a session planner built
from the seven-step workshop agenda, with time totals checked against the format, printable, and a live
"run session" view with the current step and a timer."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, url_for
from flask_babel import lazy_gettext
from marshmallow import Schema
from sqlalchemy import select

from course_content import docx_export
from lti_tool.activities import practice
from lti_tool.activities.common import (
    catalog,
    context_pk,
    lang,
    make_blueprint,
    record_outcome,
)
from lti_tool.activities.models import SessionPlan
from lti_tool.activities.state import content_or_404, get_state, update_state
from lti_tool.domain import practice as practice_rules
from lti_tool.domain.grading import steps_outcome
from lti_tool.domain.planner import MAX_STEP_MINUTES, check_plan
from lti_tool.extensions import db
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.web.forms import (
    Choice,
    Flag,
    FormDate,
    LearnerText,
    Line,
    WholeNumber,
    form_schema,
    load_args,
    load_form,
)

bp = make_blueprint("ttt", __name__)
AGENDA_ID = "workshop-agenda"
MAX_PARTICIPANTS = 500


def unit_form(item):
    """A unit's "done" boxes, one per step."""
    return form_schema({f"done-{s.id}": Flag(label=s.title) for s in item.steps}, "UnitForm")


def planner_form(agenda):
    """The session planner: format, minutes per step, title, numbers, date and the button pressed."""
    formats = tuple(agenda.formats)
    spec = {
        "format": Choice(formats, load_default="online", code="bad_format",
                         message=lazy_gettext("Please choose online or in person.")),
        "prev_format": Choice(formats, code="bad_format",
                              message=lazy_gettext("Please choose online or in person.")),
        "title": LearnerText(300, strip=True, load_default="", label=lazy_gettext("Title of the session")),
        "session_date": FormDate(load_default=None, code="bad_date", message=lazy_gettext(
            "Please give the session date as a date (for example 2026-03-31).")),
        "participants": WholeNumber(1, MAX_PARTICIPANTS, blank=20, load_default=20, code="bad_number",
                                    message=lazy_gettext("Please give the number of participants as a whole number.")),
        "breakout_size": WholeNumber(
            2, 20, blank=agenda.breakout_size.max, load_default=agenda.breakout_size.max, code="bad_number",
            message=lazy_gettext("Please give the breakout group size as a whole number from 2 to 20.")),
    }
    for step in agenda.steps:
        spec[f"minutes-{step.id}"] = WholeNumber(
            0, MAX_STEP_MINUTES, blank=None, load_default=None, code="bad_minutes",
            message=lazy_gettext("Minutes must be whole numbers from 0 to 240 (“%(step)s”).", step=step.title))
    spec["action"] = Choice(("save", "defaults"), load_default="save", label=lazy_gettext("Button"))
    return form_schema(spec, "PlannerForm")


class PageArgs(Schema):
    """Query arguments of the TtT pages: a format to show, a step of the run view, "saved"."""

    format = Line(40, load_default="", lenient=True)
    step = WholeNumber(0, 1000, blank=0, load_default=0, lenient=True)
    saved = Line(5, load_default="", lenient=True)


@bp.get("/s/<lt>/ttt/<unit_id>/")
@launch_required()
def unit(lt: str, unit_id: str):
    item = content_or_404(unit_id, "ttt_unit")
    row = get_state(item.id, "ttt_unit", create=False)
    stored = (row.state or {}) if row else {}
    done = set(stored.get("done_steps", []))
    rounds = practice.round_status(item) if item.rounds else {}
    if item.rounds:  # a round's step is done by running and reflecting on it, never by a tick
        closed = {sid for sid, (r, _count) in rounds.items() if r.closed_at is not None}
        done = set(practice_rules.done_steps([s.id for s in item.steps], item.rounds,
                                             stored.get("ticked_steps", stored.get("done_steps", [])), closed))
    units = catalog().ttt_units(lang())
    ids = [u.id for u in units]
    i = ids.index(item.id)
    return render_template(
        "activities/ttt_unit.html", unit=item, done=done,
        outcome=steps_outcome([s.id for s in item.steps], done),
        rounds=rounds, prev_unit=units[i - 1] if i > 0 else None, next_unit=units[i + 1] if i + 1 < len(units) else None,
        saved=load_args(PageArgs)["saved"] == "1",
    )


def _docx(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


@bp.get("/s/<lt>/ttt/<unit_id>/download/<step_id>.docx")
@launch_required()
def download_step(lt: str, unit_id: str, step_id: str):
    """One template of a unit as a Word document to adapt (only units whose steps are templates)."""
    item = content_or_404(unit_id, "ttt_unit")
    if not item.downloadable or step_id not in {s.id for s in item.steps}:
        abort(404)
    return _docx(docx_export.step_docx(item, step_id), f"{step_id}-{item.lang}")


@bp.get("/s/<lt>/ttt/<unit_id>/download.docx")
@launch_required()
def download_unit(lt: str, unit_id: str):
    item = content_or_404(unit_id, "ttt_unit")
    if not item.downloadable:
        abort(404)
    return _docx(docx_export.unit_docx(item), f"{item.id}-{item.lang}")


@bp.get("/s/<lt>/countries/")
@launch_required()
def countries(lt: str):
    """Recognition bodies, helplines and referral routes per partner country, each page dated."""
    return render_template("activities/countries.html", pages=catalog().country_pages(lang()), page=None)


@bp.get("/s/<lt>/countries/<page_id>")
@launch_required()
def country(lt: str, page_id: str):
    page = content_or_404(page_id, "country")
    return render_template("activities/countries.html", pages=catalog().country_pages(lang()), page=page)


@bp.post("/s/<lt>/ttt/<unit_id>/")
@launch_required()
def save_unit(lt: str, unit_id: str):
    item = content_or_404(unit_id, "ttt_unit")
    step_ids = [s.id for s in item.steps]
    form = load_form(unit_form(item))
    done = [s for s in step_ids if form[f"done-{s}"]]
    if item.rounds:
        practice.record_unit_progress(item, done)
        db.session.commit()
        return redirect(url_for("ttt.unit", lt=lt, unit_id=item.id, saved=1), 303)
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


def _with_breaks(agenda, minutes: dict[str, int], fmt: str) -> dict[str, int]:
    """The agenda's breaks count towards the session length, so the plan check and timetable include them."""
    return {**minutes, **{b.id: b.minutes[fmt] for b in getattr(agenda, "breaks", ())}}


def _check(agenda, minutes: dict[str, int], fmt: str, participants: int, size: int):
    formats = {k: (v.min_minutes, v.max_minutes) for k, v in agenda.formats.items()}
    return check_plan(_with_breaks(agenda, minutes, fmt), fmt, participants, size, formats,
                      (agenda.participants.min, agenda.participants.max),
                      (agenda.breakout_size.min, agenda.breakout_size.max))


def _view_model():
    agenda = _agenda()
    plan = _plan()
    fmt = load_args(PageArgs)["format"] or (plan.format if plan else "online")
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
                           saved=load_args(PageArgs)["saved"] == "1")


@bp.post("/s/<lt>/planner/")
@launch_required()
def save_planner(lt: str):
    agenda = _agenda()
    form = load_form(planner_form(agenda))
    fmt = form["format"]
    # An empty minutes box means the step's suggested time for the format.
    minutes = {s.id: s.minutes[fmt] if form[f"minutes-{s.id}"] is None else form[f"minutes-{s.id}"]
               for s in agenda.steps}
    plan = _plan(create=True)
    # Switching format (or asking for defaults) starts from that format's default minutes.
    if form["action"] == "defaults" or form.get("prev_format", fmt) != fmt:
        minutes = {s.id: s.minutes[fmt] for s in agenda.steps}
    plan.format = fmt
    plan.minutes = minutes
    plan.title = form["title"]
    plan.participants = form["participants"]
    plan.breakout_size = form["breakout_size"]
    plan.session_date = form["session_date"]
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
                           check=check, participants=participants, size=size,
                           schedule=_schedule(agenda, _with_breaks(agenda, minutes, fmt)))


@bp.get("/s/<lt>/planner/run")
@launch_required()
def run(lt: str):
    agenda, plan, fmt, minutes, check, participants, size = _view_model()
    steps = [s for s in agenda.steps if minutes[s.id] > 0]
    if not steps:
        abort(404)
    index = load_args(PageArgs)["step"]
    index = max(0, min(index, len(steps) - 1))
    return render_template("activities/planner_run.html", agenda=agenda, steps=steps, minutes=minutes,
                           index=index, check=check, fmt=fmt)


def _schedule(agenda, minutes: dict[str, int]) -> list[tuple[object, int, int]]:
    """(step, start minute, end minute) for the printable timetable."""
    out, t = [], 0
    items = agenda.timeline() if hasattr(agenda, "timeline") else agenda.steps
    for s in items:
        length = minutes.get(s.id, 0)
        out.append((s, t, t + length))
        t += length
    return out
