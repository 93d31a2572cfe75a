"""Scenario plot tags (who, setting, tension) keep scenarios distinct; planned minutes fit the agenda."""

from __future__ import annotations

from course_content import load, scan
from tests.content.conftest import ContentTree, scenario_id

A = scenario_id("safe-start", 1)
B = scenario_id("networks-and-systems", 2)


def _problems(tree: ContentTree, field: str) -> list[str]:
    return [
        f"{i.file.parent.name}: {i.message}"
        for i in scan(tree.root).issues
        if i.severity == "error" and i.field.startswith(field)
    ]


def _plot(tree: ContentTree, sid: str, **tags: str) -> None:
    tree.edit(f"scenarios/{sid}/meta.yaml", lambda d: d["plot"].update(tags))


def test_distinct_plots_pass(tree: ContentTree) -> None:
    assert _problems(tree, "plot") == []


def test_same_who_and_setting_is_an_overlap_naming_both_scenarios(tree: ContentTree) -> None:
    _plot(tree, A, who="local-mentor-and-mentee", setting="video-call")
    _plot(tree, B, who="local-mentor-and-mentee", setting="video-call")
    first, second = sorted((A, B))  # the later id (in sort order) is the one reported
    assert _problems(tree, "plot") == [
        f"{second}: overlaps with scenario {first!r}: same who 'local-mentor-and-mentee', setting 'video-call'"
    ]


def test_same_who_and_tension_is_an_overlap_too(tree: ContentTree) -> None:
    _plot(tree, A, who="local-mentor-and-mentee", tension="mentor-takes-over")
    _plot(tree, B, who="local-mentor-and-mentee", tension="mentor-takes-over")
    assert len(_problems(tree, "plot")) == 1


def test_sharing_one_tag_is_not_an_overlap(tree: ContentTree) -> None:
    _plot(tree, A, who="local-mentor-and-mentee")
    _plot(tree, B, who="local-mentor-and-mentee")
    assert _problems(tree, "plot") == []


def test_missing_plot_fails_validation_but_the_tool_still_serves_the_scenario(tree: ContentTree) -> None:
    tree.edit(f"scenarios/{A}/meta.yaml", lambda d: d.pop("plot"))
    assert _problems(tree, "plot") == [
        f"{A}: missing: every scenario needs plot tags (who, setting, tension)"
    ]
    assert load(tree.root).scenario(A).plot is None
    assert load(tree.root).scenario(B).plot.who == f"who-{B}"


def test_missing_minutes_fail_validation(tree: ContentTree) -> None:
    tree.edit(f"scenarios/{A}/meta.yaml", lambda d: d.pop("minutes"))
    assert _problems(tree, "minutes") == [f"{A}: missing: plan reading, breakout and plenary minutes"]


def test_minutes_must_fit_the_agenda_blocks(tree: ContentTree) -> None:
    # The fixture agenda gives scenario-breakouts 60 and joint-reflection 35 minutes in person.
    tree.edit(f"scenarios/{A}/meta.yaml", lambda d: d["minutes"].update(reading=15, breakout=50))
    tree.edit(f"scenarios/{B}/meta.yaml", lambda d: d["minutes"].update(plenary=30))
    assert _problems(tree, "minutes") == [
        f"{A}: reading + breakout = 65 min does not fit the agenda's scenario-breakouts block (60 min in person)"
    ]
    tree.edit(
        "workshop-agenda/meta.yaml",
        lambda d: [s.update(in_person=25) for s in d["steps"] if s["id"] == "joint-reflection"],
    )
    assert f"{B}: 30 min does not fit the agenda's joint-reflection block (25 min in person)" in _problems(
        tree, "minutes"
    )


def test_minutes_are_served(tree: ContentTree) -> None:
    minutes = load(tree.root).scenario(A, "uk").minutes
    assert (minutes.reading, minutes.breakout, minutes.plenary, minutes.total) == (5, 20, 10, 35)


def test_live_scenarios_are_distinct_and_cover_the_programme_themes() -> None:
    scenarios = load().scenarios()
    assert len(scenarios) >= 12
    assert all(s.plot is not None and s.minutes is not None for s in scenarios)
    themes = {t for s in scenarios for t in s.themes}
    wanted = {
        "peer-learning",
        "senior-expert",
        "leadership-identity",
        "entrepreneurship",
        "ukrainian-mentor",
        "cross-cultural-adaptation",
        "organisational-change",
        "ethics",
    }
    assert wanted <= themes, wanted - themes
    assert len({s.plot.who for s in scenarios}) >= 5
