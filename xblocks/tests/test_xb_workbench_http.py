"""The blocks through the workbench's real Django views: scenario pages, static files, handler URLs."""

from __future__ import annotations

import json
import re

import pytest

SCENARIOS = ["natalli_action_plan.0", "natalli_journal.0", "natalli_journal.1", "natalli_module.0",
             "natalli_module.1", "natalli_scenario.0", "natalli_scenario.1"]


@pytest.fixture(scope="module")
def client():
    from django.test import Client

    return Client()


def test_index_lists_every_natalli_scenario(client):
    html = client.get("/").content.decode()
    for name in SCENARIOS:
        assert f'href="/scenario/{name}/"' in html


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_page_and_its_static_files_are_served(client, name):
    response = client.get(f"/scenario/{name}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="natalli ' in html and "not available yet" not in html
    resources = set(re.findall(r"(/resource/natalli_[a-z_]+/static/[^\"']+)", html))
    assert len(resources) == 3  # css, common.js, the block's js
    for url in resources:
        assert client.get(url).status_code == 200


def test_handler_and_export_over_http(client):
    html = client.get("/scenario/natalli_journal.0/?student=http-learner").content.decode()
    usage = re.search(r"data-usage='([^']+)'", html).group(1)
    url = f"/handler/{usage}/save_entry/?student=http-learner"
    response = client.post(url, json.dumps({"text": "Over HTTP."}), content_type="application/json")
    assert response.status_code == 200 and json.loads(response.content)["entry_count"] >= 1
    export = client.get(f"/handler/{usage}/export/md?student=http-learner")
    assert export.status_code == 200 and "Over HTTP." in export.content.decode()
    other = client.get(f"/handler/{usage}/export/md?student=someone-else")
    assert "Over HTTP." not in other.content.decode()
