"""`flask --app lti_tool report programme --out report.html`: the whole consortium's programme report as one
self-contained, printable HTML file (styles inline, charts as inline SVG, each table's CSV as a data: link) —
the report a programme lead sends to partners."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import click
from flask import Flask, current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale

from lti_tool.web.i18n import LANGUAGES

report_cli = AppGroup("report", help="Reports for programme leads.")
STATIC = Path(__file__).resolve().parents[1] / "static"


def render_programme_report(lang: str = "en") -> str:
    """The consortium report as a complete HTML document."""
    from lti_tool.programme.report import CONSORTIUM, Scope, build_report
    from lti_tool.programme.views import hidden_label, render_body, table_csv

    with current_app.test_request_context("/"), force_locale(lang):
        report = build_report(Scope(CONSORTIUM), lang, "NatAlli")
        hidden = hidden_label()
        styles = (STATIC / "natalli.css").read_text(encoding="utf-8") + (
            STATIC / "programme" / "report.css").read_text(encoding="utf-8")
        body = render_body(report, lambda t: "data:text/csv;charset=utf-8," + quote(table_csv(t, hidden)))
        return render_template("programme/standalone.html", styles=styles.replace("</", "<\\/"),
                               page_lang=lang, **body)


@report_cli.command("programme")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the HTML file.")
@click.option("--lang", "lang", default="en", show_default=True, type=click.Choice(LANGUAGES),
              help="Language of the report.")
def programme(out: str, lang: str) -> None:
    """Write the whole consortium's programme report to one self-contained HTML file."""
    html = render_programme_report(lang)
    Path(out).write_text(html, encoding="utf-8")
    click.echo(f"Wrote the programme report ({len(html) // 1024} KiB) to {out}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(report_cli)
