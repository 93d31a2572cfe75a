"""The score outbox: every score is a row written in the same transaction as the learner's work.

A delivery worker sends pending rows to the platform (AGS) and marks them delivered or failed, so no score is
lost when the LMS is slow or down, and learners' pages never wait on the LMS.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_tool.extensions import db
from lti_tool.models import ResourceLink, User, utcnow

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class ScoreOutbox(db.Model):
    __tablename__ = "score_outbox"
    __table_args__ = (
        Index("ix_score_outbox_due", "status", "next_attempt_at"),
        Index("ix_score_outbox_user_link", "user_id", "resource_link_pk"),
        Index("ix_score_outbox_claimed_by", "claimed_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    resource_link_pk: Mapped[int] = mapped_column(ForeignKey("resource_link.id", ondelete="CASCADE"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    activity_id: Mapped[str] = mapped_column(String(100), default="")
    score_given: Mapped[float | None] = mapped_column(nullable=True)
    score_maximum: Mapped[float] = mapped_column(default=100.0)
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    # AGS timestamp; strictly increasing per user and line item so platforms never drop a newer score.
    timestamp: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # A delivery worker's lease on the row (lti_tool.services.delivery): who is sending it, until when.
    # A crashed worker's lease simply runs out and another worker picks the row up.
    claimed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True)
    # The line item the score was sent to, and the platform's HTTP status of the last attempt.
    lineitem_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    last_status: Mapped[int | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship()
    resource_link: Mapped[ResourceLink] = relationship()
