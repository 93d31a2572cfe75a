"""The pair space blueprint ("pairspace"): a published pair's own room, and the facilitator's counts.

Every view takes the course and the person from the launch; a space is found only if it is in that course
and the person is its mentor or mentee — anybody else (a third learner, a facilitator) gets 404, as if it
did not exist. Facilitators get their own page with counts and dates, never words.

  GET  /s/<lt>/pair/                                 my spaces in this course
  GET  /s/<lt>/pair/<id>/                            the space (agreement, log, steps, support, ending)
  POST /s/<lt>/pair/<id>/agreement                   propose a version (base_version: conflict-safe)
  POST /s/<lt>/pair/<id>/agreement/confirm           confirm the newest version
  POST /s/<lt>/pair/<id>/log                         add a meeting
  POST /s/<lt>/pair/<id>/log/<entry_id>              edit / add to a meeting (version: conflict-safe)
  POST /s/<lt>/pair/<id>/steps                       mentee: which plan steps to share
  POST /s/<lt>/pair/<id>/steps/<step_id>/comment     mentor: an encouraging word on a shared step
  POST /s/<lt>/pair/<id>/help                        ask the facilitator to get in touch (no content)
  POST /s/<lt>/pair/<id>/reflection                  my closing reflection
  POST /s/<lt>/pair/<id>/close                       I am ready to close (closed once both are)
  GET  /s/<lt>/pair/<id>/export.json                 my part + the shared agreement and log
  POST /s/<lt>/pair/<id>/erase                       I ask to erase the space (erased once both asked)
  GET  /s/<lt>/pair/facilitator                      instructors: counts per pair, k-anonymised figures
  POST /s/<lt>/pair/facilitator/help/<request_id>    instructors: mark a help request as handled
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Response, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import Schema
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lti_tool.activities.common import catalog, context_pk, lang, make_blueprint, markdown, support_text
from lti_tool.domain import pair_space as rules
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.pairing import space as sp
from lti_tool.pairing.service import display_name
from lti_tool.pairing.space_models import (
    OPEN,
    PairHelpRequest,
    PairLogEntry,
    PairReflection,
    PairSpace,
    PairStepComment,
)
from lti_tool.web.forms import (
    MAX_ID,
    SHORT_TEXT,
    Choice,
    Choices,
    Flag,
    FormDate,
    FormError,
    LearnerText,
    Line,
    WholeNumber,
    form_schema,
    load_args,
    load_form,
)

bp = make_blueprint("pairspace", __name__)
AGREEMENT_LIMIT = SHORT_TEXT  # one answer of the agreement: a few sentences


@bp.context_processor
def _names() -> dict[str, Any]:
    from lti_tool.activities.common import template_globals

    return template_globals()


def _content() -> Any:
    return catalog().pair_space(lang())


def _not_found() -> LaunchError:
    return LaunchError("not_found", _("This pair space does not exist, or it is not yours."), 404)


def _space(space_id: int) -> PairSpace:
    space = sp.member_space(context_pk(), space_id, g.launch.user_id)
    if space is None:
        raise _not_found()
    return space


def _writable(space_id: int) -> PairSpace:
    space = _space(space_id)
    if space.status != OPEN:
        raise LaunchError("pair_closed", _("This pair space is closed. You can still read it, export your part "
                                           "or erase it."), 409)
    return space


# -- forms --------------------------------------------------------------------------------------------------
def agreement_form(content: Any) -> Schema:
    spec: dict[str, Any] = {f"a-{p.id}": LearnerText(AGREEMENT_LIMIT, strip=True, load_default="", label=p.label)
                            for p in content.agreement_prompts}
    spec["base_version"] = WholeNumber(0, MAX_ID, required=True, code="bad_version",
                                       label=lazy_gettext("Agreement version"))
    return form_schema(spec, "AgreementForm")


class ConfirmForm(Schema):
    version = WholeNumber(1, MAX_ID, required=True, code="bad_version", label=lazy_gettext("Agreement version"))


NO_DATE = lazy_gettext("Please give the date of the meeting (for example 2026-03-31). Nothing has been saved.")


class EntryForm(Schema):
    met_on = FormDate(required=True, code="bad_date", message=NO_DATE)
    topics = LearnerText(SHORT_TEXT, strip=True, load_default="", label=lazy_gettext("What we talked about"))
    next_step = LearnerText(SHORT_TEXT, strip=True, load_default="", label=lazy_gettext("The next small step"))
    step_owner = Choice(rules.STEP_OWNERS, load_default=rules.MENTEE, label=lazy_gettext("Who takes it"))
    version = WholeNumber(0, MAX_ID, load_default=0, code="bad_version", label=lazy_gettext("Entry version"))


def _load_entry() -> dict[str, Any]:
    """The meeting form; an empty date box is refused like a wrong one (a meeting always has a date)."""
    form = load_form(EntryForm)
    if form["met_on"] is None:
        raise FormError("bad_date", str(NO_DATE), 400, field="met_on")
    return form


class StepsForm(Schema):
    share = Choices(lambda: _step_choices(), load_default=list, drop_unknown=True,
                    label=lazy_gettext("Steps to share"))


def _step_choices() -> list[str]:
    return [str(step.id) for _days, step in sp.mentee_steps(g.pair_space)]


class CommentForm(Schema):
    text = LearnerText(SHORT_TEXT, strip=True, required=True, label=lazy_gettext("A word of encouragement"))


class ReflectionForm(Schema):
    text = LearnerText(SHORT_TEXT, strip=True, load_default="", label=lazy_gettext("Your reflection"))
    shared = Flag(label=lazy_gettext("Show my reflection to my partner"))


class ConfirmBox(Schema):
    confirm = Flag(on=("yes",), label=lazy_gettext("Yes, I understand"))


class PageArgs(Schema):
    done = Line(40, load_default="", lenient=True)


DONE = {
    "proposed": lambda: _("Your proposal is saved. It holds once your partner confirms it too."),
    "confirmed": lambda: _("You confirmed the agreement."),
    "logged": lambda: _("The meeting is in your log."),
    "steps": lambda: _("Your choice of shared steps is saved."),
    "commented": lambda: _("Your comment is saved."),
    "help": lambda: _("Your facilitator has been asked to get in touch. They know only that you would like "
                      "help, nothing of what you talked about."),
    "reflection": lambda: _("Your reflection is saved."),
    "ready": lambda: _("You said you are ready to close. The space closes once your partner says so too."),
    "closed": lambda: _("Your pair space is closed. Thank you both. You can still read it and export your part."),
    "erase_asked": lambda: _("You asked to erase this space. It is erased once your partner asks too. Export "
                             "your part first if you want to keep it."),
}


# -- pages --------------------------------------------------------------------------------------------------
@bp.get("/s/<lt>/pair/")
@launch_required()
def index(lt: str):
    """The person's pair spaces in this course (usually one), or why there is none yet."""
    spaces = sp.spaces_for(context_pk(), g.launch.user_id)
    db.session.commit()
    if len(spaces) == 1 and load_args(PageArgs)["done"] != "erased":
        return redirect(url_for("pairspace.space", lt=lt, space_id=spaces[0].id), 303)
    rows = [{"space": s, "partner": display_name(s.mentee if s.side_of(g.launch.user_id) == "mentor" else s.mentor,
                                                  s.partner_of(g.launch.user_id)),
             "i_am_mentor": s.side_of(g.launch.user_id) == "mentor"} for s in spaces]
    erased = load_args(PageArgs)["done"] == "erased"
    return render_template("pairing/space_index.html", rows=rows, content=_content(),
                           message=_("The pair space has been erased for both of you.") if erased else "")


@bp.get("/s/<lt>/pair/<int:space_id>/")
@launch_required()
def space(lt: str, space_id: int):
    return _render(_space(space_id))


def _render(space: PairSpace, status: int = 200, message: str = "", **extra: Any):
    me = g.launch.user_id
    side = space.side_of(me)
    partner_id = space.partner_of(me)
    partner_user = space.mentee if side == "mentor" else space.mentor
    content = _content()
    versions = sp.agreement_versions(space)
    state = sp.agreement_state(versions)
    by_number = {v.version: v for v in versions}
    steps = sp.mentee_steps(space)
    shared = sp.shared_step_ids(space)
    partner_reflection = sp.reflection_of(space, partner_id)
    done = load_args(PageArgs)["done"]
    title, body = support_text()
    return render_template(
        "pairing/space.html",
        space=space,
        side=side,
        partner=display_name(partner_user, partner_id),
        content=content,
        prompts=content.agreement_prompts,
        state=state,
        in_force=by_number.get(state.in_force.version) if state.in_force else None,
        pending=by_number.get(state.pending.version) if state.pending else None,
        entries=sp.log_entries(space),
        steps=[(days, step) for days, step in steps if side == "mentee" or step.id in shared],
        shared=shared,
        comments=sp.comments(space),
        help_requests=[h for h in sp.help_requests(space) if h.user_id == me],
        reflection=sp.reflection_of(space, me),
        partner_reflection=partner_reflection if partner_reflection and partner_reflection.shared else None,
        my_close=getattr(space, f"{side}_close_at"),
        partner_close=getattr(space, f"{'mentee' if side == 'mentor' else 'mentor'}_close_at"),
        my_erase=getattr(space, f"{side}_erase_at"),
        partner_erase=getattr(space, f"{'mentee' if side == 'mentor' else 'mentor'}_erase_at"),
        support_title=title,
        support_body=markdown(body),
        md=markdown,
        today=date.today().isoformat(),
        owners={rules.MENTEE: _("The mentee"), rules.MENTOR: _("The mentor"), rules.BOTH: _("Both of us")},
        message=message or (DONE[done]() if done in DONE else ""),
        message_is_error=bool(message),
        **extra,
    ), status


def _back(lt: str, space: PairSpace, done: str, anchor: str):
    return redirect(url_for("pairspace.space", lt=lt, space_id=space.id, done=done, _anchor=anchor), 303)


def _refused(space: PairSpace, exc: FormError, **extra: Any):
    """A refused form: the page again, with the reason and what the person sent (nothing they typed is lost)."""
    db.session.rollback()
    return _render(space, exc.status, exc.message, **extra)


def _sent_entry() -> dict[str, str]:
    """A meeting as the form sent it, to show a refused form back unchanged."""
    return {name: request.form.get(name, "") for name in ("met_on", "topics", "next_step", "step_owner")}


# -- agreement ----------------------------------------------------------------------------------------------
@bp.post("/s/<lt>/pair/<int:space_id>/agreement")
@launch_required()
def propose(lt: str, space_id: int):
    space = _writable(space_id)
    content = _content()
    try:
        form = load_form(agreement_form(content))
    except FormError as exc:
        return _refused(space, exc, draft={p.id: request.form.get(f"a-{p.id}", "") for p in content.agreement_prompts})
    answers = {p.id: form[f"a-{p.id}"] for p in content.agreement_prompts if form[f"a-{p.id}"]}
    if not answers:
        return _render(space, 400, _("Please write at least one part of the agreement before proposing it."))
    try:
        sp.propose(space, g.launch.user_id, form["base_version"], answers)
        db.session.commit()
    except (rules.StaleVersion, IntegrityError):
        db.session.rollback()
        return _render(_space(space_id), 409, _(
            "Your partner changed the agreement while you were writing. Nothing was overwritten: your text is "
            "still in the form below; compare it with the newest version and propose again."),
            draft=answers)
    return _back(lt, space, "proposed", "agreement")


@bp.post("/s/<lt>/pair/<int:space_id>/agreement/confirm")
@launch_required()
def confirm(lt: str, space_id: int):
    space = _writable(space_id)
    try:
        form = load_form(ConfirmForm)
    except FormError as exc:
        return _refused(space, exc)
    try:
        sp.confirm(space, g.launch.user_id, form["version"])
    except rules.StaleVersion:
        db.session.rollback()
        return _render(space, 409, _("The agreement changed since you opened the page. Please read the newest "
                                     "version before confirming it."))
    db.session.commit()
    return _back(lt, space, "confirmed", "agreement")


# -- meeting log --------------------------------------------------------------------------------------------
@bp.post("/s/<lt>/pair/<int:space_id>/log")
@launch_required()
def add_entry(lt: str, space_id: int):
    space = _writable(space_id)
    try:
        form = _load_entry()
    except FormError as exc:
        return _refused(space, exc, sent=_sent_entry(), sent_entry_id=None)
    if not (form["topics"] or form["next_step"]):
        return _render(space, 400, _("Please write what you talked about or the next step."), sent=_sent_entry(),
                       sent_entry_id=None)
    now = utcnow()
    db.session.add(PairLogEntry(space_id=space.id, author_user_id=g.launch.user_id, met_on=form["met_on"],
                                topics=form["topics"], next_step=form["next_step"], step_owner=form["step_owner"],
                                version=1, created_at=now, updated_at=now,
                                updated_by_side=space.side_of(g.launch.user_id)))
    sp.touch(space)
    db.session.commit()
    return _back(lt, space, "logged", "log")


@bp.post("/s/<lt>/pair/<int:space_id>/log/<int:entry_id>")
@launch_required()
def edit_entry(lt: str, space_id: int, entry_id: int):
    """Save an edit only on top of the version its writer started from; otherwise 409 with both texts."""
    space = _writable(space_id)
    entry = db.session.get(PairLogEntry, entry_id)
    if entry is None or entry.space_id != space.id:
        raise LaunchError("not_found", _("This meeting is not in your log (any more). Please reload the page."), 404)
    try:
        form = _load_entry()
    except FormError as exc:
        return _refused(space, exc, sent=_sent_entry(), sent_entry_id=entry_id)
    submitted = rules.EntryText(form["met_on"], form["topics"], form["next_step"], form["step_owner"])
    base = form["version"]
    result = rules.edit_entry(sp.entry_text(entry), entry.version, base, submitted)
    if isinstance(result, rules.EntrySaved) and result.changed:
        done = db.session.execute(
            update(PairLogEntry).where(PairLogEntry.id == entry.id, PairLogEntry.version == base)
            .values(met_on=submitted.met_on, topics=submitted.topics, next_step=submitted.next_step,
                    step_owner=submitted.step_owner, version=base + 1, updated_at=utcnow(),
                    updated_by_side=space.side_of(g.launch.user_id))
            .execution_options(synchronize_session=False)
        ).rowcount
        if done != 1:  # the partner saved between our read and our write
            db.session.rollback()
            entry = db.session.get(PairLogEntry, entry_id)
            db.session.refresh(entry)
            result = rules.EntryConflict(base, entry.version, sp.entry_text(entry), submitted)
    if isinstance(result, rules.EntryConflict):
        db.session.rollback()
        return _render(_space(space_id), 409, _(
            "Your partner saved this meeting while you were writing. Nothing was overwritten: combine both "
            "versions below and save again."), conflict=result, conflict_entry_id=entry_id)
    sp.touch(space)
    db.session.commit()
    return _back(lt, space, "logged", f"entry-{entry_id}")


# -- shared steps -------------------------------------------------------------------------------------------
@bp.post("/s/<lt>/pair/<int:space_id>/steps")
@launch_required()
def share_steps(lt: str, space_id: int):
    space = _writable(space_id)
    if space.side_of(g.launch.user_id) != "mentee":
        raise LaunchError("forbidden", _("Only the mentee decides which of her steps to share."), 403)
    g.pair_space = space
    form = load_form(StepsForm)
    sp.set_shared_steps(space, {int(v) for v in form["share"]})
    db.session.commit()
    return _back(lt, space, "steps", "steps")


@bp.post("/s/<lt>/pair/<int:space_id>/steps/<int:step_id>/comment")
@launch_required()
def comment(lt: str, space_id: int, step_id: int):
    space = _writable(space_id)
    if space.side_of(g.launch.user_id) != "mentor":
        raise LaunchError("forbidden", _("Only the mentor leaves comments on the steps the mentee shares."), 403)
    if step_id not in sp.shared_step_ids(space):
        raise LaunchError("not_found", _("This step is not shared with you (any more)."), 404)
    try:
        form = load_form(CommentForm)
    except FormError as exc:
        return _refused(space, exc)
    if not form["text"]:
        return _render(space, 400, _("Please write a comment before saving it."))
    db.session.add(PairStepComment(space_id=space.id, step_id=step_id, author_user_id=g.launch.user_id,
                                   text=form["text"]))
    sp.touch(space)
    db.session.commit()
    return _back(lt, space, "commented", f"step-{step_id}")


# -- support ------------------------------------------------------------------------------------------------
@bp.post("/s/<lt>/pair/<int:space_id>/help")
@launch_required()
def ask_help(lt: str, space_id: int):
    """A request for the facilitator to get in touch: who asked and when, nothing else."""
    space = _space(space_id)
    db.session.add(PairHelpRequest(space_id=space.id, user_id=g.launch.user_id))
    db.session.commit()
    return _back(lt, space, "help", "support")


# -- ending -------------------------------------------------------------------------------------------------
@bp.post("/s/<lt>/pair/<int:space_id>/reflection")
@launch_required()
def reflection(lt: str, space_id: int):
    space = _space(space_id)
    try:
        form = load_form(ReflectionForm)
    except FormError as exc:
        return _refused(space, exc, sent_reflection=request.form.get("text", ""))
    row = sp.reflection_of(space, g.launch.user_id)
    if row is None:
        row = PairReflection(space_id=space.id, user_id=g.launch.user_id)
        db.session.add(row)
    row.text, row.shared, row.updated_at = form["text"], form["shared"], utcnow()
    sp.touch(space)
    db.session.commit()
    return _back(lt, space, "reflection", "ending")


@bp.post("/s/<lt>/pair/<int:space_id>/close")
@launch_required()
def close(lt: str, space_id: int):
    space = _space(space_id)
    mine = sp.reflection_of(space, g.launch.user_id)
    if mine is None or not mine.text.strip():
        return _render(space, 400, _("Please write your short reflection first; then say you are ready to close."))
    closed = sp.mark_ready_to_close(space, g.launch.user_id)
    db.session.commit()
    return _back(lt, space, "closed" if closed else "ready", "ending")


@bp.get("/s/<lt>/pair/<int:space_id>/export.json")
@launch_required()
def export(lt: str, space_id: int):
    body = json.dumps(sp.export(_space(space_id), g.launch.user_id), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="natalli-pair-space.json"', "Cache-Control": "no-store"})


@bp.post("/s/<lt>/pair/<int:space_id>/erase")
@launch_required()
def erase(lt: str, space_id: int):
    space = _space(space_id)
    if not load_form(ConfirmBox)["confirm"]:
        return _render(space, 400, _("To ask for erasing, tick the box that confirms it."))
    gone = sp.request_erase(space, g.launch.user_id)
    db.session.commit()
    if gone:
        return redirect(url_for("pairspace.index", lt=lt, done="erased"), 303)
    return _back(lt, space, "erase_asked", "ending")


# -- facilitators -------------------------------------------------------------------------------------------
@bp.get("/s/<lt>/pair/facilitator")
@launch_required("instructor")
def facilitator(lt: str):
    """Counts and dates per pair (names, to follow up help requests), and k-anonymised course figures."""
    ctx = context_pk()
    sp.ensure_spaces(ctx)
    db.session.commit()
    rows = sp.facts(ctx)
    requests = {}
    for req in db.session.scalars(select(PairHelpRequest).join(PairSpace, PairSpace.id == PairHelpRequest.space_id)
                                  .where(PairSpace.context_pk == ctx, PairHelpRequest.handled_at.is_(None))
                                  .order_by(PairHelpRequest.created_at)):
        requests.setdefault(req.space_id, []).append(req)
    table = [{
        "facts": f,
        "mentor": display_name(s.mentor, s.mentor_user_id),
        "mentee": display_name(s.mentee, s.mentee_user_id),
        "requests": [(r, display_name(r_user, r.user_id)) for r in requests.get(s.id, [])
                     for r_user in [s.mentor if r.user_id == s.mentor_user_id else s.mentee]],
    } for s, f in rows]
    handled = load_args(PageArgs)["done"] == "handled"
    return render_template("pairing/space_facilitator.html", table=table,
                           figures=rules.pair_activity([f for _space, f in rows]),
                           message=_("Marked as handled.") if handled else "", message_is_error=False)


@bp.post("/s/<lt>/pair/facilitator/help/<int:request_id>")
@launch_required("instructor")
def handled(lt: str, request_id: int):
    req = db.session.get(PairHelpRequest, request_id)
    space_row = db.session.get(PairSpace, req.space_id) if req is not None else None
    if space_row is None or space_row.context_pk != context_pk():
        raise LaunchError("not_found", _("This help request does not exist (any more)."), 404)
    req.handled_at = req.handled_at or utcnow()
    db.session.commit()
    return redirect(url_for("pairspace.facilitator", lt=lt, done="handled", _anchor=f"pair-{space_row.id}"), 303)
