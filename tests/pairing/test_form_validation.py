"""Pairing forms refuse values they cannot use with 4xx, a message naming the field, the page shown again with
what was sent, and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti_tool.extensions import db
from lti_tool.pairing.models import PairingAnswer, PairingPair, PairingProfile, PairingRound
from tests.pairing.conftest import answer, csrf


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _round(app):
    with app.app_context():
        row = db.session.scalars(select(PairingRound)).one()
        return row.max_mentees, row.availability_required


def _post(client, launch, path, **data):
    token = csrf(client, launch, launch.url("facilitator"))
    return client.post(launch.url(path), data={"csrf_token": token, **data})


@pytest.mark.parametrize("role", ["boss", "", "MENTEE"])
def test_unknown_role_is_refused_and_the_answers_stay_on_the_page(app, client, course, role):
    launch = course.person("Olena")
    resp = answer(client, launch, role=role, q_hopes="Знайти роботу 💛", q_languages=["uk"])
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "mentee, a mentor or both" in page
    assert "Знайти роботу 💛" in page and 'name="q-languages" value="uk" checked' in page
    assert _count(app, PairingProfile) == 0 and _count(app, PairingAnswer) == 0


def test_too_long_answer_names_the_limit_and_saves_nothing(app, client, course):
    launch = course.person("Olena")
    resp = answer(client, launch, q_hopes="я" * 2_001)
    assert resp.status_code == 413
    assert "2001" in resp.get_data(as_text=True) and "nothing has been saved" in resp.get_data(as_text=True)
    assert _count(app, PairingProfile) == 0


@pytest.mark.parametrize(("data", "words"), [
    ({"max_mentees": "11"}, "between 1 and 10"),
    ({"max_mentees": "2.5"}, "between 1 and 10"),
    ({}, "between 1 and 10"),
    ({"max_mentees": "3", "availability_required": "perhaps"},
     "Only pair a mentee with a mentor who offers at least as much time"),
])
def test_settings_refuse_bad_values_and_keep_the_old_ones(app, client, course, data, words):
    fac = course.person("Fran", role="instructor")
    client.get(fac.url("facilitator"))  # the round exists with its defaults
    before = _round(app)
    resp = _post(client, fac, "facilitator/settings", **data)
    assert resp.status_code == 400
    assert words in resp.get_data(as_text=True)
    assert _round(app) == before


@pytest.mark.parametrize(("mentee", "mentor"), [("abc", "1"), ("", ""), ("-3", "4"), ("1e3", "2")])
def test_adding_a_pair_needs_whole_numbers(app, client, course, mentee, mentor):
    fac = course.person("Fran", role="instructor")
    resp = _post(client, fac, "facilitator/pairs/add", mentee=mentee, mentor=mentor)
    assert resp.status_code == 400
    assert "Please choose a mentee and a mentor." in resp.get_data(as_text=True)
    assert _count(app, PairingPair) == 0
