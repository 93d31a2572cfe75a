"""The 30/60/90-day action plan: a goal, small checkable steps, support and networks, and a review date per
horizon; progress (steps done) is visible, and the plan prints cleanly."""

from __future__ import annotations

from datetime import date

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import Schema
from sqlalchemy import select

from lti_tool.activities.common import (
    catalog,
    context_pk,
    lang,
    make_blueprint,
    record_outcome,
)
from lti_tool.activities.models import PlanHorizon, PlanStep
from lti_tool.activities.state import create_once, get_state
from lti_tool.domain.grading import action_plan_outcome
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.web.forms import (
    SHORT_TEXT,
    Flag,
    FormDate,
    LearnerText,
    Line,
    form_schema,
    load_args,
    load_form,
)

bp = make_blueprint("action_plan", __name__)
PLAN_ID = "action-plan-30-60-90"
MAX_STEPS = 12


def _plan():
    return catalog().action_plan(lang())


def _horizons(days: list[int]) -> dict[int, PlanHorizon]:
    rows = db.session.scalars(select(PlanHorizon).where(
        PlanHorizon.user_id == g.launch.user_id, PlanHorizon.context_pk == context_pk()))
    have = {r.days: r for r in rows}
    for d in days:
        if d not in have:
            have[d] = create_once(
                PlanHorizon(user_id=g.launch.user_id, context_pk=context_pk(), days=d, goal="", support=""),
                lambda d=d: _horizon(d),
            )
    return have


def _horizon(days: int) -> PlanHorizon | None:
    return db.session.scalars(select(PlanHorizon).where(
        PlanHorizon.user_id == g.launch.user_id, PlanHorizon.context_pk == context_pk(),
        PlanHorizon.days == days)).first()


def plan_form(plan, horizons: dict[int, PlanHorizon]):
    """The plan page: per horizon its goal, support, review date and new step, and per step its text and
    done/remove boxes. Fields a form leaves out keep what is stored."""
    labels = {f.id: f.label for f in plan.fields}
    spec = {}
    for d, h in horizons.items():
        spec[f"goal-{d}"] = LearnerText(label=labels.get("goal"))
        spec[f"support-{d}"] = LearnerText(label=labels.get("support"))
        spec[f"review-{d}"] = FormDate(code="bad_date", message=lazy_gettext(
            "Please give the review date as a date (for example 2026-03-31)."))
        for step in h.steps:
            spec[f"step-{step.id}-text"] = LearnerText(SHORT_TEXT, strip=True, label=step.text)
            spec[f"step-{step.id}-done"] = Flag(label=step.text)
            spec[f"step-{step.id}-remove"] = Flag(label=step.text)
        spec[f"new-step-{d}"] = LearnerText(SHORT_TEXT, strip=True, load_default="",
                                            label=lazy_gettext("Add a small step"))
    return form_schema(spec, "ActionPlanForm")


class PlanArgs(Schema):
    saved = Line(5, load_default="", lenient=True)


def progress(horizons: dict[int, PlanHorizon]) -> tuple[int, int]:
    steps = [s for h in horizons.values() for s in h.steps]
    return sum(1 for s in steps if s.done), len(steps)


@bp.get("/s/<lt>/plan/")
@launch_required()
def index(lt: str):
    plan = _plan()
    horizons = _horizons([h.days for h in plan.horizons])
    done, total = progress(horizons)
    db.session.commit()  # the empty horizons, so a double-submitted first save cannot create them twice
    outcome = action_plan_outcome({d: h.goal for d, h in horizons.items()}, [h.days for h in plan.horizons])
    return render_template("activities/action_plan.html", plan=plan, horizons=horizons, done=done, total=total,
                           outcome=outcome, saved=load_args(PlanArgs)["saved"] == "1",
                           fields={f.id: f for f in plan.fields})


@bp.post("/s/<lt>/plan/")
@launch_required()
def save(lt: str):
    plan = _plan()
    days = [h.days for h in plan.horizons]
    horizons = _horizons(days)
    form = load_form(plan_form(plan, {d: horizons[d] for d in days}))
    for d in days:
        h = horizons[d]
        h.goal = form.get(f"goal-{d}", h.goal)
        h.support = form.get(f"support-{d}", h.support)
        if f"review-{d}" in form:
            h.review_on = form[f"review-{d}"]
        for step in list(h.steps):
            if form.get(f"step-{step.id}-remove"):
                h.steps.remove(step)
                continue
            if f"step-{step.id}-text" in form:
                text = form[f"step-{step.id}-text"]
                if text:
                    step.text = text
                step.done = form[f"step-{step.id}-done"]
        new = form[f"new-step-{d}"]
        if new:
            if len(h.steps) >= MAX_STEPS:
                raise LaunchError("too_many_steps", _("A horizon can have at most %(n)d steps. Small and few is "
                                                      "the idea.", n=MAX_STEPS), 400)
            h.steps.append(PlanStep(text=new, position=len(h.steps), done=False))
        h.updated_at = utcnow()
    db.session.flush()
    outcome = action_plan_outcome({d: h.goal for d, h in horizons.items()}, days)
    state = get_state(PLAN_ID, "action_plan")
    state.completed = outcome.completed
    record_outcome(PLAN_ID, outcome)
    db.session.commit()
    return redirect(url_for("action_plan.index", lt=lt, saved=1), 303)


@bp.get("/s/<lt>/plan/print")
@launch_required()
def printable(lt: str):
    plan = _plan()
    horizons = _horizons([h.days for h in plan.horizons])
    done, total = progress(horizons)
    return render_template("activities/action_plan_print.html", plan=plan, horizons=horizons, done=done,
                           total=total, fields={f.id: f for f in plan.fields}, today=date.today())
