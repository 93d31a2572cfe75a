"""One mentoring pair already under way, for the demo platform (`make run`): a newcomer launching as the
mentee or the mentor lands in a pair space with a confirmed agreement and a first meeting in the log,
instead of an empty page that needs questionnaires, matching and publishing first.

The rows are those a real launch and a real pair would create (the person by platform issuer and `sub`, the
course by issuer, deployment and context id), so the demo platform's launches find them. Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.models import Context, Platform, User, utcnow
from lti_tool.pairing.models import PUBLISHED, PairingPair, PairingRound
from lti_tool.pairing.space_models import PairAgreementVersion, PairLogEntry, PairSpace


@dataclass(frozen=True)
class DemoPerson:
    sub: str
    name: str
    locale: str


AGREEMENT = {
    "how-we-meet": "Every second week for an hour by video call; in person when Olena is in Utrecht.",
    "our-languages": "English, with Ukrainian words when English gets in the way.",
    "what-stays-between-us": "What we talk about stays between us unless we both agree to share it.",
    "boundaries-and-referral": "Sanne does not give legal or medical advice; we look up the right service "
                               "together instead.",
    "pausing-and-ending": "Either of us can ask for a pause or end by message, no reasons needed.",
}


def _user(issuer: str, person: DemoPerson) -> User:
    user = db.session.scalars(select(User).where(User.issuer == issuer, User.sub == person.sub)).first()
    if user is None:
        user = User(issuer=issuer, sub=person.sub, name=person.name, locale=person.locale)
        db.session.add(user)
        db.session.flush()
    return user


def seed_demo_pair(issuer: str, deployment_id: str, context_id: str, course_title: str,
                   mentee: DemoPerson, mentor: DemoPerson) -> bool:
    """Create the pair (published) and its space with a confirmed agreement and one meeting, unless the
    course already has published pairs. Returns whether anything was created. Commits."""
    platform = db.session.scalars(select(Platform).where(Platform.issuer == issuer)).first()
    if platform is None:
        raise ValueError(f"no platform registered with issuer {issuer!r}")
    context = db.session.scalars(select(Context).where(
        Context.issuer == issuer, Context.deployment_id == deployment_id, Context.context_id == context_id)).first()
    if context is None:
        context = Context(issuer=issuer, deployment_id=deployment_id, context_id=context_id, title=course_title,
                          platform_id=platform.id)
        db.session.add(context)
        db.session.flush()
    already = db.session.scalars(select(PairingPair).where(
        PairingPair.context_pk == context.id, PairingPair.stage == PUBLISHED)).first()
    if already is not None:
        return False
    mentee_user, mentor_user = _user(issuer, mentee), _user(issuer, mentor)
    now = utcnow()
    db.session.add(PairingPair(context_pk=context.id, stage=PUBLISHED, mentor_user_id=mentor_user.id,
                               mentee_user_id=mentee_user.id, status="locked", reasons=[], created_at=now))
    if db.session.scalars(select(PairingRound).where(PairingRound.context_pk == context.id)).first() is None:
        db.session.add(PairingRound(context_pk=context.id, max_mentees=2, availability_required=False,
                                    published_at=now))
    space = db.session.scalars(select(PairSpace).where(
        PairSpace.context_pk == context.id, PairSpace.mentor_user_id == mentor_user.id,
        PairSpace.mentee_user_id == mentee_user.id)).first()
    if space is None:
        space = PairSpace(context_pk=context.id, mentor_user_id=mentor_user.id, mentee_user_id=mentee_user.id)
        db.session.add(space)
        db.session.flush()
        agreement = PairAgreementVersion(space_id=space.id, version=1, proposed_by=mentee_user.id, proposed_at=now,
                                         mentee_confirmed_at=now, mentor_confirmed_at=now)
        agreement.answers = AGREEMENT
        db.session.add(agreement)
        db.session.add(PairLogEntry(
            space_id=space.id, author_user_id=mentor_user.id, met_on=date.today(),
            topics="Getting to know each other; Olena's years leading a research lab and what she misses most.",
            next_step="Olena lists three organisations she would like to know more about.", step_owner="mentee",
            updated_by_side="mentor"))
    db.session.commit()
    return True
