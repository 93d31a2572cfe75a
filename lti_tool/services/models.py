"""Tables of the LTI Advantage services: shared OAuth2 access tokens and roster-based breakout groups.

Names from the course roster are stored only in `breakout_member` rows, and those rows are deleted when the
groups are regenerated or the course's data is erased (`lti_tool.services.groups.erase_context_groups`).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.extensions import db
from lti_tool.models import Context, utcnow


class ServiceToken(db.Model):
    """An OAuth2 access token for one platform registration and one set of scopes, shared by every process
    (used when the app has no Redis), so the tool asks each platform for a token once, not once per score."""

    __tablename__ = "service_token"

    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"), primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the sorted scopes
    access_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column()


class GroupSet(db.Model):
    """The breakout groups of one course: the seed they were formed with, and whether learners see them."""

    __tablename__ = "breakout_group_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), unique=True)
    seed: Mapped[str] = mapped_column(String(64), default="")
    published: Mapped[bool] = mapped_column(default=False)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    roster_size: Mapped[int] = mapped_column(default=0)

    context: Mapped[Context] = relationship()
    groups: Mapped[list[BreakoutGroup]] = relationship(
        back_populates="group_set", cascade="all, delete-orphan", order_by="BreakoutGroup.number"
    )


class BreakoutGroup(db.Model):
    __tablename__ = "breakout_group"
    __table_args__ = (UniqueConstraint("set_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("breakout_group_set.id", ondelete="CASCADE"), index=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    locked: Mapped[bool] = mapped_column(default=False)
    # Opaque and never reused (SQLite may reuse a deleted integer id): other parts key shared notes on it,
    # so a regenerated group must never inherit an old group's note.
    key: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: secrets.token_hex(16))

    group_set: Mapped[GroupSet] = relationship(back_populates="groups")
    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMember.display_name"
    )


class GroupMember(db.Model):
    """One person in one breakout group. `display_name` comes from the roster and lives only here."""

    __tablename__ = "breakout_member"
    __table_args__ = (
        UniqueConstraint("context_pk", "user_sub"),
        Index("ix_breakout_member_group", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("breakout_group.id", ondelete="CASCADE"))
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    user_sub: Mapped[str] = mapped_column(String(255))
    # Set when the person has launched the tool, so erasing that person (lti_tool.privacy) removes the row.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_user.id", ondelete="CASCADE"), nullable=True, index=True
    )
    display_name: Mapped[str] = mapped_column(String(300), default="")
    # Moved by the facilitator: stays in this group when unlocked groups are regenerated.
    pinned: Mapped[bool] = mapped_column(default=False)

    group: Mapped[BreakoutGroup] = relationship(back_populates="members")
