"""The erase confirmation word is the page's own: the label and the refusal name the same word in the
learner's language, typing it erases (as does ERASE, in any language), and a wrong word erases nothing."""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import func, select

from tests.support.platform import launch_token

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
WORDS = {"en": "ERASE", "nl": "WISSEN", "uk": "СТЕРТИ", "de": "LÖSCHEN"}


def _open(live_tool, platform, sub: str, locale: str) -> tuple[requests.Session, str, str, str]:
    http = requests.Session()
    resp = platform.launch(http, live_tool, sub=sub, **{LTI + "launch_presentation": {"locale": locale}})
    lt = launch_token(resp)
    page = http.get(f"{live_tool}/s/{lt}/my-data/")
    assert page.status_code == 200 and f'<html lang="{locale}">' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return http, lt, page.text, token


def _people(app) -> int:
    from lti_tool.extensions import db
    from lti_tool.models import User

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("locale", ["en", "nl", "uk", "de"])
def test_label_and_refusal_name_the_same_word(app, live_tool, platform, locale):
    http, lt, page, token = _open(live_tool, platform, f"erase-{locale}", locale)
    label = re.search(r'<label for="confirm-erase">([^<]+)</label>', page).group(1)
    assert WORDS[locale] in label
    refused = http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": "yes", "csrf_token": token},
                        headers={"Accept": "application/json"})
    assert refused.status_code == 400
    body = refused.json()
    assert body["error"] == "confirm_erase" and WORDS[locale] in body["message"]
    assert _people(app) == 1  # nothing erased


def test_ukrainian_refusal_page_and_the_ukrainian_word(app, live_tool, platform):
    http, lt, _, token = _open(live_tool, platform, "olena", "uk")
    refused = http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": "ERASE?", "csrf_token": token})
    assert refused.status_code == 400 and '<html lang="uk">' in refused.text
    assert "Щоб стерти все, введіть СТЕРТИ у поле і натисніть кнопку. Поки що нічого не стерто." in refused.text
    assert _people(app) == 1
    done = http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": " стерти ", "csrf_token": token})
    assert done.status_code == 200 and "Ваші дані стерто" in done.text
    assert _people(app) == 0


@pytest.mark.parametrize("word", ["ERASE", "erase", "LÖSCHEN", "wissen"])
def test_erase_and_any_languages_word_work_everywhere(app, live_tool, platform, word):
    http, lt, _, token = _open(live_tool, platform, "someone", "nl")
    done = http.post(f"{live_tool}/s/{lt}/my-data/erase", data={"confirm": word, "csrf_token": token})
    assert done.status_code == 200 and "Je gegevens zijn gewist" in done.text
    assert _people(app) == 0
