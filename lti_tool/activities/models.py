"""Tables for the learning activities. Every row names its course (context_pk) and, where it is personal,
its owner (user_id): views look rows up by *both* taken from the launch, never from the URL alone.

Learner-written text is EncryptedText (Fernet at rest): compare it in Python, never in SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.crypto import EncryptedText
from lti_tool.extensions import db
from lti_tool.models import User, utcnow


class ActivityState(db.Model):
    """One learner's progress in one activity of one course: module sections visited, TtT steps done, …

    `state` is a small JSON document whose shape depends on the activity kind (always reassigned, never
    mutated in place, so SQLAlchemy notices the change).
    """

    __tablename__ = "activity_state"
    __table_args__ = (UniqueConstraint("user_id", "context_pk", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reflection(db.Model):
    """A learner's answer to one reflection prompt (module prompts, a scenario's individual reflection)."""

    __tablename__ = "activity_reflection"
    __table_args__ = (UniqueConstraint("user_id", "context_pk", "activity_id", "prompt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[str] = mapped_column(String(100))
    prompt_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupNote(db.Model):
    """The shared note of one breakout group on one scenario. `version` grows by one on every save, so a
    save based on an older version is refused instead of silently overwriting a group member's words."""

    __tablename__ = "group_note"
    __table_args__ = (UniqueConstraint("context_pk", "scenario_id", "group_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(100))
    group_key: Mapped[str] = mapped_column(String(255))
    group_name: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User | None] = relationship()


class BreakoutParticipation(db.Model):
    """Who took part in which scenario's breakout (for completion and the anonymised insight counts)."""

    __tablename__ = "breakout_participation"
    __table_args__ = (UniqueConstraint("user_id", "context_pk", "scenario_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(100))
    group_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    contributed: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class BreakoutTimer(db.Model):
    """The facilitator's clock for a breakout phase; learners in the course see the same end time."""

    __tablename__ = "breakout_timer"
    __table_args__ = (UniqueConstraint("context_pk", "scenario_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    scenario_id: Mapped[str] = mapped_column(String(100))
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    ends_at: Mapped[datetime | None] = mapped_column(nullable=True)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"), nullable=True)


class JournalEntry(db.Model):
    """A private journal entry. Only its author reads it, unless `shared` — then the course's instructors
    may too. Deleting is a hard delete: the row is gone."""

    __tablename__ = "journal_entry"
    __table_args__ = (Index("ix_journal_entry_owner", "user_id", "context_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    prompt_kind: Mapped[str] = mapped_column(String(20), default="free")  # cycle | module | free
    prompt_id: Mapped[str] = mapped_column(String(100), default="")
    module_id: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(EncryptedText)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    shared_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class PlanHorizon(db.Model):
    """One horizon (30, 60 or 90 days) of a learner's action plan."""

    __tablename__ = "plan_horizon"
    __table_args__ = (UniqueConstraint("user_id", "context_pk", "days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    goal: Mapped[str] = mapped_column(EncryptedText, default="")
    support: Mapped[str] = mapped_column(EncryptedText, default="")
    review_on: Mapped[date | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    steps: Mapped[list[PlanStep]] = relationship(
        back_populates="horizon", cascade="all, delete-orphan", order_by="PlanStep.position"
    )


class PlanStep(db.Model):
    """A small, checkable step towards a horizon's goal."""

    __tablename__ = "plan_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    horizon_id: Mapped[int] = mapped_column(ForeignKey("plan_horizon.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(EncryptedText)
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    horizon: Mapped[PlanHorizon] = relationship(back_populates="steps")


class SessionPlan(db.Model):
    """A trainer's workshop plan built from the seven-step agenda (one per trainer per course)."""

    __tablename__ = "session_plan"
    __table_args__ = (UniqueConstraint("user_id", "context_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    format: Mapped[str] = mapped_column(String(20), default="online")
    participants: Mapped[int] = mapped_column(Integer, default=20)
    breakout_size: Mapped[int] = mapped_column(Integer, default=5)
    minutes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # step id -> minutes
    session_date: Mapped[date | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PracticeRound(db.Model):
    """A trainer's practice round: one module's ten-minute segment run in front of peers (one per trainer,
    course and segment). `closed_at` is set when the trainer writes her self-reflection (kept in
    `activity_reflection` under the unit and the round's step); no feedback is taken after that."""

    __tablename__ = "practice_round"
    __table_args__ = (UniqueConstraint("context_pk", "presenter_id", "unit_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    presenter_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str] = mapped_column(String(100))
    step_id: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    presenter: Mapped[User] = relationship()


class PracticeFeedback(db.Model):
    """One peer's structured feedback on a round: the answers to the unit's feedback questions, as a JSON
    object {question id: text}, encrypted at rest. One per peer and round; revised in place while open."""

    __tablename__ = "practice_feedback"
    __table_args__ = (UniqueConstraint("round_id", "giver_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("practice_round.id", ondelete="CASCADE"), index=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"), index=True)
    answers_json: Mapped[str] = mapped_column(EncryptedText, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    giver: Mapped[User] = relationship()
