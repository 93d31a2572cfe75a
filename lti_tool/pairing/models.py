"""Tables of the mentor–mentee pairing. Every row names its course (context_pk); personal rows name their
owner (user_id). Views look rows up by both, taken from the launch, never from the URL alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.extensions import db
from lti_tool.models import User, utcnow

MENTEE, MENTOR, BOTH = "mentee", "mentor", "both"
ROLES = (MENTEE, MENTOR, BOTH)
DRAFT, PUBLISHED = "draft", "published"
PROPOSED, ACCEPTED, LOCKED = "proposed", "accepted", "locked"


class PairingProfile(db.Model):
    """A person's part in one course's pairing: as mentee, mentor or both."""

    __tablename__ = "pairing_profile"
    __table_args__ = (UniqueConstraint("context_pk", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    answers: Mapped[list[PairingAnswer]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_mentee(self) -> bool:
        return self.role in (MENTEE, BOTH)

    @property
    def is_mentor(self) -> bool:
        return self.role in (MENTOR, BOTH)


class PairingAnswer(db.Model):
    """Answers to one self-assessment: `answers` maps question id -> answer (levels: {domain: level};
    multi: [option ids]; single: option id; text: string); `shared` lists the question ids the person chose
    to share with their pair. Both JSON values are always reassigned, never mutated in place."""

    __tablename__ = "pairing_answer"
    __table_args__ = (UniqueConstraint("profile_id", "assessment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("pairing_profile.id", ondelete="CASCADE"))
    # The owner again (= profile.user_id), so the tool-wide privacy command finds these rows by user.
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[str] = mapped_column(String(100))
    content_version: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shared: Mapped[list[str]] = mapped_column(JSON, default=list)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    profile: Mapped[PairingProfile] = relationship(back_populates="answers")


class PairingRound(db.Model):
    """A course's matching settings and publication state (one row per course)."""

    __tablename__ = "pairing_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), unique=True)
    max_mentees: Mapped[int] = mapped_column(Integer, default=2)
    availability_required: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairingPair(db.Model):
    """A mentor–mentee pair. The facilitator edits `draft` rows; publishing copies the accepted and locked
    drafts to `published` rows, which are the only ones mentors and mentees ever see. `reasons` holds the
    fit explanation as data (lti_tool.domain.matching.Reason), worded in the reader's language on display."""

    __tablename__ = "pairing_pair"
    __table_args__ = (
        UniqueConstraint("context_pk", "stage", "mentee_user_id"),
        Index("ix_pairing_pair_context_stage", "context_pk", "stage"),
        # Never reuse a deleted pair's id on SQLite: a facilitator's open page must not act on another pair.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(10), default=DRAFT)
    mentor_user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    mentee_user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PROPOSED)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_user_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_user_id])
