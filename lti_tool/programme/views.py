"""The programme report in the tool: an instructor sees their course; an LMS administrator (LTI system or
institution Administrator role) sees every course of their platform. Each table downloads as CSV with the
same hiding rules as the page."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, abort, g, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from lti_tool.activities.common import context_pk, lang, make_blueprint
from lti_tool.domain.programme import K
from lti_tool.lti.session import launch_required
from lti_tool.programme import charts
from lti_tool.programme.report import (
    CONSORTIUM,
    COURSE,
    PLATFORM,
    Report,
    Scope,
    Table,
    build_report,
    cell_text,
)

bp = make_blueprint("programme", __name__)


def launch_scope() -> tuple[Scope, str]:
    launch = g.launch
    if launch.role == "admin" and (launch.claims or {}).get("platform_admin"):
        platform = launch.platform
        return Scope(PLATFORM, issuer=platform.issuer), platform.name or platform.issuer
    course = context_pk()
    title = launch.context.title if launch.context is not None else ""
    return Scope(COURSE, context_pk=course), title or _("This course")


def hidden_label() -> str:
    return _("fewer than %(n)d", n=K)


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (course titles come from the LMS): "=…" -> "'=…"."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_csv(table: Table, hidden: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(c) for c in table.columns])
    for name, values in table.rows:
        writer.writerow([spreadsheet_safe(name), *(spreadsheet_safe(cell_text(v, hidden)) for v in values)])
    return out.getvalue()


def render_body(report: Report, csv_href: Any) -> dict[str, Any]:
    """What the report body template needs, shared by the page and the CLI's file."""
    hidden = hidden_label()
    return {
        "report": report,
        "hidden": hidden,
        "cell_text": lambda v: cell_text(v, hidden),
        "chart": lambda t: charts.chart_for(t, hidden, _("Chart of the table “%(title)s”; the same figures are in "
                                                         "the table.", title=t.title)),
        "csv_href": csv_href,
        "scope_words": {COURSE: _("Course"), PLATFORM: _("Platform"), CONSORTIUM: _("Consortium")},
        "Markup": Markup,
    }


@bp.get("/s/<lt>/report/")
@launch_required("instructor")
def report(lt: str):
    scope, label = launch_scope()
    data = build_report(scope, lang(), label)
    return render_template("programme/report.html", **render_body(
        data, lambda t: url_for("programme.export_csv", lt=lt, table_id=t.id)))


@bp.get("/s/<lt>/report/<table_id>.csv")
@launch_required("instructor")
def export_csv(lt: str, table_id: str):
    scope, label = launch_scope()
    table = build_report(scope, lang(), label).table(table_id)
    if table is None:
        abort(404)
    return Response(table_csv(table, hidden_label()), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="natalli-{table.id}.csv"', "Cache-Control": "no-store"})
