"""Pilot evaluation: anonymous feedback questionnaires and the programme report.

Endpoints (every URL under the launch token):
  feedback.form(lt, questionnaire_id)    GET/POST  a questionnaire (course_content, kind "feedback")
  programme.report(lt)                   GET       the report: an instructor's course, or (LTI system or
                                                   institution Administrator) the whole platform
  programme.export_csv(lt, table)        GET       one table of the report as CSV
CLI: `flask --app lti_tool report programme --out report.html` (the whole consortium, one HTML file).
Figures are computed by lti_tool.domain.programme (k-anonymity, K = 5); reading the facts for them is
lti_tool.programme.report; the participation counts are listed once, in lti_tool.programme.measures.
"""
