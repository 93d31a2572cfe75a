"""Core pages and refusals speak the learner's language."""

from __future__ import annotations

import requests


def test_expired_session_message_in_ukrainian(app, live_tool):
    page = requests.get(live_tool + "/s/unknown/", headers={"Accept-Language": "uk-UA,uk;q=0.9"})
    assert page.status_code == 401
    assert 'lang="uk"' in page.text
    assert "Не вдалося знайти ваш сеанс" in page.text
    assert "Перейти до змісту" in page.text


def test_not_found_in_german_and_dutch(client):
    assert "Diese Seite gibt es nicht." in client.get("/nope", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Deze pagina bestaat niet." in client.get("/nope", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "This page does not exist." in client.get("/nope", headers={"Accept-Language": "fr"}).get_data(as_text=True)
