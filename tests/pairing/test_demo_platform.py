"""The issue's "done when", end to end over HTTP with the demo platform (the mini-LMS): an instructor
deep-links both questionnaires, 25 people launch from the LMS and fill them in, the facilitator proposes,
accepts and publishes, each person sees their pair and the reasons, and the completions reach the gradebook."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from demo_platform import create_platform_app, registration_json
from demo_platform.client import LaunchClient
from demo_platform.roster import INSTRUCTORS, LEARNERS
from tests.support.platform import free_port

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LANGS = {"uk": ["uk", "en"], "nl": ["nl", "en"], "de": ["de", "en"], "en": ["en"]}
AREAS = ["marketing", "finance", "law", "research", "it", "teaching", "entrepreneurship"]


@pytest.fixture(scope="module")
def demo(app, live_tool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    platform_app = create_platform_app({
        "INSTANCE_PATH": str(Path(tmp_path_factory.mktemp("demo-pairing")) / "platform"),
        "PLATFORM_BASE_URL": base, "TOOL_BASE_URL": live_tool, "TESTING": True,
    })
    server = make_server("127.0.0.1", port, platform_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base, platform_app
    server.shutdown()


def _links(platform_app) -> dict[str, str]:
    from demo_platform.app import ctx

    with platform_app.app_context():
        with ctx().store.read() as state:
            return {link["custom"].get("activity"): link["id"] for link in state["resource_links"].values()}


def _latest(platform_app) -> dict[str, dict]:
    from demo_platform.app import ctx

    with platform_app.app_context():
        with ctx().store.read() as state:
            return {k: dict(v) for k, v in state["latest_scores"].items()}


def _open(base: str, sub: str, link: str, assessment: str) -> tuple[LaunchClient, str, str]:
    """Launch from the LMS as `sub`; return the browser, the tool's URL of the questionnaire and its page."""
    browser = LaunchClient(base)
    landed = browser.launch(sub, link)
    assert landed.status_code == 200, landed.text[:300]
    lt = re.search(r"/s/([^/]+)/", landed.url).group(1)
    url = landed.url.split("/s/")[0] + f"/s/{lt}/pairing/a/{assessment}"
    page = browser.session.get(url)
    assert page.status_code == 200, page.text[:300]
    return browser, url, page.text


def test_twenty_five_people_from_the_lms_to_published_pairs(app, live_tool, demo):
    from lti_tool.cli import import_registration
    from lti_tool.services import tokens
    from lti_tool.services.delivery import deliver_pending

    base, platform_app = demo
    tokens.clear_process_cache()
    with app.app_context():
        import_registration(registration_json(base))

    # The instructor places both questionnaires in the course by deep linking.
    browser = LaunchClient(base)
    picker = browser.deep_link(INSTRUCTORS[0].sub)
    assert picker.status_code == 200, picker.text[:300]
    action = re.search(r'<form method="post" action="([^"]+)"', picker.text).group(1)
    back = browser.session.post(live_tool + action, data={
        "csrf_token": CSRF.search(picker.text).group(1), "activity": ["mentee-capacity", "mentor-capacity"]})
    assert back.status_code == 200, back.text[:300]
    assert browser.submit_form(back).status_code == 200
    links = _links(platform_app)
    assert {"mentee-capacity", "mentor-capacity"} <= set(links)

    # 25 people: both instructors and 8 learners offer mentoring, 15 learners look for a mentor.
    mentors = list(INSTRUCTORS) + list(LEARNERS[:8])
    mentees = list(LEARNERS[8:])
    assert len(mentors) + len(mentees) == 25
    pages: dict[str, tuple[LaunchClient, str]] = {}
    for i, person in enumerate(mentors + mentees):
        side = "mentor" if person in mentors else "mentee"
        assessment = f"{side}-capacity"
        client, url, page = _open(base, person.sub, links[assessment], assessment)
        data = {"csrf_token": CSRF.search(page).group(1), "role": side,
                "q-languages": LANGS.get(person.locale.split("-")[0], ["en"]),
                "q-domains-wanted": [AREAS[i % 7], AREAS[(i + 3) % 7]] if side == "mentor" else [AREAS[i % 7]],
                "q-availability": "two-hours-month", "q-hopes": f"Hopes of {person.sub}", "share-hopes": "1"}
        saved = client.session.post(url, data=data, allow_redirects=False)
        assert saved.status_code == 303, saved.text[:300]
        pages[person.sub] = (client, url)

    # The facilitator proposes, accepts and publishes (from the same kind of launch, as instructor).
    client, url = pages[INSTRUCTORS[0].sub]
    facilitator = url.split("/pairing/")[0] + "/pairing/facilitator"
    token = CSRF.search(client.session.get(facilitator).text).group(1)
    for step in ("propose", "accept-all", "publish"):
        assert client.session.post(f"{facilitator}/{step}", data={"csrf_token": token}).status_code == 200

    # Everybody sees their pair and why (in their own language); every mentee has a mentor.
    for person in mentors + mentees:
        client, url = pages[person.sub]
        page = client.session.get(url).text
        pair = page.split('id="pair"')[1].split("</section>")[0]
        partners = re.findall(r"<h3>[^<]+</h3>", pair)
        if person in mentees:
            assert len(partners) == 1, (person.sub, pair[:500])
        else:
            assert len(partners) <= 2
        for article in pair.split('class="pairing-pair"')[1:]:
            assert article.count("<li>") >= 2  # the reasons: at least a shared language and the areas
            assert "Hopes of u-" in article  # what the partner chose to share

    # Completion reaches the gradebook for every person, on the link they used.
    report = deliver_pending(app)
    assert report.failed == 0
    latest = _latest(platform_app)
    completed = {key.split("|")[1] for key, score in latest.items() if score["activityProgress"] == "Completed"}
    assert {p.sub for p in mentors + mentees} <= completed
