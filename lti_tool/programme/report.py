"""The programme report: reads the facts for one scope (a course, an institution's platform, or the whole
consortium) with a handful of aggregate queries, has lti_tool.domain.programme compute the k-anonymous
figures, and lays them out as tables (each may carry a chart) that the page, the CSV export and the CLI's
HTML file all render the same way.

Facilitators and administrators are not part of the cohort being described: people who launched a course as
instructor or administrator are left out of that course's learner figures.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import aliased

from course_content import load as load_content
from lti_tool.activities.models import ActivityState, Reflection
from lti_tool.domain import programme as pr
from lti_tool.domain.insight import themes
from lti_tool.extensions import db
from lti_tool.models import Context, LaunchSession, Platform, ResourceLink, utcnow
from lti_tool.programme.measures import MEASURES
from lti_tool.programme.models import FeedbackResponse

COURSE, PLATFORM, CONSORTIUM = "course", "platform", "consortium"
STAFF_ROLES = ("instructor", "admin")


@dataclass(frozen=True)
class Scope:
    """Whose figures: one course (an instructor), one platform's courses (its administrator), or all."""

    kind: str
    context_pk: int | None = None
    issuer: str | None = None

    def courses(self, column: Any) -> ColumnElement[bool]:
        if self.kind == COURSE:
            return column == self.context_pk
        if self.kind == PLATFORM:
            return column.in_(select(Context.id).where(Context.issuer == self.issuer).scalar_subquery())
        return true()


Value = pr.Cell | int | str


@dataclass
class Table:
    """One table of the report. `rows` are (row header, values); a value is a Cell (hidden below K), or a
    plain number or text for things that are not people (courses, placed activities)."""

    id: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Value]]]
    chart: str | None = None  # "bars", "columns" or "stacked"
    chart_column: int = 0
    note: str = ""


@dataclass
class Section:
    id: str
    title: str
    intro: str
    tables: list[Table] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, items): e.g. themes


@dataclass
class Report:
    scope: Scope
    title: str
    scope_label: str
    generated: str
    sections: list[Section]
    minimum: int = pr.K

    def table(self, table_id: str) -> Table | None:
        return next((t for s in self.sections for t in s.tables if t.id == table_id), None)


def _month(column: Any) -> Any:
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def cell_text(value: Value, hidden_label: str) -> str:
    return value.text(hidden_label) if isinstance(value, pr.Cell) else str(value)


# --------------------------------------------------------------------------- facts
@dataclass
class Facts:
    courses: dict[int, tuple[str, str]]  # context pk -> (title, issuer)
    institutions: dict[str, str]  # issuer -> name
    staff: set[tuple[int, int]]  # (course, user) who launched a course as instructor or administrator
    learners: set[tuple[int, int]]  # (course, user) who launched a course as learner (staff left out)
    monthly_learners: dict[str, int]  # month -> distinct learners (counted by the database)
    monthly_completions: dict[str, tuple[int, int]]  # month -> (distinct learners, modules completed)
    links: list[tuple[int, Any]]  # (course, created_at)
    course_created: list[Any]
    progress: list[pr.ModuleProgress]
    contributions: list[pr.Contribution]
    responses: list[tuple[str, int, str, dict[str, str]]]  # (questionnaire, course, month, answers)
    comments: dict[str, list[str]]  # questionnaire -> encrypted-at-rest free text, for questionnaires with >= K


def _visited_count(column: Any) -> Any:
    """How many sections the module state lists as visited, read in the database (no JSON parsing here)."""
    if db.engine.dialect.name == "postgresql":
        return func.coalesce(func.json_array_length(column.op("->")("visited")), 0)
    return func.coalesce(func.json_array_length(column, "$.visited"), 0)


def read_facts(scope: Scope, modules: Sequence[str]) -> Facts:
    """The facts the figures are computed from: counts and ids, never a person's text (comments excepted,
    and only of questionnaires with at least K respondents, for the themes)."""
    session = db.session
    courses = {pk: (title or label or context_id, issuer) for pk, title, label, context_id, issuer in session.execute(
        select(Context.id, Context.title, Context.label, Context.context_id, Context.issuer)
        .where(scope.courses(Context.id)))}
    institutions: dict[str, str] = {}
    for issuer, name in session.execute(select(Platform.issuer, Platform.name).order_by(Platform.id)):
        if not institutions.get(issuer):
            institutions[issuer] = name or issuer
    ls = LaunchSession
    in_scope = (ls.context_pk.is_not(None), scope.courses(ls.context_pk))
    staff: set[tuple[int, int]] = set()
    learners: set[tuple[int, int]] = set()
    is_staff = func.max(case((ls.role.in_(STAFF_ROLES), 1), else_=0))
    for course, user, as_staff in session.execute(  # one pass over the sessions: who is staff where
            select(ls.context_pk, ls.user_id, is_staff).where(*in_scope).group_by(ls.context_pk, ls.user_id)):
        (staff if as_staff else learners).add((course, user))
    # Distinct learners per month over every launch: counted where the rows are (100,000s of sessions).
    other = aliased(LaunchSession)
    staff_here = (select(other.token).where(other.user_id == ls.user_id, other.context_pk == ls.context_pk,
                                            other.role.in_(STAFF_ROLES)).exists())
    active = (select(_month(ls.created_at).label("month"), ls.user_id)
              .where(*in_scope, ls.role.not_in(STAFF_ROLES), ~staff_here).distinct().subquery())
    # DISTINCT then COUNT(*) per month: hashed in memory, where COUNT(DISTINCT) would sort (on disk) per month.
    monthly = dict(session.execute(select(active.c.month, func.count()).group_by(active.c.month)).all())
    st = ActivityState
    staff_there = (select(ls.token).where(ls.user_id == st.user_id, ls.context_pk == st.context_pk,
                                          ls.role.in_(STAFF_ROLES)).exists())
    done_month = _month(st.updated_at)
    completions = {m: (people, n) for m, people, n in session.execute(
        select(done_month, func.count(func.distinct(st.user_id)), func.count())
        .where(st.kind == "module", st.completed.is_(True), scope.courses(st.context_pk), ~staff_there)
        .group_by(done_month))}
    links = [tuple(r) for r in session.execute(
        select(ResourceLink.context_pk, ResourceLink.created_at).where(scope.courses(ResourceLink.context_pk)))]
    course_created = list(session.scalars(select(Context.created_at).where(scope.courses(Context.id))))

    reflected = {tuple(r) for r in session.execute(
        select(Reflection.user_id, Reflection.context_pk, Reflection.activity_id)
        .where(Reflection.activity_id.in_(modules), scope.courses(Reflection.context_pk)).distinct())}
    progress = [
        pr.ModuleProgress(user, course, module, int(read), (user, course, module) in reflected, bool(completed))
        for user, course, module, read, completed in session.execute(
            select(ActivityState.user_id, ActivityState.context_pk, ActivityState.activity_id,
                   _visited_count(ActivityState.state), ActivityState.completed)
            .where(ActivityState.kind == "module", scope.courses(ActivityState.context_pk)))
        if (course, user) not in staff
    ]
    contributions = [
        pr.Contribution(measure.key, course, person, int(items or 0), item)
        for measure in MEASURES
        for course, person, items, item in session.execute(measure.facts(scope.courses))
        if (course, person) not in staff
    ]
    fr = FeedbackResponse
    responses = [tuple(r) for r in session.execute(
        select(fr.questionnaire_id, fr.context_pk, fr.month, fr.answers).where(scope.courses(fr.context_pk)))]
    per_form: dict[str, int] = defaultdict(int)
    for questionnaire_id, *_rest in responses:
        per_form[questionnaire_id] += 1
    enough = [q for q, n in per_form.items() if n >= pr.K]
    comments: dict[str, list[str]] = defaultdict(list)
    if enough:
        for questionnaire_id, text in session.execute(
                select(fr.questionnaire_id, fr.free_text)
                .where(scope.courses(fr.context_pk), fr.questionnaire_id.in_(enough), fr.free_text.is_not(None))):
            comments[questionnaire_id].append(text)
    return Facts(courses, institutions, staff, learners, monthly, completions, links, course_created, progress,
                 contributions, responses, dict(comments))


# --------------------------------------------------------------------------- layout
def build_report(scope: Scope, lang: str, scope_label: str) -> Report:
    content = load_content()
    module_objs = content.modules(lang)
    facts = read_facts(scope, [m.id for m in module_objs])
    sections = [
        _adoption(scope, facts),
        _completion(facts, module_objs),
        _participation(scope, facts),
        _feedback(facts, content.questionnaires(lang)),
    ]
    return Report(scope, _("Programme report"), scope_label, utcnow().strftime("%Y-%m-%d"), sections)


def _places(scope: Scope, facts: Facts) -> dict[int, tuple[Hashable, str]]:
    """Course -> its row in the per-place table: its institution for the consortium, the course otherwise."""
    if scope.kind == CONSORTIUM:
        return {pk: (issuer, facts.institutions.get(issuer, issuer)) for pk, (_title, issuer) in facts.courses.items()}
    return {pk: (pk, title) for pk, (title, _issuer) in facts.courses.items()}


def _adoption(scope: Scope, facts: Facts) -> Section:
    section = Section("adoption", _("Adoption"), _(
        "Where the programme is used: institutions (LMS platforms), courses, activities placed in courses, and "
        "the people who opened them as learners."))
    learners = {user for _c, user in facts.learners}
    active_courses = {course for course, _u in facts.learners | facts.staff}
    issuers = {facts.courses[c][1] for c in active_courses if c in facts.courses}
    overview = [
        (_("Institutions (LMS platforms)"), [len(issuers)]),
        (_("Courses"), [len(active_courses)]),
        (_("Placed activities"), [len(facts.links)]),
        (_("Learners"), [pr.cell(len(learners))]),
    ]
    section.tables.append(Table("adoption-overview", _("Adoption at a glance"), [_("Figure"), _("Count")], overview))
    monthly = pr.counted_monthly_cells(facts.monthly_learners)
    section.tables.append(Table("active-learners", _("Active learners per month"), [_("Month"), _("Learners")],
                                [(m, [c]) for m, c in monthly], chart="columns",
                                note=_("People who opened at least one activity as a learner that month.")))
    new_courses = pr.new_per_month(facts.course_created)
    new_links = pr.new_per_month(created for _c, created in facts.links)
    months = sorted(set(new_courses) | set(new_links))
    if months:
        months = pr.months_between(months[0], months[-1])
    section.tables.append(Table("new-per-month", _("New courses and placed activities per month"),
                                [_("Month"), _("New courses"), _("New placed activities")],
                                [(m, [new_courses.get(m, 0), new_links.get(m, 0)]) for m in months],
                                chart="columns", chart_column=1))
    if scope.kind != COURSE:
        names: dict[Hashable, str] = {}
        people: dict[Hashable, set] = defaultdict(set)
        links: dict[Hashable, int] = defaultdict(int)
        courses: dict[Hashable, set] = defaultdict(set)
        completed_people: dict[Hashable, set] = defaultdict(set)
        completed_items: dict[Hashable, int] = defaultdict(int)
        place = _places(scope, facts)
        for course in active_courses | {c for c, _d in facts.links}:
            key, name = place.get(course, (course, str(course)))
            names[key] = name
            courses[key].add(course)
        for course, user in facts.learners:
            people[place[course][0]].add((course, user))
        for course, _d in facts.links:
            links[place[course][0]] += 1
        for p in facts.progress:
            if p.completed:
                key = place[p.course][0]
                completed_people[key].add((p.course, p.person))
                completed_items[key] += 1
        counts = {key: len(people[key]) for key in names}
        learner_cells = pr.breakdown(counts, sum(counts.values()))
        done_counts = {key: len(completed_people[key]) for key in names}
        done_cells = pr.breakdown(done_counts, sum(done_counts.values()), dict(completed_items))
        order = sorted(names, key=lambda key: names[key].lower())
        per_place = CONSORTIUM == scope.kind
        columns = [_("Institution") if per_place else _("Course")]
        if per_place:
            columns.append(_("Courses"))
        columns += [_("Placed activities"), _("Learners"), _("Modules completed")]
        rows = []
        for key in order:
            values: list[Value] = [len(courses[key])] if per_place else []
            values += [links[key], learner_cells[key], done_cells[key]]
            rows.append((names[key], values))
        section.tables.append(Table("per-institution" if per_place else "per-course",
                                    _("Per institution") if per_place else _("Per course"), columns, rows,
                                    chart="bars", chart_column=len(columns) - 3))
    return section


def _completion(facts: Facts, module_objs: list[Any]) -> Section:
    section = Section("completion", _("Completion"), _(
        "How far learners got in each module: opened it, read every section, saved a reflection, and completed "
        "it. Each step is counted on its own, per person and course."))
    sections = {m.id: len(m.sections) for m in module_objs}
    funnels = pr.module_funnels(facts.progress, sections)
    stage_labels = {"opened": _("Opened"), "read": _("Read every section"), "reflected": _("Saved a reflection"),
                    "completed": _("Completed")}
    for module in module_objs:
        cells = funnels[module.id]
        section.tables.append(Table(f"funnel-{module.id}", _("Module: %(title)s", title=module.title),
                                    [_("Step"), _("Learners")],
                                    [(stage_labels[s], [cells[s]]) for s in pr.FUNNEL_STAGES], chart="bars"))
    people = {m: n for m, (n, _done) in facts.monthly_completions.items()}
    done = {m: d for m, (_n, d) in facts.monthly_completions.items()}
    section.tables.append(Table("completions-per-month", _("Modules completed per month"),
                                [_("Month"), _("Modules completed")],
                                [(m, [c]) for m, c in pr.counted_monthly_cells(people, done)], chart="columns",
                                note=_("By the month of the learner's last change to the module; shown for months "
                                       "in which at least %(n)d people completed a module.", n=pr.K)))
    whole = pr.programme_completion(facts.progress, list(sections))
    section.tables.append(Table("funnel-programme", _("The whole programme"), [_("Step"), _("Learners")], [
        (_("Started a module"), [whole["started"]]),
        (_("Completed all four modules"), [whole["completed"]]),
    ], chart="bars"))
    return section


def _participation(scope: Scope, facts: Facts) -> Section:
    section = Section("participation", _("Participation"), _(
        "What people did together and for themselves — counts only, never what anyone wrote."))
    keys = [m.key for m in MEASURES]
    figures = pr.participation(facts.contributions, keys)
    section.tables.append(Table("participation", _("Participation"), [_("Measure"), _("People"), _("Count")],
                                [(str(m.label), [figures[m.key].people, figures[m.key].items]) for m in MEASURES],
                                chart="bars", chart_column=1))
    if scope.kind != COURSE:
        courses = sorted({c for f in figures.values() for c in f.per_course},
                         key=lambda c: facts.courses.get(c, (str(c), ""))[0].lower())
        rows = [(facts.courses.get(c, (str(c), ""))[0],
                 [figures[m.key].per_course.get(c, pr.HIDDEN) for m in MEASURES]) for c in courses]
        section.tables.append(Table("participation-per-course", _("Participation per course"),
                                    [_("Course")] + [str(m.label) for m in MEASURES], rows))
    return section


def _feedback(facts: Facts, questionnaires: list[Any]) -> Section:
    section = Section("feedback", _("Feedback"), _(
        "Answers to the anonymous questionnaires. A questionnaire's answers are shown from %(n)d respondents up; "
        "written comments only as common words and phrases, from %(n)d respondents up.", n=pr.K))
    by_form: dict[str, list[dict[str, str]]] = defaultdict(list)
    for questionnaire_id, _course, _month, answers in facts.responses:
        by_form[questionnaire_id].append(answers or {})
    per_month: dict[str, int] = defaultdict(int)
    for _q, _course, month, _answers in facts.responses:
        per_month[month] += 1
    section.tables.append(Table("responses-per-month", _("Responses per month"), [_("Month"), _("Respondents")],
                                [(m, [c]) for m, c in pr.counted_monthly_cells(per_month)], chart="columns"))
    summary = []
    for q in questionnaires:
        responses = by_form.get(q.id, [])
        respondents = pr.cell(len(responses))
        summary.append((q.title, [respondents]))
        if respondents.hidden:
            continue
        scale = [o.id for o in q.scale]
        dist = pr.distributions(responses, [i.id for i in q.items], scale)
        section.tables.append(Table(
            f"feedback-{q.id}", q.title, [_("Statement")] + [o.label for o in q.scale] + [_("Answers")],
            [(i.text, [*dist[i.id].points.values(), dist[i.id].respondents]) for i in q.items], chart="stacked"))
        texts = []
        for index, raw in enumerate(facts.comments.get(q.id, [])):
            try:
                written = json.loads(raw or "{}")
            except ValueError:
                written = {}
            texts.extend((index, t) for t in written.values() if isinstance(t, str))
        found = themes(texts, minimum=pr.K) if len({i for i, _t in texts}) >= pr.K else None
        if found:
            # A term is listed once two respondents used it; its count only from K respondents up.
            section.lists.append((_("Common words in comments: %(title)s", title=q.title), [
                _("%(term)s (%(n)d respondents)", term=term, n=n) if n >= pr.K
                else _("%(term)s (fewer than %(n)d respondents)", term=term, n=pr.K) for term, n in found]))
    section.tables.insert(0, Table("feedback-responses", _("Responses per questionnaire"),
                                   [_("Questionnaire"), _("Respondents")], summary, chart="bars"))
    return section
