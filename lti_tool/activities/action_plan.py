"""The 30/60/90-day action plan: a goal, small checkable steps, support and networks, and a review date per
horizon; progress (steps done) is visible, and the plan prints cleanly."""

from __future__ import annotations

from datetime import date

from flask import g, redirect, render_template, request, url_for
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
from lti_tool.activities.models import PlanHorizon, PlanStep
from lti_tool.activities.state import create_once, get_state
from lti_tool.domain.grading import action_plan_outcome
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow

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


def _parse_date(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise LaunchError("bad_date", _("Please give the review date as a date (for example 2026-03-31)."),
                          400) from None


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
                           outcome=outcome, saved=request.args.get("saved") == "1",
                           fields={f.id: f for f in plan.fields})


@bp.post("/s/<lt>/plan/")
@launch_required()
def save(lt: str):
    plan = _plan()
    days = [h.days for h in plan.horizons]
    horizons = _horizons(days)
    form = request.form
    for d in days:
        h = horizons[d]
        h.goal = clean_text(form.get(f"goal-{d}", h.goal))
        h.support = clean_text(form.get(f"support-{d}", h.support))
        if f"review-{d}" in form:
            h.review_on = _parse_date(form.get(f"review-{d}"))
        for step in list(h.steps):
            if form.get(f"step-{step.id}-remove") == "1":
                h.steps.remove(step)
                continue
            if f"step-{step.id}-text" in form:
                text = clean_text(form.get(f"step-{step.id}-text"), SHORT_TEXT).strip()
                if text:
                    step.text = text
                step.done = form.get(f"step-{step.id}-done") == "1"
        new = clean_text(form.get(f"new-step-{d}"), SHORT_TEXT).strip()
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
