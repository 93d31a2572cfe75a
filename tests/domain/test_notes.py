"""Shared-note saves: a version conflict only when words would be lost, and the version moves by exactly one."""

from __future__ import annotations

from lti_tool.domain.notes import NoteConflict, NoteSaved, apply_edit


def test_a_save_on_the_current_version_bumps_it_by_one():
    assert apply_edit("old", 3, 3, "new") == NoteSaved(4, "new", changed=True)


def test_a_save_on_an_older_version_is_a_conflict_with_both_texts():
    assert apply_edit("theirs", 3, 2, "mine") == NoteConflict(2, 3, "theirs", "mine")


def test_a_save_on_a_newer_version_than_stored_is_a_conflict_too():
    assert isinstance(apply_edit("theirs", 3, 4, "mine"), NoteConflict)


def test_saving_the_same_text_never_conflicts_and_keeps_the_version():
    assert apply_edit("same", 3, 1, "same") == NoteSaved(3, "same", changed=False)
    assert apply_edit("same", 3, 3, "same") == NoteSaved(3, "same", changed=False)


def test_the_first_save_of_an_empty_note():
    assert apply_edit("", 0, 0, "First words") == NoteSaved(1, "First words", changed=True)
