"""The submission review rule (lti_tool.domain.review): who may open whose work, and what each sees."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lti_tool.domain.review import (
    Access,
    Progress,
    entry_belongs,
    progress_of,
    review_access,
    shows_reflections,
    visible_entries,
)


@dataclass
class Entry:
    text: str
    shared: bool
    module_id: str = ""


ENTRIES = [
    Entry("private, module A", False, "a"),
    Entry("shared, module A", True, "a"),
    Entry("shared, module B", True, "b"),
    Entry("private, free", False, ""),
    Entry("shared, free", True, ""),
]


@pytest.mark.parametrize(
    ("subject", "instructor", "expected"),
    [(True, False, Access.OWN), (True, True, Access.OWN), (False, True, Access.FACILITATOR),
     (False, False, Access.FORBIDDEN)],
)
def test_access(subject, instructor, expected):
    assert review_access(viewer_is_subject=subject, viewer_is_instructor=instructor) is expected


def test_facilitator_sees_only_shared_entries_of_the_activity():
    assert [e.text for e in visible_entries(ENTRIES, Access.FACILITATOR, "module", "a")] == ["shared, module A"]
    assert [e.text for e in visible_entries(ENTRIES, Access.FACILITATOR, "journal", "reflection-journal")] == [
        "shared, module A", "shared, module B", "shared, free"]


def test_owner_sees_every_entry_of_the_activity():
    assert [e.text for e in visible_entries(ENTRIES, Access.OWN, "module", "a")] == [
        "private, module A", "shared, module A"]
    assert len(visible_entries(ENTRIES, Access.OWN, "journal", "reflection-journal")) == len(ENTRIES)


def test_nobody_else_sees_anything_and_other_kinds_hold_no_entries():
    assert visible_entries(ENTRIES, Access.FORBIDDEN, "journal", "reflection-journal") == []
    assert visible_entries(ENTRIES, Access.OWN, "scenario", "a") == []
    assert not entry_belongs(None, "", ENTRIES[0])


def test_a_truthy_but_not_true_shared_flag_is_not_sharing():
    assert visible_entries([Entry("odd", "yes", "a")], Access.FACILITATOR, "module", "a") == []  # type: ignore[arg-type]


def test_reflections_are_only_for_their_owner():
    assert shows_reflections(Access.OWN)
    assert not shows_reflections(Access.FACILITATOR)
    assert not shows_reflections(Access.FORBIDDEN)


def test_progress():
    assert progress_of(False, False) is Progress.NOT_STARTED
    assert progress_of(True, False) is Progress.STARTED
    assert progress_of(True, True) is Progress.COMPLETED
    assert progress_of(False, True) is Progress.COMPLETED
