"""Pairing logic that needs the database and the content, but no request: answers in and out, the course's
people as matching input, proposing and publishing pairs, and the wording of reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import fields
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lti_tool.domain import matching as mt
from lti_tool.extensions import db
from lti_tool.models import User, utcnow
from lti_tool.pairing.models import (
    ACCEPTED,
    DRAFT,
    LOCKED,
    MENTEE,
    MENTOR,
    PROPOSED,
    PUBLISHED,
    PairingAnswer,
    PairingPair,
    PairingProfile,
    PairingRound,
)
from lti_tool.web.forms import Choice, Choices, Flag, LearnerText, form_schema, load_form

TEXT_LIMIT = 2_000  # one free-text answer: a few sentences, not an essay
MAX_MENTEES_LIMIT = 10
NOT_ANSWERED = "not_answered"  # chose a role but has not saved that side's questionnaire


# -- content ------------------------------------------------------------------------------------------------
def catalog() -> Any:
    from course_content import load

    return load()


@lru_cache(maxsize=1)
def assessment_ids() -> dict[str, str]:
    """role ("mentee"/"mentor") -> assessment id, as the content defines them."""
    found = {a.role: a.id for a in catalog().self_assessments("en")}
    return {MENTEE: found.get(MENTEE, "mentee-capacity"), MENTOR: found.get(MENTOR, "mentor-capacity")}


def assessment(assessment_id: str, lang: str) -> Any:
    return catalog().self_assessment(assessment_id, lang)


def is_assessment(assessment_id: str) -> bool:
    return assessment_id in assessment_ids().values()


def role_of(assessment_id: str) -> str:
    return next(role for role, aid in assessment_ids().items() if aid == assessment_id)


# -- answers ------------------------------------------------------------------------------------------------
def too_long_answer(length: int, limit: int) -> str:
    return _("Your answer is %(length)d characters long; the limit is %(limit)d. Please shorten it — nothing "
             "has been saved yet.", length=length, limit=limit)


def answer_fields(sa: Any, limit: int | None = TEXT_LIMIT) -> dict[str, fields.Field]:
    """The questionnaire's form fields, keeping only ids the content defines. Every question is optional:
    an unanswered question is simply absent, and an option the questionnaire does not offer (any more) is
    left out rather than refused. Text beyond `limit` is refused (413); None keeps it, to show a refused
    form back exactly as it was sent."""
    scale = tuple(o.id for o in sa.scale)
    spec: dict[str, fields.Field] = {}
    for q in sa.questions:
        valid = tuple(o.id for o in q.options)
        if q.type == "levels":
            for o in valid:
                spec[f"q-{q.id}-{o}"] = Choice(scale, label=q.label, lenient=True)
        elif q.type == "multi":
            spec[f"q-{q.id}"] = Choices(valid, drop_unknown=True, label=q.label, lenient=True)
        elif q.type == "single":
            spec[f"q-{q.id}"] = Choice(valid, label=q.label, lenient=True)
        elif q.type == "text":
            spec[f"q-{q.id}"] = LearnerText(limit, strip=True, label=q.label, too_long=too_long_answer)
        spec[f"share-{q.id}"] = Flag(label=q.label, lenient=True)
    return spec


def answers_from(sa: Any, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Loaded form values -> (answers, shared question ids), in the questionnaire's order."""
    answers: dict[str, Any] = {}
    for q in sa.questions:
        valid = [o.id for o in q.options]
        if q.type == "levels":
            levels = {o: int(values[f"q-{q.id}-{o}"]) for o in valid if f"q-{q.id}-{o}" in values}
            if levels:
                answers[q.id] = levels
        elif q.type == "multi":
            chosen = set(values.get(f"q-{q.id}", ()))
            picked = [o for o in valid if o in chosen]
            if picked:
                answers[q.id] = picked
        elif values.get(f"q-{q.id}"):  # single, text
            answers[q.id] = values[f"q-{q.id}"]
    shared = [q.id for q in sa.questions if values.get(f"share-{q.id}")]
    return answers, shared


def parse_answers(sa: Any, form: Any, limit: int | None = TEXT_LIMIT) -> tuple[dict[str, Any], list[str]]:
    """Form -> (answers, shared question ids); text beyond `limit` raises FormError (413)."""
    return answers_from(sa, load_form(form_schema(answer_fields(sa, limit), "AnswersForm"), form))


@dataclass(frozen=True)
class Shown:
    """One answer as a reader sees it: the question's label and the answer in words."""

    question_id: str
    label: str
    kind: str
    values: tuple[str, ...]  # option labels; "Domain: level label" for levels; the text for text


def describe(sa: Any, answers: Mapping[str, Any], only: Sequence[str] | None = None) -> list[Shown]:
    """Answers in the reader's language, in the questionnaire's order; `only` limits to shared ids."""
    scale = {o.id: o.label for o in sa.scale}
    shown: list[Shown] = []
    for q in sa.questions:
        if q.id not in answers or (only is not None and q.id not in only):
            continue
        value = answers[q.id]
        labels = {o.id: o.label for o in q.options}
        if q.type == "levels":
            values = tuple(
                f"{labels[o]}: {scale.get(str(value[o]), value[o])}" for o in labels if o in value
            )
        elif q.type == "multi":
            values = tuple(labels[o] for o in labels if o in value)
        elif q.type == "single":
            values = (labels.get(value, value),)
        else:
            values = (str(value),)
        shown.append(Shown(q.id, q.label, q.type, values))
    return shown


def strengths(sa: Any, answers: Mapping[str, Any]) -> list[tuple[str, str, int, str, bool]]:
    """The strengths profile: (domain id, domain label, level, level label, wanted) per answered domain,
    in content order; `wanted` marks areas to develop (mentee) or offered (mentor)."""
    levels = answers.get("domains-strengths") or {}
    wanted = set(answers.get("domains-wanted") or ())
    scale = {o.id: o.label for o in sa.scale}
    return [
        (d.id, d.label, int(levels[d.id]), scale.get(str(levels[d.id]), ""), d.id in wanted)
        for d in sa.domains
        if d.id in levels
    ]


def profile_for(context_pk: int, user_id: int) -> PairingProfile | None:
    return db.session.scalars(
        select(PairingProfile).where(PairingProfile.context_pk == context_pk, PairingProfile.user_id == user_id)
    ).first()


def answer_row(profile: PairingProfile | None, assessment_id: str) -> PairingAnswer | None:
    if profile is None:
        return None
    return next((a for a in profile.answers if a.assessment_id == assessment_id), None)


def save_answers(
    context_pk: int, user_id: int, role: str, assessment_id: str, version: int,
    answers: dict[str, Any], shared: list[str],
) -> PairingProfile:
    """Create or update the person's profile and answers (caller commits)."""
    now = utcnow()
    profile = profile_for(context_pk, user_id)
    if profile is None:
        profile = PairingProfile(context_pk=context_pk, user_id=user_id, role=role, created_at=now)
        db.session.add(profile)
    profile.role = role
    profile.updated_at = now
    row = answer_row(profile, assessment_id)
    if row is None:
        row = PairingAnswer(assessment_id=assessment_id, user_id=user_id, created_at=now)
        profile.answers.append(row)
    row.answers = dict(answers)
    row.shared = list(shared)
    row.answered = len(answers)
    row.content_version = version
    row.updated_at = now
    db.session.flush()
    return profile


# -- the course's people ------------------------------------------------------------------------------------
@dataclass
class Course:
    """Everybody taking part in one course's pairing, as the matcher sees them."""

    profiles: dict[int, PairingProfile]  # user id -> profile
    mentees: list[mt.Person]
    mentors: list[mt.Person]
    not_answered: list[tuple[int, str]]  # (user id, side) chose a side but saved no answers for it

    def name(self, user_id: int) -> str:
        profile = self.profiles.get(user_id)
        return display_name(profile.user if profile else None, user_id)


def display_name(user: User | None, user_id: int) -> str:
    if user is not None and (user.name or "").strip():
        return user.name.strip()
    return _("Participant %(number)d", number=user_id)


def load_course(context_pk: int) -> Course:
    profiles = list(db.session.scalars(
        select(PairingProfile)
        .where(PairingProfile.context_pk == context_pk)
        .options(selectinload(PairingProfile.answers), selectinload(PairingProfile.user))
        .order_by(PairingProfile.id)
    ))
    ids = assessment_ids()
    mentees: list[mt.Person] = []
    mentors: list[mt.Person] = []
    missing: list[tuple[int, str]] = []
    for profile in profiles:
        for side, wanted, bucket in ((MENTEE, profile.is_mentee, mentees), (MENTOR, profile.is_mentor, mentors)):
            if not wanted:
                continue
            row = answer_row(profile, ids[side])
            if row is None:
                missing.append((profile.user_id, side))
            else:
                bucket.append(mt.Person.from_answers(profile.user_id, row.answers))
    return Course({p.user_id: p for p in profiles}, mentees, mentors, missing)


def get_round(context_pk: int) -> PairingRound:
    query = select(PairingRound).where(PairingRound.context_pk == context_pk)
    row = db.session.scalars(query).first()
    if row is None:
        try:
            with db.session.begin_nested():  # two facilitators opening the page at once: one row wins
                row = PairingRound(context_pk=context_pk, max_mentees=2, availability_required=False)
                db.session.add(row)
        except IntegrityError:
            row = db.session.scalars(query).one()
    return row


def settings_of(round_: PairingRound) -> mt.Settings:
    return mt.Settings(max_mentees=round_.max_mentees, availability_required=round_.availability_required)


def pairs(context_pk: int, stage: str) -> list[PairingPair]:
    return list(db.session.scalars(
        select(PairingPair)
        .where(PairingPair.context_pk == context_pk, PairingPair.stage == stage)
        .order_by(PairingPair.mentor_user_id, PairingPair.mentee_user_id)
    ))


def domain_order() -> list[str]:
    return [d.id for d in assessment(assessment_ids()[MENTEE], "en").domains]


def propose(context_pk: int) -> mt.Result:
    """Replace the draft with a fresh proposal. Locked pairs stay; a pair the new proposal repeats keeps its
    row and status (so an accepted pair stays accepted, and open pages keep pointing at the same pair).
    Caller commits."""
    course = load_course(context_pk)
    round_ = get_round(context_pk)
    draft = pairs(context_pk, DRAFT)
    locked = [(p.mentee_user_id, p.mentor_user_id) for p in draft if p.status == LOCKED]
    result = mt.match(course.mentees, course.mentors, settings_of(round_), locked, domain_order=domain_order())
    existing = {(p.mentee_user_id, p.mentor_user_id): p for p in draft}
    keep = {existing[(p.mentee, p.mentor)].id for p in result.pairs if (p.mentee, p.mentor) in existing}
    db.session.execute(delete(PairingPair).where(
        PairingPair.context_pk == context_pk, PairingPair.stage == DRAFT, PairingPair.id.not_in(keep)))
    now = utcnow()
    for pair in result.pairs:
        row = existing.get((pair.mentee, pair.mentor))
        if row is None or row.id not in keep:
            row = PairingPair(context_pk=context_pk, stage=DRAFT, mentor_user_id=pair.mentor,
                              mentee_user_id=pair.mentee, status=PROPOSED, created_at=now)
            db.session.add(row)
        row.score = pair.score
        row.reasons = [r.to_json() for r in pair.reasons]
        row.updated_at = now
    round_.proposed_at = now
    round_.updated_at = now
    db.session.flush()
    return result


def refresh_pair(pair: PairingPair, course: Course) -> None:
    """Recompute a pair's score and reasons from current answers (after a swap or a manual pair)."""
    mentee = next(p for p in course.mentees if p.id == pair.mentee_user_id)
    mentor = next(p for p in course.mentors if p.id == pair.mentor_user_id)
    made = mt.make_pair(mentee, mentor, domain_order=domain_order())
    pair.score = made.score
    pair.reasons = [r.to_json() for r in made.reasons]
    pair.updated_at = utcnow()


def publish(context_pk: int) -> int:
    """Copy accepted and locked draft pairs to the published set, replacing the previous one. Caller commits.
    Returns the number of published pairs."""
    db.session.execute(
        delete(PairingPair).where(PairingPair.context_pk == context_pk, PairingPair.stage == PUBLISHED)
    )
    now = utcnow()
    count = 0
    for pair in pairs(context_pk, DRAFT):
        if pair.status not in (ACCEPTED, LOCKED):
            continue
        db.session.add(PairingPair(
            context_pk=context_pk, stage=PUBLISHED, mentor_user_id=pair.mentor_user_id,
            mentee_user_id=pair.mentee_user_id, status=pair.status, score=pair.score, reasons=list(pair.reasons),
            created_at=now, updated_at=now,
        ))
        count += 1
    round_ = get_round(context_pk)
    round_.published_at = now
    round_.updated_at = now
    db.session.flush()
    return count


def unpublish(context_pk: int) -> None:
    db.session.execute(
        delete(PairingPair).where(PairingPair.context_pk == context_pk, PairingPair.stage == PUBLISHED)
    )
    round_ = get_round(context_pk)
    round_.published_at = None
    round_.updated_at = utcnow()
    db.session.flush()


def unmatched(course: Course, draft: Sequence[PairingPair], settings: mt.Settings) -> list[tuple[int, str, str]]:
    """(user id, side, reason code) for everybody without a draft pair, with the likeliest reason."""
    paired_mentees = {p.mentee_user_id for p in draft}
    paired_mentors = {p.mentor_user_id for p in draft}
    rows: list[tuple[int, str, str]] = [(uid, side, NOT_ANSWERED) for uid, side in course.not_answered]
    for person in course.mentees:
        if person.id not in paired_mentees:
            rows.append((person.id, MENTEE, mt.why_mentee(person, course.mentors, settings)))
    for person in course.mentors:
        if person.id not in paired_mentors:
            rows.append((person.id, MENTOR, mt.why_mentor(person, course.mentees, settings)))
    return rows


# -- wording ------------------------------------------------------------------------------------------------
def _list(labels: Sequence[str], style: str = "or") -> str:
    return format_list(list(labels), style=style, locale=str(get_locale() or "en"))


def _mid_sentence(label: str, question_id: str, lang: str) -> str:
    """An option label as it reads inside a sentence: "the mentor offers marketing and communication".
    German keeps its capitals (nouns); language names keep theirs except in Ukrainian; acronyms ("IT and
    digital") are left alone."""
    if lang == "de" or (question_id == "languages" and lang != "uk"):
        return label
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def option_labels(lang: str) -> dict[str, str]:
    """Every option id of both questionnaires (domains, languages, channels, time) -> its label, worded to
    sit inside a sentence."""
    labels: dict[str, str] = {}
    for aid in assessment_ids().values():
        sa = assessment(aid, lang)
        for q in sa.questions:
            labels.update({o.id: _mid_sentence(o.label, q.id, lang) for o in q.options})
    return labels


def reason_text(reason: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """One reason as a plain sentence in the current language."""
    r = mt.Reason.from_json(reason)
    items = [labels.get(i, i) for i in r.items]
    mentee_time = labels.get(r.mentee or "", r.mentee or "")
    mentor_time = labels.get(r.mentor or "", r.mentor or "")
    texts = {
        mt.SHARED_LANGUAGES: lambda: _("Both can talk in %(languages)s.", languages=_list(items)),
        mt.NO_SHARED_LANGUAGE: lambda: _("They named no language in common; please check how they will talk."),
        mt.LANGUAGES_UNKNOWN: lambda: _("One of them did not say which languages they use; please check together."),
        mt.OFFERS_WANTED: lambda: _(
            "The mentor offers %(areas)s, which the mentee would like to develop.", areas=_list(items, "standard")
        ),
        mt.EXPERIENCED_IN_WANTED: lambda: _(
            "The mentor has solid experience in %(areas)s, which the mentee would like to develop.",
            areas=_list(items, "standard"),
        ),
        mt.NO_AREA_OVERLAP: lambda: _(
            "The mentor does not list the areas the mentee would like to develop; they may still work well "
            "together on other things."
        ),
        mt.AREAS_UNKNOWN: lambda: _("The mentee has not named areas to develop yet."),
        mt.TIME_COVERS: lambda: _(
            "The mentor's time (%(mentor)s) covers what the mentee hopes for (%(mentee)s).",
            mentor=mentor_time, mentee=mentee_time,
        ),
        mt.TIME_SHORT: lambda: _(
            "The mentor can offer %(mentor)s, less than the mentee hoped for (%(mentee)s).",
            mentor=mentor_time, mentee=mentee_time,
        ),
        mt.SHARED_CHANNELS: lambda: _("Both can keep in touch by %(channels)s.", channels=_list(items)),
        mt.NO_SHARED_CHANNEL: lambda: _("They named no way of keeping in touch in common."),
    }
    make = texts.get(r.code)
    return make() if make else r.code


def unmatched_text(side: str, reason: str) -> str:
    texts = {
        NOT_ANSWERED: _("Has not filled in the questionnaire for this role yet."),
        mt.NO_MENTORS: _("There are no other mentors in this course yet."),
        mt.NO_MENTEES: _("There are no other mentees in this course yet."),
        mt.NO_LANGUAGE_MATCH: _("Nobody on the other side shares a language with them.")
        if side == MENTEE
        else _("No mentee shares a language with this mentor."),
        mt.NO_TIME_MATCH: _("No mentor who shares a language offers as much time as they hope for.")
        if side == MENTEE
        else _("The mentees who share a language hope for more time than this mentor offers."),
        mt.CAPACITY_FULL: _(
            "Every suitable mentor already has the maximum number of mentees. Allowing more mentees per mentor "
            "or inviting more mentors would help."
        ),
        mt.NOT_CHOSEN: _("The mentees who could work with this mentor fit better with other mentors this time."),
    }
    return texts.get(reason, reason)
