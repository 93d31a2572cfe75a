"""The pairing blueprint: the capacity self-assessment (learner), the facilitator's matching page, export
and erase. Every view takes the course and the person from the launch (`g.launch`), never from the URL;
every object named in a form is checked against that course before it is touched.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from lti_tool.activities.common import check_csrf, csrf_token
from lti_tool.domain.grading import self_assessment_outcome
from lti_tool.extensions import db
from lti_tool.grades.models import ScoreOutbox
from lti_tool.grades.outbox import SCORE_MAXIMUM, enqueue_score
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.pairing import service as sv
from lti_tool.pairing.models import (
    ACCEPTED,
    BOTH,
    DRAFT,
    LOCKED,
    MENTEE,
    MENTOR,
    PROPOSED,
    PUBLISHED,
    ROLES,
    PairingAnswer,
    PairingPair,
    PairingProfile,
)
from lti_tool.pairing.privacy import course_export
from lti_tool.web.forms import (
    MAX_ID,
    Choice,
    Flag,
    FormError,
    Line,
    WholeNumber,
    form_schema,
    load_args,
    load_form,
)

bp = Blueprint("pairing", __name__)
bp.before_request(check_csrf)  # the activities' per-launch HMAC token: no cookie needed inside LMS iframes


@bp.context_processor
def _template_names() -> dict[str, Any]:
    launch = g.get("launch")
    return {
        "csrf_token": csrf_token(launch.token) if launch is not None else "",
        "launch": launch,
        "has_endpoint": lambda name: name in current_app.view_functions,
        "language_names": {"en": "English", "nl": "Nederlands", "uk": "Українська", "de": "Deutsch"},
    }


def _lang() -> str:
    return str(get_locale() or "en")


def _context_pk() -> int:
    pk = g.launch.context_pk
    if pk is None:
        raise LaunchError("no_context", _("This activity needs to be opened from inside a course."), 400)
    return pk


# -- forms --------------------------------------------------------------------------------------------------
def save_form(sa: Any) -> Schema:
    """The questionnaire page: the role first, then the answers (see service.answer_fields)."""
    role = Choice(ROLES, required=True, code="bad_role", message=lazy_gettext(
        "Please choose whether you take part as a mentee, a mentor or both."))
    return form_schema({"role": role, **sv.answer_fields(sa)}, "AssessmentForm")


class EraseForm(Schema):
    assessment_id = Line(100, load_default="")
    confirm = Flag(on=("yes",), label=lazy_gettext(
        "Yes, delete my role, all my answers and my pair in this course. This cannot be undone."))


class SettingsForm(Schema):
    max_mentees = WholeNumber(1, sv.MAX_MENTEES_LIMIT, required=True, code="bad_number", message=lazy_gettext(
        "Please choose a number of mentees per mentor between 1 and %(limit)d.", limit=sv.MAX_MENTEES_LIMIT))
    availability_required = Flag(label=lazy_gettext(
        "Only pair a mentee with a mentor who offers at least as much time as the mentee hopes for"))


class SwapForm(Schema):
    # "pair-<id>" (swap mentees with that pair) or "mentee-<id>" (take that unmatched mentee)
    with_ = Line(40, data_key="with", load_default="")


class AddPairForm(Schema):
    mentee = WholeNumber(1, MAX_ID, required=True, message=lazy_gettext("Please choose a mentee and a mentor."))
    mentor = WholeNumber(1, MAX_ID, required=True, message=lazy_gettext("Please choose a mentee and a mentor."))


class PageArgs(Schema):
    done = Line(40, load_default="", lenient=True)


def _assessment(assessment_id: str) -> Any:
    if not sv.is_assessment(assessment_id):
        raise LaunchError("not_found", _("This questionnaire does not exist."), 404)
    return sv.assessment(assessment_id, _lang())


# -- learner ------------------------------------------------------------------------------------------------
DONE_MESSAGES = {
    "saved": lambda: _("Your answers are saved. You can change them at any time."),
    "saved_other": lambda: _("Your role is saved. Please fill in this questionnaire too."),
    "erased": lambda: _("Everything you entered for pairing in this course has been deleted."),
}


@bp.get("/s/<lt>/pairing/a/<assessment_id>")
@launch_required()
def assessment(lt: str, assessment_id: str):
    """The self-assessment: role, questions, the person's strengths profile and, once published, their pair."""
    return _render_assessment(assessment_id)


def _render_assessment(assessment_id: str, status: int = 200, message: str = "", form: Any = None):
    sa = _assessment(assessment_id)
    ctx = _context_pk()
    profile = sv.profile_for(ctx, g.launch.user_id)
    row = sv.answer_row(profile, assessment_id)
    stored = dict(row.answers) if row else {}
    answers, shared = stored, set(row.shared) if row else set()
    if form is not None:  # a refused post: the form shows what was sent; the profile what is stored
        sent, sent_shared = sv.parse_answers(sa, form, limit=None)
        answers, shared = sent, set(sent_shared)
    own_role = sv.role_of(assessment_id)
    role = (form.get("role") if form is not None else None) or (profile.role if profile else own_role)
    other_role = MENTOR if own_role == MENTEE else MENTEE
    done = load_args(PageArgs)["done"]
    return render_template(
        "pairing/assessment.html",
        sa=sa,
        assessment_id=assessment_id,
        other_id=sv.assessment_ids()[other_role],
        other_title=sv.assessment(sv.assessment_ids()[other_role], _lang()).title,
        role=role if role in ROLES else own_role,
        own_role=own_role,
        profile=profile,
        saved=row,
        answers=answers,
        shared=shared,
        summary=sv.describe(sa, stored) if row else [],
        strengths=sv.strengths(sa, stored) if row else [],
        scale_max=max(int(o.id) for o in sa.scale),
        my_pairs=_my_pairs(ctx) if profile else [],
        message=message or (DONE_MESSAGES[done]() if done in DONE_MESSAGES else ""),
        message_is_error=bool(message),
        intro=[p.strip() for p in sa.intro.split("\n\n") if p.strip()],
        roles=ROLES,
    ), status


def _my_pairs(ctx: int) -> list[dict[str, Any]]:
    """Published pairs this person is in, with the partner's *shared* answers only."""
    me = g.launch.user_id
    rows = db.session.scalars(
        select(PairingPair).where(
            PairingPair.context_pk == ctx,
            PairingPair.stage == PUBLISHED,
            or_(PairingPair.mentee_user_id == me, PairingPair.mentor_user_id == me),
        ).order_by(PairingPair.id)
    ).all()
    labels = sv.option_labels(_lang())
    ids = sv.assessment_ids()
    out = []
    for pair in rows:
        i_am_mentee = pair.mentee_user_id == me
        partner_id = pair.mentor_user_id if i_am_mentee else pair.mentee_user_id
        partner_side = MENTOR if i_am_mentee else MENTEE
        partner_profile = sv.profile_for(ctx, partner_id)
        partner_answers = sv.answer_row(partner_profile, ids[partner_side])
        shared: list[sv.Shown] = []
        if partner_answers is not None and partner_answers.shared:
            shared = sv.describe(sv.assessment(ids[partner_side], _lang()), partner_answers.answers,
                                 only=list(partner_answers.shared))
        out.append({
            "i_am_mentee": i_am_mentee,
            "partner": sv.display_name(partner_profile.user if partner_profile else None, partner_id),
            "reasons": [sv.reason_text(r, labels) for r in pair.reasons],
            "shared": shared,
        })
    return out


@bp.post("/s/<lt>/pairing/a/<assessment_id>")
@launch_required()
def save(lt: str, assessment_id: str):
    sa = _assessment(assessment_id)
    ctx = _context_pk()
    try:
        form = load_form(save_form(sa), request.form)
    except FormError as exc:  # the page comes back with what was sent, and the reason
        return _render_assessment(assessment_id, exc.status, exc.message, request.form)
    role = form["role"]
    answers, shared = sv.answers_from(sa, form)
    profile = sv.save_answers(ctx, g.launch.user_id, role, assessment_id, sa.version, answers, shared)
    _record_completion(profile)
    db.session.commit()
    own_role = sv.role_of(assessment_id)
    if role != BOTH and role != own_role:
        # They are taking part on the other side: that side's questionnaire is the one matching uses.
        other = sv.assessment_ids()[role]
        if sv.answer_row(profile, other) is None:
            return redirect(url_for("pairing.assessment", lt=lt, assessment_id=other, done="saved_other"), 303)
    return redirect(url_for("pairing.assessment", lt=lt, assessment_id=assessment_id, done="saved",
                            _anchor="profile"), 303)


def _record_completion(profile: PairingProfile) -> None:
    """Queue the completion for the launch's gradebook column (in the caller's transaction), when the launch
    is one of the self-assessment links and the outcome differs from the last one queued."""
    launch = g.launch
    if not sv.is_assessment(launch.activity_id or "") or launch.resource_link_pk is None:
        return
    outcome = self_assessment_outcome(sum(a.answered for a in profile.answers))
    last = db.session.scalars(
        select(ScoreOutbox)
        .where(ScoreOutbox.user_id == launch.user_id, ScoreOutbox.resource_link_pk == launch.resource_link_pk)
        .order_by(ScoreOutbox.timestamp.desc(), ScoreOutbox.id.desc())
        .limit(1)
    ).first()
    if last is not None and (
        last.activity_progress == str(outcome.activity_progress)
        and last.score_given == outcome.score_given(SCORE_MAXIMUM)
    ):
        return
    enqueue_score(launch, outcome)


@bp.get("/s/<lt>/pairing/export.json")
@launch_required()
def export(lt: str):
    """The person's own pairing data in this course (published pairs only), as a JSON download."""
    body = json.dumps(course_export(g.launch.user_id, _context_pk()), ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="natalli-pairing.json"', "Cache-Control": "no-store"})


@bp.post("/s/<lt>/pairing/erase")
@launch_required()
def erase(lt: str):
    """Hard-delete the person's profile, answers and pairs in this course."""
    form = load_form(EraseForm, request.form)
    back = form["assessment_id"]
    back = back if sv.is_assessment(back) else sv.assessment_ids()[MENTEE]
    if not form["confirm"]:
        return _render_assessment(back, 400, _("To delete your answers, tick the box that confirms it."))
    ctx = _context_pk()
    me = g.launch.user_id
    profile_ids = select(PairingProfile.id).where(PairingProfile.context_pk == ctx, PairingProfile.user_id == me)
    db.session.execute(delete(PairingAnswer).where(PairingAnswer.profile_id.in_(profile_ids)))
    db.session.execute(delete(PairingProfile).where(PairingProfile.context_pk == ctx, PairingProfile.user_id == me))
    db.session.execute(delete(PairingPair).where(
        PairingPair.context_pk == ctx, or_(PairingPair.mentee_user_id == me, PairingPair.mentor_user_id == me)))
    db.session.commit()
    return redirect(url_for("pairing.assessment", lt=lt, assessment_id=back, done="erased"), 303)


# -- facilitator --------------------------------------------------------------------------------------------
FACILITATOR_DONE = {
    "settings": lambda: _("Settings saved. Propose pairs again to apply them."),
    "proposed": lambda: _("New pairs proposed. Locked pairs were kept."),
    "published": lambda: _("Pairs published. Mentors and mentees can now see their pair."),
    "unpublished": lambda: _("Publication withdrawn. Nobody sees a pair now."),
    "accepted": lambda: _("Pair accepted."),
    "accepted_all": lambda: _("All proposed pairs accepted."),
    "locked": lambda: _("Pair locked: proposing again keeps it."),
    "unlocked": lambda: _("Pair unlocked."),
    "removed": lambda: _("Pair removed. Both people are listed as without a pair."),
    "swapped": lambda: _("Mentees swapped. The fit explanations were updated."),
    "added": lambda: _("Pair added."),
}


@bp.get("/s/<lt>/pairing/facilitator")
@launch_required("instructor")
def facilitator(lt: str):
    return _render_facilitator()


def _render_facilitator(status: int = 200, message: str = ""):
    ctx = _context_pk()
    round_ = sv.get_round(ctx)
    db.session.commit()  # the round row, created on first visit
    course = sv.load_course(ctx)
    draft = sv.pairs(ctx, DRAFT)
    published = sv.pairs(ctx, PUBLISHED)
    labels = sv.option_labels(_lang())
    ids = sv.assessment_ids()

    def shared_of(user_id: int, side: str) -> list[sv.Shown]:
        row = sv.answer_row(course.profiles.get(user_id), ids[side])
        if row is None or not row.shared:
            return []
        return sv.describe(sv.assessment(ids[side], _lang()), row.answers, only=list(row.shared))

    rows = [
        {
            "pair": p,
            "mentor": course.name(p.mentor_user_id),
            "mentee": course.name(p.mentee_user_id),
            "reasons": [sv.reason_text(r, labels) for r in p.reasons],
            "mentor_shared": shared_of(p.mentor_user_id, MENTOR),
            "mentee_shared": shared_of(p.mentee_user_id, MENTEE),
        }
        for p in draft
    ]
    lonely = [
        {"user_id": uid, "name": course.name(uid), "side": side, "why": sv.unmatched_text(side, code)}
        for uid, side, code in sv.unmatched(course, draft, sv.settings_of(round_))
    ]
    load = {}
    for p in draft:
        load[p.mentor_user_id] = load.get(p.mentor_user_id, 0) + 1
    paired_mentees = {p.mentee_user_id for p in draft}
    free_mentors = [
        (m.id, course.name(m.id)) for m in course.mentors if load.get(m.id, 0) < round_.max_mentees
    ]
    open_mentees = [(m.id, course.name(m.id)) for m in course.mentees if m.id not in paired_mentees]
    done = load_args(PageArgs)["done"]
    return render_template(
        "pairing/facilitator.html",
        round=round_,
        rows=rows,
        lonely=lonely,
        mentee_count=len(course.mentees),
        mentor_count=len(course.mentors),
        published_count=len(published),
        ready_count=sum(1 for p in draft if p.status in (ACCEPTED, LOCKED)),
        proposed_count=sum(1 for p in draft if p.status == PROPOSED),
        free_mentors=free_mentors,
        open_mentees=open_mentees,
        max_limit=sv.MAX_MENTEES_LIMIT,
        assessment_links=[(aid, sv.assessment(aid, _lang()).title) for aid in ids.values()],
        message=message or (FACILITATOR_DONE[done]() if done in FACILITATOR_DONE else ""),
        message_is_error=bool(message),
        statuses={PROPOSED: _("Proposed"), ACCEPTED: _("Accepted"), LOCKED: _("Locked")},
    ), status


def _back(lt: str, done: str, anchor: str | None = None):
    """Commit the facilitator's change and go back to the page; a clash with a colleague's simultaneous
    change (the same mentee paired twice) is reported instead of failing."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _render_facilitator(409, _("Someone else changed the pairs at the same moment. Please check the "
                                          "pairs below and try again."))
    return redirect(url_for("pairing.facilitator", lt=lt, done=done, _anchor=anchor), 303)


@bp.post("/s/<lt>/pairing/facilitator/settings")
@launch_required("instructor")
def settings(lt: str):
    ctx = _context_pk()
    try:
        form = load_form(SettingsForm, request.form)
    except FormError as exc:
        return _render_facilitator(exc.status, exc.message)
    round_ = sv.get_round(ctx)
    round_.max_mentees = form["max_mentees"]
    round_.availability_required = form["availability_required"]
    round_.updated_at = utcnow()
    return _back(lt, "settings")


@bp.post("/s/<lt>/pairing/facilitator/propose")
@launch_required("instructor")
def propose(lt: str):
    sv.propose(_context_pk())
    return _back(lt, "proposed", "pairs")


@bp.post("/s/<lt>/pairing/facilitator/accept-all")
@launch_required("instructor")
def accept_all(lt: str):
    for pair in sv.pairs(_context_pk(), DRAFT):
        if pair.status == PROPOSED:
            pair.status = ACCEPTED
            pair.updated_at = utcnow()
    return _back(lt, "accepted_all", "pairs")


@bp.post("/s/<lt>/pairing/facilitator/publish")
@launch_required("instructor")
def publish(lt: str):
    ctx = _context_pk()
    if not any(p.status in (ACCEPTED, LOCKED) for p in sv.pairs(ctx, DRAFT)):
        return _render_facilitator(400, _("There is no accepted or locked pair to publish yet. Accept the pairs "
                                          "you agree with first."))
    sv.publish(ctx)
    return _back(lt, "published")


@bp.post("/s/<lt>/pairing/facilitator/unpublish")
@launch_required("instructor")
def unpublish(lt: str):
    sv.unpublish(_context_pk())
    return _back(lt, "unpublished")


def _draft_pair(pair_id: int) -> PairingPair:
    """A draft pair of the launch's course; anything else is 404, as if it did not exist."""
    pair = db.session.get(PairingPair, pair_id)
    if pair is None or pair.context_pk != _context_pk() or pair.stage != DRAFT:
        raise LaunchError("not_found", _("This pair does not exist (any more). Please reload the page."), 404)
    return pair


def _refuse_locked(pair: PairingPair) -> None:
    if pair.status == LOCKED:
        raise LaunchError("pair_locked", _("This pair is locked. Unlock it first to change it."), 409)


@bp.post("/s/<lt>/pairing/facilitator/pairs/<int:pair_id>/<action>")
@launch_required("instructor")
def pair_action(lt: str, pair_id: int, action: str):
    pair = _draft_pair(pair_id)
    anchor = f"pair-{pair.id}"
    if action == "accept":
        _refuse_locked(pair)
        pair.status, done = ACCEPTED, "accepted"
    elif action == "lock":
        pair.status, done = LOCKED, "locked"
    elif action == "unlock":
        pair.status, done = ACCEPTED, "unlocked"
    elif action == "remove":
        _refuse_locked(pair)
        db.session.delete(pair)
        return _back(lt, "removed", "unmatched")
    elif action == "swap":
        return _swap(lt, pair)
    else:
        raise LaunchError("not_found", _("This page does not exist."), 404)
    pair.updated_at = utcnow()
    return _back(lt, done, anchor)


def _swap(lt: str, pair: PairingPair):
    """Exchange mentees with another draft pair, or give this mentor an unmatched mentee instead."""
    _refuse_locked(pair)
    ctx = pair.context_pk
    course = sv.load_course(ctx)
    target = load_form(SwapForm, request.form)["with_"]
    mentee_ids = {p.id for p in course.mentees}
    if target.startswith("pair-") and target[5:].isdigit():
        other = _draft_pair(int(target[5:]))
        _refuse_locked(other)
        if other.id == pair.id:
            return _render_facilitator(400, _("Please choose another pair to swap with."))
        if pair.mentee_user_id == other.mentor_user_id or other.mentee_user_id == pair.mentor_user_id:
            return _render_facilitator(400, _("That swap would make somebody their own mentor."))
        # Swap the mentors (the mentee is the unique side of a pair), which swaps the mentees in effect.
        pair.mentor_user_id, other.mentor_user_id = other.mentor_user_id, pair.mentor_user_id
        for changed in (pair, other):
            changed.status = ACCEPTED
            sv.refresh_pair(changed, course)
    elif target.startswith("mentee-") and target[7:].isdigit():
        mentee_id = int(target[7:])
        taken = {p.mentee_user_id for p in sv.pairs(ctx, DRAFT)}
        if mentee_id not in mentee_ids or mentee_id in taken:
            return _render_facilitator(400, _("That person is not a mentee without a pair in this course."))
        if mentee_id == pair.mentor_user_id:
            return _render_facilitator(400, _("That swap would make somebody their own mentor."))
        pair.mentee_user_id = mentee_id
        pair.status = ACCEPTED
        sv.refresh_pair(pair, course)
    else:
        return _render_facilitator(400, _("Please choose who to swap with."))
    return _back(lt, "swapped", f"pair-{pair.id}")


@bp.post("/s/<lt>/pairing/facilitator/pairs/add")
@launch_required("instructor")
def add_pair(lt: str):
    """Pair an unmatched mentee with a mentor who still has a free place (the facilitator's own choice)."""
    ctx = _context_pk()
    course = sv.load_course(ctx)
    round_ = sv.get_round(ctx)
    draft = sv.pairs(ctx, DRAFT)
    try:
        form = load_form(AddPairForm, request.form)
    except FormError as exc:
        return _render_facilitator(exc.status, exc.message)
    mentee_id, mentor_id = form["mentee"], form["mentor"]
    if mentee_id not in {p.id for p in course.mentees} or mentee_id in {p.mentee_user_id for p in draft}:
        return _render_facilitator(400, _("That person is not a mentee without a pair in this course."))
    if mentor_id not in {p.id for p in course.mentors}:
        return _render_facilitator(400, _("That person is not a mentor in this course."))
    if mentee_id == mentor_id:
        return _render_facilitator(400, _("That swap would make somebody their own mentor."))
    if sum(1 for p in draft if p.mentor_user_id == mentor_id) >= round_.max_mentees:
        return _render_facilitator(400, _("This mentor already has the maximum number of mentees."))
    pair = PairingPair(context_pk=ctx, stage=DRAFT, mentor_user_id=mentor_id, mentee_user_id=mentee_id,
                       status=ACCEPTED, created_at=utcnow())
    sv.refresh_pair(pair, course)
    db.session.add(pair)
    return _back(lt, "added", "pairs")

