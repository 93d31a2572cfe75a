"""Tables of the pair space: the room a published mentor–mentee pair shares after matching.

A space is keyed by (course, mentor, mentee), not by the published pair's row: publishing again replaces the
published rows, but the relationship — and what the two wrote — goes on. Every row hangs off its space; rows
a person wrote also name their author (`*_user_id`), so the tool-wide privacy export finds them by person.
Learner-written text is EncryptedText (Fernet at rest): compare it in Python, never in SQL.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.crypto import EncryptedText
from lti_tool.extensions import db
from lti_tool.models import User, utcnow

OPEN, CLOSED = "open", "closed"
SIDES = ("mentor", "mentee")


class PairSpace(db.Model):
    """One mentor–mentee relationship in one course. `*_close_at` / `*_erase_at` record each side's own
    consent: the space closes, or is erased, only once both have asked (a change needs both)."""

    __tablename__ = "pair_space"
    __table_args__ = (UniqueConstraint("context_pk", "mentor_user_id", "mentee_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    mentor_user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    mentee_user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    mentor_close_at: Mapped[datetime | None] = mapped_column(nullable=True)
    mentee_close_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    mentor_erase_at: Mapped[datetime | None] = mapped_column(nullable=True)
    mentee_erase_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_user_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_user_id])

    def side_of(self, user_id: int) -> str | None:
        if user_id == self.mentor_user_id:
            return "mentor"
        if user_id == self.mentee_user_id:
            return "mentee"
        return None

    def partner_of(self, user_id: int) -> int:
        return self.mentee_user_id if user_id == self.mentor_user_id else self.mentor_user_id


class PairAgreementVersion(db.Model):
    """One proposed version of the mentoring agreement. Proposing counts as the proposer's confirmation; the
    version is in force once the other side confirms it too. A change is a new version (both again); the
    unique (space, version) makes two simultaneous proposals collide instead of one vanishing."""

    __tablename__ = "pair_agreement_version"
    __table_args__ = (UniqueConstraint("space_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("pair_space.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    answers_json: Mapped[str] = mapped_column(EncryptedText, default="{}")  # prompt id -> text
    proposed_by: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    mentor_confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    mentee_confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    @property
    def answers(self) -> dict[str, str]:
        value = json.loads(self.answers_json or "{}")
        return value if isinstance(value, dict) else {}

    @answers.setter
    def answers(self, value: dict[str, str]) -> None:
        self.answers_json = json.dumps(value, ensure_ascii=False)

    @property
    def confirmed(self) -> bool:
        return self.mentor_confirmed_at is not None and self.mentee_confirmed_at is not None


class PairLogEntry(db.Model):
    """A meeting, as either person recorded it; both may add to it. `version` grows on every save, so a save
    written on an older version is refused with both texts shown (as with the breakout group note)."""

    __tablename__ = "pair_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("pair_space.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    met_on: Mapped[date] = mapped_column()
    topics: Mapped[str] = mapped_column(EncryptedText, default="")
    next_step: Mapped[str] = mapped_column(EncryptedText, default="")
    step_owner: Mapped[str] = mapped_column(String(10), default="mentee")  # mentor | mentee | both
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_side: Mapped[str] = mapped_column(String(10), default="")


class PairSharedStep(db.Model):
    """A step of the mentee's 30/60/90-day plan she chose to show her mentor. The step stays hers: deleting
    this row (unsharing) hides it again; the mentor can never change it."""

    __tablename__ = "pair_shared_step"
    __table_args__ = (UniqueConstraint("space_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("pair_space.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("plan_step.id", ondelete="CASCADE"), index=True)
    shared_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairStepComment(db.Model):
    """An encouraging word on a shared step (shown only while the step is shared)."""

    __tablename__ = "pair_step_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("pair_space.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("plan_step.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairHelpRequest(db.Model):
    """"This is beyond a mentor": a request for the facilitator to get in touch. It holds who asked and when,
    never what the pair talked about."""

    __tablename__ = "pair_help_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("pair_space.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(nullable=True)


class PairReflection(db.Model):
    """A person's closing reflection: private unless they share it with their partner."""

    __tablename__ = "pair_reflection"
    __table_args__ = (UniqueConstraint("space_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("pair_space.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


CHILD_TABLES = (PairAgreementVersion, PairLogEntry, PairSharedStep, PairStepComment, PairHelpRequest, PairReflection)
