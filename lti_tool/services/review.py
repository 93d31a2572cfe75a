"""LTI Submission Review (AGS 2.0): the platform's gradebook opens one person's work on one link.

An `LtiSubmissionReviewRequest` launch names the person in its `for_user` claim (kept on the launch as
`claims["for_user"]`, the platform's id for them); `pages.landing_url` sends it here. Who sees what is the
rule in `lti_tool.domain.review`: facilitators see progress, the scores sent and only the journal entries the
person shared; the person themself sees all of their own work. A learner asking for somebody else is refused
(403) and a person this course has never seen is a 404, both as readable pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g, render_template
from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from lti_tool.activities.common import catalog, lang
from lti_tool.activities.models import ActivityState, BreakoutParticipation, JournalEntry, Reflection
from lti_tool.domain.review import Access, progress_of, review_access, shows_reflections, visible_entries
from lti_tool.extensions import db
from lti_tool.grades.models import ScoreOutbox
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.lti.validation import SUBMISSION_REVIEW_REQUEST
from lti_tool.models import LaunchSession, User

bp = Blueprint("review", __name__)

MAX_SCORES = 50  # newest first; a person's history on one link is far shorter


@dataclass
class ShownReflection:
    prompt: str
    text: str


def _subject_sub() -> str:
    launch = g.launch
    sub = (launch.claims or {}).get("for_user")
    if launch.message_type != SUBMISSION_REVIEW_REQUEST or not isinstance(sub, str) or not sub:
        raise LaunchError(
            "not_review",
            _("This page opens from the gradebook, when someone chooses to review a person's work."),
            400,
        )
    return sub


def known_in_course(user_id: int, context_pk: int) -> bool:
    """Has this person ever been in this course with us: launched here, or left work here."""
    query = select(or_(
        exists().where(LaunchSession.user_id == user_id, LaunchSession.context_pk == context_pk),
        exists().where(ActivityState.user_id == user_id, ActivityState.context_pk == context_pk),
        exists().where(JournalEntry.user_id == user_id, JournalEntry.context_pk == context_pk),
    ))
    return bool(db.session.scalar(query))


def _subject(sub: str, access: Access, context_pk: int) -> User:
    launch = g.launch
    if access is Access.OWN:
        return launch.user
    person = db.session.scalars(select(User).where(User.issuer == launch.user.issuer, User.sub == sub)).first()
    if person is None or not known_in_course(person.id, context_pk):
        raise LaunchError(
            "review_unknown_person",
            _("There is no work to show: this person has not opened NatAlli in this course yet."),
            404,
        )
    return person


def _progress_details(item: Any, state: ActivityState | None, subject: User, context_pk: int) -> dict[str, Any]:
    """What progress means for this kind of activity, beyond started/completed."""
    details: dict[str, Any] = {}
    if item is None:
        return details
    data = (state.state or {}) if state is not None else {}
    if item.kind == "module":
        sections = [s.id for s in item.sections]
        details["sections_visited"] = len(set(data.get("visited", [])) & set(sections))
        details["sections_total"] = len(sections)
    elif item.kind == "ttt_unit":
        steps = [s.id for s in item.steps]
        details["steps_done"] = len(set(data.get("done_steps", [])) & set(steps))
        details["steps_total"] = len(steps)
    elif item.kind == "scenario":
        taking_part = db.session.scalars(select(BreakoutParticipation).where(
            BreakoutParticipation.user_id == subject.id, BreakoutParticipation.context_pk == context_pk,
            BreakoutParticipation.scenario_id == item.id)).first()
        details["joined_group"] = taking_part is not None and taking_part.group_key is not None
        details["contributed"] = taking_part is not None and taking_part.contributed
    return details


def _reflections(item: Any, subject: User, context_pk: int) -> list[ShownReflection]:
    if item is None:
        return []
    rows = {r.prompt_id: r for r in db.session.scalars(select(Reflection).where(
        Reflection.user_id == subject.id, Reflection.context_pk == context_pk, Reflection.activity_id == item.id))}
    prompts = [(p.id, p.text) for p in getattr(item, "reflection_prompts", ())]
    if item.kind == "scenario":
        prompts = [("individual", _("Your own reflection"))]
    shown = [ShownReflection(text, rows.pop(pid).text) for pid, text in prompts if pid in rows and rows[pid].text]
    shown.extend(ShownReflection("", r.text) for r in rows.values() if r.text)  # prompts no longer in the content
    return shown


def _audit(subject: User, entries: list[JournalEntry], context_pk: int) -> None:
    """A person may ask who looked at their work: one event per facilitator review, naming shared entries shown."""
    try:
        from lti_tool.privacy import audit
    except ImportError:  # the privacy part is optional
        return
    ref = ("journal_entry:" + ",".join(str(e.id) for e in entries)) if entries else ""
    audit(g.launch.user_id, "submission.reviewed", subject_id=subject.id, context_pk=context_pk, object_ref=ref[:200])


@bp.get("/s/<lt>/review")
@launch_required()
def work(lt: str):
    launch = g.launch
    sub = _subject_sub()
    context_pk = launch.context_pk
    if context_pk is None or launch.resource_link_pk is None:  # the launch checks both; a guard, not a path
        raise LaunchError("no_context", _("This activity needs to be opened from inside a course."), 400)
    access = review_access(viewer_is_subject=sub == launch.user.sub, viewer_is_instructor=launch.is_instructor)
    if access is Access.FORBIDDEN:
        raise LaunchError("review_forbidden", _("You can open only your own work."), 403)
    subject = _subject(sub, access, context_pk)

    activity_id = launch.activity_id or ""
    try:
        item = catalog().get(activity_id, lang()) if activity_id else None
    except KeyError:
        item = None
    state = db.session.scalars(select(ActivityState).where(
        ActivityState.user_id == subject.id, ActivityState.context_pk == context_pk,
        ActivityState.activity_id == activity_id)).first() if activity_id else None
    scores = list(db.session.scalars(
        select(ScoreOutbox)
        .where(ScoreOutbox.user_id == subject.id, ScoreOutbox.resource_link_pk == launch.resource_link_pk)
        .order_by(ScoreOutbox.timestamp.desc(), ScoreOutbox.id.desc())
        .limit(MAX_SCORES)
    ))
    kind = item.kind if item is not None else None
    query = select(JournalEntry).where(JournalEntry.user_id == subject.id, JournalEntry.context_pk == context_pk)
    if access is not Access.OWN:
        query = query.where(JournalEntry.shared.is_(True))  # unshared text is never even loaded
    entries = visible_entries(
        db.session.scalars(query.order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())), access, kind,
        activity_id)
    started = state is not None or bool(scores)
    completed = bool(state is not None and state.completed) or any(
        s.activity_progress == "Completed" for s in scores[:1])
    if access is Access.FACILITATOR:
        _audit(subject, entries, context_pk)
        db.session.commit()
    return render_template(
        "services/review.html",
        own=access is Access.OWN,
        subject=subject,
        item=item,
        link_title=(launch.resource_link.title if launch.resource_link is not None else "") or activity_id,
        progress=str(progress_of(started, completed)),
        details=_progress_details(item, state, subject, context_pk),
        scores=scores,
        entries=entries,
        reflections=_reflections(item, subject, context_pk) if shows_reflections(access) else [],
        holds_entries=kind in ("journal", "module"),
        prompt_for=_prompt_for,
    )


def _prompt_for(entry: JournalEntry) -> str:
    from lti_tool.activities.journal import prompt_text

    return prompt_text(catalog().journal(lang()), entry)
