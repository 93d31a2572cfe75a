"""Versioned shared notes: a save must name the version it was based on, so nobody silently overwrites
a group member's words (optimistic concurrency). Plain Python; the view does the storing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoteConflict:
    """A save based on an old version: both texts, so the person can merge them by hand."""

    base_version: int
    current_version: int
    current_text: str
    submitted_text: str


@dataclass(frozen=True)
class NoteSaved:
    version: int
    text: str
    changed: bool


def apply_edit(current_text: str, current_version: int, base_version: int, submitted: str) -> NoteSaved | NoteConflict:
    """Accept `submitted` only when it was written on top of `current_version`.

    Saving identical text on an old version is not a conflict (nothing would be lost), and saving unchanged
    text does not bump the version (no needless conflicts for the others).
    """
    if submitted == current_text:
        return NoteSaved(current_version, current_text, changed=False)
    if base_version != current_version:
        return NoteConflict(base_version, current_version, current_text, submitted)
    return NoteSaved(current_version + 1, submitted, changed=True)
