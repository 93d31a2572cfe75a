"""The workshop agenda plans breaks: they count towards the session length and long sessions need one."""

from __future__ import annotations

from course_content import load, scan
from tests.content.conftest import ContentTree


def _errors(tree: ContentTree) -> list[str]:
    return [f"{i.file.relative_to(tree.root)}: {i.field}: {i.message}" for i in scan(tree.root).errors]


def test_breaks_are_served_in_the_timeline_and_counted_in_the_total(tree: ContentTree) -> None:
    agenda = load(tree.root).workshop_agenda("nl")
    ids = [item.id for item in agenda.timeline()]
    assert ids.index("pause") == ids.index("scenario-breakouts") + 1
    assert agenda.breaks[0].title == "nl pause"
    assert agenda.total_minutes("online") == 105 + 5
    assert agenda.total_minutes("in_person") == 210 + 15


def test_a_long_session_without_a_break_fails_validation(tree: ContentTree) -> None:
    tree.edit("workshop-agenda/meta.yaml", lambda d: d.pop("breaks"))
    for lang in ("en", "nl", "uk", "de"):
        tree.edit(f"workshop-agenda/{lang}.yaml", lambda d: d.pop("breaks"))
    errors = _errors(tree)
    assert (
        "workshop-agenda/meta.yaml: breaks: the online session runs 105 min without a break; plan at least one "
        "(sessions over 90 min need a pause)" in errors
    )
    assert len(errors) == 2  # online and in person


def test_a_break_after_an_unknown_step_or_too_long_is_a_schema_error(tree: ContentTree) -> None:
    tree.edit("workshop-agenda/meta.yaml", lambda d: d["breaks"][0].update(after="lunch"))
    assert any("Break 'pause' follows unknown step 'lunch'." in e for e in _errors(tree))
    tree.edit("workshop-agenda/meta.yaml", lambda d: d["breaks"][0].update(after="context", online=20))
    assert any("online minutes (steps and breaks) sum to 125" in e for e in _errors(tree))


def test_live_agenda_has_a_break_in_both_formats() -> None:
    agenda = load().workshop_agenda("de")
    assert agenda.breaks and all(
        b.minutes["online"] > 0 and b.minutes["in_person"] > 0 for b in agenda.breaks
    )
    for fmt, bounds in agenda.formats.items():
        assert bounds.min_minutes <= agenda.total_minutes(fmt) <= bounds.max_minutes
