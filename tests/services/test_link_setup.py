"""Setting up a link that names no activity renames its gradebook column through AGS (against our fake LMS's
line item service); learners' launches of the link then open the chosen activity."""

from __future__ import annotations

import re

from tests.services.conftest import make_course

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def test_setting_up_a_link_renames_its_gradebook_column(app, lms, client):
    course = make_course(app, lms, learners=1, activity="")
    lms.lineitems[course.lineitem]["label"] = "NatAlli activity"  # what the LMS named the plain link's column
    teacher = course.launches["teacher-1"]
    page = client.get(f"/s/{teacher}/link")
    assert page.status_code == 200 and "does not say yet which NatAlli activity it opens" in page.text
    saved = client.post(f"/s/{teacher}/link", data={"csrf_token": CSRF.search(page.text).group(1),
                                                     "activity": "reflection-journal"})
    assert saved.status_code == 200
    assert "The gradebook column has been renamed to match." in saved.text
    assert lms.lineitems[course.lineitem]["label"] == "Reflection journal"
    assert lms.lineitems[course.lineitem]["scoreMaximum"] == 100  # the rest of the item is kept


def test_a_platform_without_the_lineitem_scope_keeps_its_column_name(app, lms, client):
    course = make_course(app, lms, learners=1, activity="",
                         scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score"])
    teacher = course.launches["teacher-1"]
    page = client.get(f"/s/{teacher}/link")
    saved = client.post(f"/s/{teacher}/link", data={"csrf_token": CSRF.search(page.text).group(1),
                                                     "activity": "safe-start"})
    assert saved.status_code == 200 and "This link now opens “Starting safely”" in saved.text
    assert "renamed" not in saved.text and "did not let us rename" not in saved.text
    assert lms.lineitems[course.lineitem]["label"] == "Starting safely"  # untouched (make_course's label)
