"""Export and erase a person's pairing data: for the tool-wide privacy command and the activity page.

`export_user(user_id)` returns everything the pairing part holds about the person, in every course.
`erase_user(user_id)` hard-deletes it (profiles, answers, and every pair — draft or published — the person
is in); it flushes but does not commit, so the privacy command can erase all parts in one transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from lti_tool.extensions import db
from lti_tool.models import Context, User
from lti_tool.pairing.models import PUBLISHED, PairingAnswer, PairingPair, PairingProfile


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _partner_name(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return (user.name or "").strip() if user is not None else ""


def _course(user_id: int, context_pk: int, stages: tuple[str, ...]) -> dict[str, Any]:
    context = db.session.get(Context, context_pk)
    profile = db.session.scalars(
        select(PairingProfile).where(PairingProfile.context_pk == context_pk, PairingProfile.user_id == user_id)
    ).first()
    pairs = db.session.scalars(
        select(PairingPair).where(
            PairingPair.context_pk == context_pk,
            PairingPair.stage.in_(stages),
            or_(PairingPair.mentee_user_id == user_id, PairingPair.mentor_user_id == user_id),
        ).order_by(PairingPair.id)
    ).all()
    return {
        "course": {"title": context.title if context else "", "context_id": context.context_id if context else ""},
        "role": profile.role if profile else None,
        "assessments": [
            {
                "assessment_id": a.assessment_id,
                "content_version": a.content_version,
                "answers": a.answers,
                "shared_with_pair": a.shared,
                "created_at": _iso(a.created_at),
                "updated_at": _iso(a.updated_at),
            }
            for a in (profile.answers if profile else [])
        ],
        "pairs": [
            {
                "stage": p.stage,
                "my_side": "mentee" if p.mentee_user_id == user_id else "mentor",
                "partner": _partner_name(p.mentor_user_id if p.mentee_user_id == user_id else p.mentee_user_id),
                "reasons": p.reasons,
                "created_at": _iso(p.created_at),
            }
            for p in pairs
        ],
    }


def course_export(user_id: int, context_pk: int) -> dict[str, Any]:
    """The person's own data in one course, as the activity page offers it: published pairs only (a draft
    is the facilitator's unfinished work and is not shown to anybody before publishing)."""
    return {"format": "natalli-pairing/1", **_course(user_id, context_pk, (PUBLISHED,))}


def export_user(user_id: int) -> dict[str, Any]:
    """Everything the pairing part holds about the person, in every course (drafts included, marked by
    `stage`, because a data-access request covers all personal data held)."""
    contexts = set(db.session.scalars(select(PairingProfile.context_pk).where(PairingProfile.user_id == user_id)))
    contexts |= set(db.session.scalars(select(PairingPair.context_pk).where(
        or_(PairingPair.mentee_user_id == user_id, PairingPair.mentor_user_id == user_id))))
    return {
        "format": "natalli-pairing/1",
        "courses": [_course(user_id, pk, ("draft", PUBLISHED)) for pk in sorted(contexts)],
    }


def erase_user(user_id: int) -> None:
    """Hard-delete the person's pairing data everywhere (flush, no commit)."""
    profile_ids = select(PairingProfile.id).where(PairingProfile.user_id == user_id)
    db.session.execute(delete(PairingAnswer).where(PairingAnswer.profile_id.in_(profile_ids)))
    db.session.execute(delete(PairingProfile).where(PairingProfile.user_id == user_id))
    db.session.execute(delete(PairingPair).where(
        or_(PairingPair.mentee_user_id == user_id, PairingPair.mentor_user_id == user_id)))
    from lti_tool.pairing.space import erase_user as erase_spaces

    erase_spaces(user_id)  # the pair spaces the person is in (one joint record of two people)
    db.session.flush()
