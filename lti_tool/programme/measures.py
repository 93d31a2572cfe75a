"""The participation counts of the programme report — the one place to add a count.

Each `Measure` names its figure and says where its facts come from: a query returning rows of
(course, person, items, item) for the courses in scope — `items` things made by the person, or (with `item`
set) a share in one shared thing such as a group or a pair, counted once. lti_tool.domain.programme turns the
rows into k-anonymous figures. To add a count (mentoring meetings, say), append one Measure to MEASURES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import ColumnElement, Select, func, literal, null, select, union_all

from lti_tool.activities.models import BreakoutParticipation, JournalEntry, PlanHorizon
from lti_tool.pairing.models import PUBLISHED, PairingPair
from lti_tool.services.models import GroupMember

InScope = Callable[[Any], ColumnElement[bool]]  # course column -> "is one of the courses in scope"


@dataclass(frozen=True)
class Measure:
    key: str
    label: Any  # lazy text, in the reader's language
    facts: Callable[[InScope], Select]


def _breakout_notes(in_scope: InScope) -> Select:
    t = BreakoutParticipation
    return (select(t.context_pk, t.user_id, func.count(), null())
            .where(t.contributed.is_(True), in_scope(t.context_pk)).group_by(t.context_pk, t.user_id))


def _groups(in_scope: InScope) -> Select:
    t = GroupMember
    return select(t.context_pk, t.user_sub, literal(1), t.group_id).where(in_scope(t.context_pk))


def _journal_entries(in_scope: InScope) -> Select:
    t = JournalEntry
    return (select(t.context_pk, t.user_id, func.count(), null())
            .where(in_scope(t.context_pk)).group_by(t.context_pk, t.user_id))


def _action_plans(in_scope: InScope) -> Select:
    t = PlanHorizon
    return select(t.context_pk, t.user_id, literal(1), null()).where(in_scope(t.context_pk)).distinct()


def _pairs(in_scope: InScope) -> Select:
    t = PairingPair
    published = (t.stage == PUBLISHED, in_scope(t.context_pk))
    return union_all(select(t.context_pk, t.mentor_user_id, literal(1), t.id).where(*published),
                     select(t.context_pk, t.mentee_user_id, literal(1), t.id).where(*published))


MEASURES: tuple[Measure, ...] = (
    Measure("breakout_notes", lazy_gettext("Breakout notes contributed"), _breakout_notes),
    Measure("groups", lazy_gettext("Breakout groups formed"), _groups),
    Measure("journal_entries", lazy_gettext("Journal entries written"), _journal_entries),
    Measure("action_plans", lazy_gettext("Action plans started"), _action_plans),
    Measure("pairs", lazy_gettext("Mentoring pairs published"), _pairs),
)
