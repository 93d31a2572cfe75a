"""Anonymous feedback storage. Two tables with nothing in common on purpose:

* `feedback_response` holds the answers, the questionnaire, the course and the *month* — no person, no
  timestamp finer than the month, and a random id (not a sequence, so the id says nothing about order);
* `feedback_receipt` holds only a keyed hash of (questionnaire, course, person): it lets the tool refuse a
  second response and tell the person they have answered, and nothing else. It has no timestamp and no
  reference to the response or the person; without the server's secret key the hash names nobody.
"""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.crypto import EncryptedText
from lti_tool.extensions import db


def random_id() -> str:
    return uuid.uuid4().hex


class FeedbackResponse(db.Model):
    """One anonymous response: `answers` maps item id -> scale point ("1".."5"; skipped items absent),
    `free_text` is a JSON object of question id -> text, encrypted at rest (empty answers left out; NULL when
    nothing was written, so the report decrypts only responses that hold comments)."""

    __tablename__ = "feedback_response"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    content_version: Mapped[int] = mapped_column(Integer, default=1)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-03"
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    free_text: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)


class FeedbackReceipt(db.Model):
    """That someone answered a questionnaire in a course: only the keyed hash (see the module docstring)."""

    __tablename__ = "feedback_receipt"
    __table_args__ = ({"sqlite_with_rowid": False},)  # rows kept in hash order, not in arrival order

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
