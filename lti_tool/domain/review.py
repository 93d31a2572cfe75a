"""Submission review: who may open a person's work from the gradebook, and what each of them sees.

The rule:
- The person themself ("own") sees all of their work on the activity: progress, the scores sent, every journal
  entry of the activity (shared or private) and their reflections.
- A facilitator of the course ("facilitator") sees progress, the scores sent and only the journal entries the
  person chose to share. Reflections have no sharing option, so they are never shown to anybody else, and
  private journal entries are not shown, counted or hinted at.
- Anybody else (a learner asking for another person's work) is refused.

Which entries belong to an activity: the journal activity holds all of a person's entries in the course; a
module holds the entries written from that module's journal questions; other activities hold none.
Plain Python, no Flask: the review page (lti_tool.services.review) applies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol, TypeVar


class Access(StrEnum):
    OWN = "own"
    FACILITATOR = "facilitator"
    FORBIDDEN = "forbidden"


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    STARTED = "started"
    COMPLETED = "completed"


class EntryLike(Protocol):
    shared: bool
    module_id: str


E = TypeVar("E", bound=EntryLike)


def review_access(*, viewer_is_subject: bool, viewer_is_instructor: bool) -> Access:
    """Being the person themself comes first: an instructor reviewing their own work sees it as its owner."""
    if viewer_is_subject:
        return Access.OWN
    if viewer_is_instructor:
        return Access.FACILITATOR
    return Access.FORBIDDEN


def entry_belongs(kind: str | None, activity_id: str, entry: EntryLike) -> bool:
    if kind == "journal":
        return True
    if kind == "module":
        return entry.module_id == activity_id
    return False


def visible_entries(entries: Iterable[E], access: Access, kind: str | None, activity_id: str) -> list[E]:
    """The entries of this activity that `access` may read, in the order given."""
    if access is Access.FORBIDDEN:
        return []
    return [
        e for e in entries
        if entry_belongs(kind, activity_id, e) and (access is Access.OWN or e.shared is True)
    ]


def shows_reflections(access: Access) -> bool:
    return access is Access.OWN


def progress_of(started: bool, completed: bool) -> Progress:
    if completed:
        return Progress.COMPLETED
    return Progress.STARTED if started else Progress.NOT_STARTED
