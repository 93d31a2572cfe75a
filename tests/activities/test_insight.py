"""Insight: instructor-only, nothing below five people, themes from shared entries only, CSV export."""

from __future__ import annotations

from lti_tool.domain.insight import themes
from tests.activities.conftest import csrf_of

J = "reflection-journal"


def journal_entry(client, launch, text: str, shared: bool) -> None:
    page = client.get(launch.url("journal/"))
    data = {"text": text, "prompt": "free", "csrf_token": csrf_of(page.text)}
    if shared:
        data["shared"] = "1"
    assert client.post(launch.url("journal/"), data=data).status_code == 303


def test_insight_hides_everything_below_five(app, client, make_launch):
    learners = [make_launch(activity=J, sub=f"l{i}") for i in range(4)]
    for launch in learners:
        journal_entry(client, launch, "building networks slowly", shared=True)
    teacher = make_launch(role="instructor", activity="", sub="teacher")
    page = client.get(teacher.url("insight/"))
    assert page.status_code == 200
    assert "Not enough participants yet" in page.text
    assert "building networks" not in page.text
    csv_text = client.get(teacher.url("insight.csv")).text
    assert "fewer than 5" in csv_text and "building" not in csv_text
    assert client.get(learners[0].url("insight/")).status_code == 403


def test_insight_with_enough_people_uses_shared_text_only(app, client, make_launch):
    learners = [make_launch(activity=J, sub=f"l{i}") for i in range(6)]
    for i, launch in enumerate(learners):
        journal_entry(client, launch, "Building networks in a new country takes patience", shared=True)
        journal_entry(client, launch, f"PRIVATEWORD{i % 2} confidential worries", shared=False)
        journal_entry(client, launch, "zzprivatecommon hidden", shared=False)
    teacher = make_launch(role="instructor", activity="", sub="teacher")
    page = client.get(teacher.url("insight/"))
    assert "Themes in shared reflections" in page.text
    assert "building networks" in page.text
    assert "privateword" not in page.text.lower() and "zzprivatecommon" not in page.text
    assert "confidential" not in page.text
    assert "6 participants" in page.text
    csv_text = client.get(teacher.url("insight.csv")).text
    assert "building networks" in csv_text and "zzprivatecommon" not in csv_text
    assert ",reflection-journal,Reflection journal,started,6" in csv_text.replace("\r", "")
    # Per-activity numbers below five stay hidden even when the course is large enough.
    assert ",safe-start,Starting safely,started,fewer than 5" in csv_text.replace("\r", "")


def test_themes_rules():
    assert themes([(i, "networks matter") for i in range(4)]) is None
    ranked = themes([(i, "Networks matter. Networks!") for i in range(5)] + [(9, "unique-word-only-once")])
    assert ranked is not None
    terms = dict(ranked)
    assert terms["networks"] == 5  # once per person, however often they wrote it
    assert "unique-word-only-once" not in terms and "unique" not in terms
