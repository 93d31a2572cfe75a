"""The programme report on a hand-computed fixture: who sees what (learner, instructor, course and platform
administrators, the operator's CLI), the figures and their k-anonymity cut-offs, charts beside tables, CSV.

The fixture (counted by hand):
  University A (https://a.test): course A1 — learners a0..a5 launch in 2026-01, a0 and a1 again in 2026-03,
      facilitator tA; course A2 — learners b0..b3 in 2026-02.
  University B (https://b.test): course B1 — learners c0..c4 in 2026-02.
  Module "safe-start" in A1: a0..a4 read every section, saved a reflection and completed; a5 only opened it;
      the facilitator's own progress is left out.
  Feedback "after-safe-start" in A1: five responses, all "4" on clear-texts; "end-of-programme": four.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from lti_tool.extensions import db

A, B = "https://a.test", "https://b.test"
SECTIONS = ["arriving-takes-time", "what-safety-means", "hope-and-realism", "agency-and-limits"]


@pytest.fixture
def fixture(app, world):
    from lti_tool.activities.models import ActivityState, Reflection
    from lti_tool.programme.models import FeedbackResponse

    launches = {}
    with app.app_context():
        world.platform(A, "University A")
        world.platform(B, "University B")
        db.session.commit()
    for n in range(6):
        launches[f"a{n}"] = world.launch(f"a{n}", "A1", issuer=A, at=datetime(2026, 1, 10 + n), link="rl-a1",
                                         activity="safe-start")
    for n in range(2):
        world.launch(f"a{n}", "A1", issuer=A, at=datetime(2026, 3, 2))
    launches["tA"] = world.launch("tA", "A1", role="instructor", issuer=A, at=datetime(2026, 1, 9))
    for n in range(4):
        world.launch(f"b{n}", "A2", issuer=A, at=datetime(2026, 2, 3))
    for n in range(5):
        world.launch(f"c{n}", "B1", issuer=B, at=datetime(2026, 2, 4))
    with app.app_context():
        a1 = launches["a0"].context_pk
        for n in range(6):
            done = n < 5
            db.session.add(ActivityState(user_id=launches[f"a{n}"].user_id, context_pk=a1, activity_id="safe-start",
                                         kind="module", completed=done,
                                         state={"visited": SECTIONS if done else SECTIONS[:1], "done": done}))
            if done:
                db.session.add(Reflection(user_id=launches[f"a{n}"].user_id, context_pk=a1, activity_id="safe-start",
                                          prompt_id="a-small-next-step", text="Call the office"))
        db.session.add(ActivityState(user_id=launches["tA"].user_id, context_pk=a1, activity_id="safe-start",
                                     kind="module", completed=True, state={"visited": SECTIONS, "done": True}))
        comments = ["shorter sections please"] * 3 + ["more examples please"] * 2
        for text in comments:
            db.session.add(FeedbackResponse(questionnaire_id="after-safe-start", context_pk=a1, month="2026-02",
                                            answers={"clear-texts": "4"}, free_text=json.dumps({"one-change": text})))
        for _n in range(4):
            db.session.add(FeedbackResponse(questionnaire_id="end-of-programme", context_pk=a1, month="2026-02",
                                            answers={"recommend": "5"}, free_text=json.dumps({"worked-well": "ok"})))
        db.session.commit()
    return launches


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The data table of one report table, as text cells (row header first)."""
    block = html.split(f'id="t-{table_id}"', 1)[1].split('class="report-table"', 1)[0]
    body = block.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)])
    return rows


def test_learners_cannot_open_the_report(client, fixture):
    assert client.get(fixture["a0"].url("report/")).status_code == 403
    assert client.get(fixture["a0"].url("report/active-learners.csv")).status_code == 403


def test_instructor_sees_their_course_only(client, fixture):
    page = client.get(fixture["tA"].url("report/"))
    assert page.status_code == 200
    html = page.text
    assert "Course A1" in html and "Course A2" not in html and "Course B1" not in html
    assert table_rows(html, "active-learners") == [
        ["2026-01", "6"], ["2026-02", "fewer than 5"], ["2026-03", "fewer than 5"]]
    assert table_rows(html, "funnel-safe-start") == [
        ["Opened", "6"], ["Read every section", "5"], ["Saved a reflection", "5"], ["Completed", "5"]]
    assert table_rows(html, "funnel-programme") == [
        ["Started a module", "6"], ["Completed all four modules", "fewer than 5"]]
    assert "per-course" not in html  # one course: no per-course breakdown
    (this_month,) = table_rows(html, "completions-per-month")  # the facilitator's own completion left out
    assert this_month[1:] == ["5"]
    assert table_rows(html, "responses-per-month") == [["2026-02", "9"]]


def test_platform_administrator_sees_their_platform_with_secondary_hiding(client, world, fixture):
    admin = world.launch("admin-a", None, role="admin", issuer=A, platform_admin=True)
    html = client.get(admin.url("report/")).text
    assert "Course A1" in html and "Course A2" in html and "Course B1" not in html
    # A2 has 4 learners (hidden); 10 - 6 would give it back, so A1's 6 is hidden too.
    assert table_rows(html, "per-course") == [["Course A1", "1", "fewer than 5", "5"],
                                              ["Course A2", "0", "fewer than 5", "fewer than 5"]]
    assert table_rows(html, "active-learners") == [
        ["2026-01", "6"], ["2026-02", "fewer than 5"], ["2026-03", "fewer than 5"]]


def test_a_course_administrator_is_not_a_platform_administrator(client, world, fixture):
    course_admin = world.launch("ca", "A2", role="admin", issuer=A)
    html = client.get(course_admin.url("report/")).text
    assert "Course A2" in html and "Course A1" not in html


def test_other_platforms_administrator_sees_none_of_this_platform(client, world, fixture):
    admin_b = world.launch("admin-b", None, role="admin", issuer=B, platform_admin=True)
    html = client.get(admin_b.url("report/")).text
    assert "Course B1" in html and "Course A1" not in html
    assert table_rows(html, "funnel-safe-start")[0] == ["Opened", "fewer than 5"]


def test_feedback_distribution_themes_and_cut_offs(client, fixture):
    html = client.get(fixture["tA"].url("report/")).text
    assert table_rows(html, "feedback-responses")[0] == ["Feedback: Starting safely", "5"]
    end = [r for r in table_rows(html, "feedback-responses") if r[0] == "Feedback on the whole programme"]
    assert end == [["Feedback on the whole programme", "fewer than 5"]]
    assert 'id="t-feedback-end-of-programme"' not in html  # four respondents: nothing of it is shown
    rows = table_rows(html, "feedback-after-safe-start")
    assert rows[0] == ["The texts in this module were clear to me."] + ["fewer than 5"] * 3 + ["5", "fewer than 5", "5"]
    assert rows[1][-1] == "fewer than 5"  # an item nobody answered
    assert "please (5 respondents)" in html
    assert "shorter sections (fewer than 5 respondents)" in html
    assert "shorter sections please" not in html  # never a comment as written
    assert "Call the office" not in html and "Person a0" not in html


def test_every_chart_has_its_table_beside_it(client, fixture):
    html = client.get(fixture["tA"].url("report/")).text
    charts = html.count("<svg")
    assert charts >= 6
    for figure in re.findall(r'<figure class="report-chart">.*?</figure>\s*<div class="table-wrap"[^>]*><table>',
                             html, re.S):
        assert 'role="img"' in figure and "aria-label=" in figure
    assert len(re.findall(r'</figure>\s*<div class="table-wrap"[^>]*><table>', html)) == charts
    assert "fewer than 5" in html.split('id="t-active-learners"')[1].split("</svg>")[0]  # hidden drawn as words


def test_csv_of_every_table_applies_the_same_hiding(client, fixture):
    html = client.get(fixture["tA"].url("report/")).text
    links = re.findall(r'href="(/s/[^"]+/report/([a-z0-9-]+)\.csv)"', html)
    assert {table for _u, table in links} >= {"adoption-overview", "active-learners", "funnel-safe-start",
                                               "participation", "feedback-after-safe-start"}
    for url, _table in links:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(client.get(fixture["tA"].url("report/active-learners.csv")).text)))
    assert rows == [["Month", "Learners"], ["2026-01", "6"], ["2026-02", "fewer than 5"], ["2026-03", "fewer than 5"]]
    assert client.get(fixture["tA"].url("report/no-such-table.csv")).status_code == 404


def test_report_speaks_the_readers_language(client, world, fixture):
    teacher = world.launch("tA", "A1", role="instructor", issuer=A, locale="uk")
    html = client.get(teacher.url("report/")).text
    assert '<html lang="uk">' in html and "fewer than" not in html


def test_empty_course_report_is_a_real_page(client, world):
    teacher = world.launch("t-new", "empty", role="instructor")
    page = client.get(teacher.url("report/"))
    assert page.status_code == 200 and "fewer than 5" in page.text


def test_cli_writes_a_self_contained_printable_file(app, fixture, tmp_path: Path):
    out = tmp_path / "report.html"
    result = app.test_cli_runner().invoke(args=["report", "programme", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "@media print" in html
    assert "<link" not in html and "<script" not in html and 'src="' not in html
    assert "University A" in html and "University B" in html and "Course A1" not in html.split('id="participation"')[0]
    assert table_rows(html, "per-institution") == [["University A", "2", "1", "10", "5"],
                                                   ["University B", "1", "0", "5", "fewer than 5"]]
    assert "data:text/csv" in html and html.count("<svg") >= 6
    bad = app.test_cli_runner().invoke(args=["report", "programme", "--out", str(out), "--lang", "fr"])
    assert bad.exit_code != 0 and "fr" in bad.output


def test_platform_admin_roles():
    from lti_tool.lti.roles import is_platform_admin

    lis = "http://purl.imsglobal.org/vocab/lis/v2/"
    assert is_platform_admin([lis + "institution/person#Administrator"])
    assert is_platform_admin([lis + "system/person#Administrator"])
    assert not is_platform_admin([lis + "membership#Administrator", "Administrator", lis + "membership#Instructor"])


def test_csv_cells_never_run_as_spreadsheet_formulas(app, client, world):
    from lti_tool.models import Context

    admin = world.launch("admin-x", None, role="admin", platform_admin=True)
    for n in range(5):
        world.launch(f"x{n}", "formula")
    with app.app_context():
        course = db.session.scalars(db.select(Context).where(Context.context_id == "formula")).one()
        course.title = '=HYPERLINK("http://evil.example","click")'
        db.session.commit()
    rows = list(csv.reader(io.StringIO(client.get(admin.url("report/per-course.csv")).text)))
    assert rows[1][0] == "'" + '=HYPERLINK("http://evil.example","click")'
