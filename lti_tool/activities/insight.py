"""Facilitator insight (the programme's feedback loop): per course, anonymised counts only — completion per
activity, which scenarios were discussed, and themes from *shared* journal entries — never any aggregate
over fewer than five people, and never raw text. CSV export applies the same rules."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import Response, render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from lti_tool.activities.common import catalog, context_pk, lang, make_blueprint
from lti_tool.activities.models import ActivityState, BreakoutParticipation, GroupNote, JournalEntry
from lti_tool.domain.insight import MIN_GROUP, enough, themes
from lti_tool.extensions import db
from lti_tool.lti.session import launch_required
from lti_tool.models import LaunchSession

bp = make_blueprint("insight", __name__)


@dataclass(frozen=True)
class Row:
    activity_id: str
    kind: str
    title: str
    started: int
    completed: int

    @property
    def shown(self) -> bool:
        return enough(self.started)


@dataclass(frozen=True)
class ScenarioRow:
    scenario_id: str
    title: str
    participants: int
    groups_with_notes: int

    @property
    def shown(self) -> bool:
        return enough(self.participants)


def _staff(course: int) -> set[int]:
    """Facilitators of the course are not part of the cohort being described."""
    return set(db.session.scalars(select(LaunchSession.user_id).where(
        LaunchSession.context_pk == course, LaunchSession.role.in_(("instructor", "admin"))).distinct()))


def collect() -> dict:
    course = context_pk()
    staff = _staff(course)
    language = lang()
    states = [s for s in db.session.scalars(select(ActivityState).where(ActivityState.context_pk == course))
              if s.user_id not in staff]
    journal_users = {u for u in db.session.scalars(select(JournalEntry.user_id).where(
        JournalEntry.context_pk == course).distinct()) if u not in staff}
    cohort = {s.user_id for s in states} | journal_users
    per_activity: dict[str, tuple[set[int], set[int]]] = {}
    for s in states:
        started, completed = per_activity.setdefault(s.activity_id, (set(), set()))
        started.add(s.user_id)
        if s.completed:
            completed.add(s.user_id)
    rows = []
    for ref in catalog().activities(language):
        if ref.kind == "self_assessment":
            continue
        started, completed = per_activity.get(ref.id, (set(), set()))
        if ref.kind == "journal":
            started = started | journal_users
        rows.append(Row(ref.id, ref.kind, ref.title, len(started), len(completed)))

    scenario_rows = []
    for sc in catalog().scenarios(lang=language):
        participants = db.session.scalar(select(func.count(func.distinct(BreakoutParticipation.user_id))).where(
            BreakoutParticipation.context_pk == course, BreakoutParticipation.scenario_id == sc.id,
            BreakoutParticipation.user_id.not_in(staff or {-1}))) or 0
        notes = sum(1 for text in db.session.scalars(select(GroupNote.text).where(
            GroupNote.context_pk == course, GroupNote.scenario_id == sc.id)) if text.strip())
        scenario_rows.append(ScenarioRow(sc.id, sc.title, participants, notes))

    shared = db.session.execute(select(JournalEntry.user_id, JournalEntry.text).where(
        JournalEntry.context_pk == course, JournalEntry.shared.is_(True))).all()
    shared = [(u, t) for u, t in shared if u not in staff]
    return {
        "cohort": len(cohort),
        "cohort_shown": enough(len(cohort)),
        "rows": rows,
        "scenarios": scenario_rows,
        "themes": themes(shared),
        "shared_authors": len({u for u, _t in shared}),
        "minimum": MIN_GROUP,
    }


@bp.get("/s/<lt>/insight/")
@launch_required("instructor")
def index(lt: str):
    return render_template("activities/insight.html", **collect())


@bp.get("/s/<lt>/insight.csv")
@launch_required("instructor")
def export_csv(lt: str):
    data = collect()
    hidden = _("fewer than %(n)d", n=MIN_GROUP)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "id", "title", "measure", "value"])
    writer.writerow(["course", "", "", "people", data["cohort"] if data["cohort_shown"] else hidden])
    if data["cohort_shown"]:
        for r in data["rows"]:
            writer.writerow(["completion", r.activity_id, r.title, "started", r.started if r.shown else hidden])
            writer.writerow(["completion", r.activity_id, r.title, "completed", r.completed if r.shown else hidden])
        for s in data["scenarios"]:
            writer.writerow(["scenario", s.scenario_id, s.title, "participants", s.participants if s.shown else hidden])
            writer.writerow(["scenario", s.scenario_id, s.title, "groups_with_notes",
                             s.groups_with_notes if s.shown else hidden])
        if data["themes"] is None:
            writer.writerow(["themes", "", "", "shared_authors", hidden])
        else:
            for term, count in data["themes"]:
                writer.writerow(["themes", "", term, "people", count])
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="natalli-insight.csv"', "Cache-Control": "no-store"})
