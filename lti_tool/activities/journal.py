"""Reflection journal: private by default, shared per entry with the course's facilitators (and unshared at
will), exported as Markdown or JSON, deleted one by one or all at once (hard delete)."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import Schema
from sqlalchemy import delete, func, select

from lti_tool.activities.common import catalog, context_pk, lang, make_blueprint, record_outcome
from lti_tool.activities.models import JournalEntry
from lti_tool.activities.state import get_state, update_state
from lti_tool.domain.grading import journal_outcome
from lti_tool.domain.journal import ExportEntry, PromptRef, parse_prompt, to_json, to_markdown
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.web.forms import Flag, LearnerText, Line, load_args, load_form

bp = make_blueprint("journal", __name__)
JOURNAL_ID = "reflection-journal"


class EntryForm(Schema):
    """A new entry: the text, the question it starts from (anything unknown is a free entry), sharing."""

    prompt = Line(200, load_default="free")
    text = LearnerText(load_default="", label=lazy_gettext("Your entry"))
    shared = Flag(label=lazy_gettext("Share this entry with my course facilitators"))


class EditForm(Schema):
    text = LearnerText(load_default="", label=lazy_gettext("Your entry"))


class ShareForm(Schema):
    shared = Flag(label=lazy_gettext("Share this entry with my course facilitators"))


class DeleteAllForm(Schema):
    confirm = Flag(on=("yes",), label=lazy_gettext("I want to delete all my entries. This cannot be undone."))


class IndexArgs(Schema):
    """Links into the journal: a module's questions, a chosen question, what the last action did."""

    module = Line(100, load_default="", lenient=True)
    prompt = Line(200, load_default="", lenient=True)
    done = Line(40, load_default="", lenient=True)


def _journal():
    return catalog().journal(lang())


def _own(entry_id: int) -> JournalEntry:
    """The launch's own entry; anybody else's (or another course's) is 404, as if it did not exist."""
    entry = db.session.get(JournalEntry, entry_id)
    if entry is None or entry.user_id != g.launch.user_id or entry.context_pk != context_pk():
        abort(404)
    return entry


def _own_entries() -> list[JournalEntry]:
    return list(db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.user_id == g.launch.user_id, JournalEntry.context_pk == context_pk())
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
    ))


def prompt_text(journal, entry: JournalEntry) -> str:
    if entry.prompt_kind == "cycle":
        for stage in journal.cycle:
            if stage.id == entry.prompt_id:
                return f"{stage.title}: {stage.prompt}"
    if entry.prompt_kind == "module":
        for prompt in journal.prompts_for(entry.module_id):
            if prompt.id == entry.prompt_id:
                return prompt.text
    return ""


def _update_outcome() -> None:
    """Completion counts entries, shared or not; deleting entries later never takes completion away."""
    journal = _journal()
    count = db.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.user_id == g.launch.user_id, JournalEntry.context_pk == context_pk()))
    row = get_state(JOURNAL_ID, "journal")
    best = max(int((row.state or {}).get("best", 0)), count or 0)
    update_state(row, best=best)
    outcome = journal_outcome(best, journal.completion_entries)
    row.completed = outcome.completed
    record_outcome(JOURNAL_ID, outcome)


@bp.get("/s/<lt>/journal/")
@launch_required()
def index(lt: str):
    return _render_index()


def _render_index(status: int = 200, draft: str = "", chosen: str = "", message: str = ""):
    journal = _journal()
    args = load_args(IndexArgs)
    module_id = args["module"]
    chosen = chosen or args["prompt"]
    if not chosen and module_id and journal.prompts_for(module_id):
        chosen = PromptRef("module", journal.prompts_for(module_id)[0].id, module_id).encode()
    modules = {m.id: catalog().module(m.id, lang()).title for m in catalog().modules()}
    entries = _own_entries()
    return render_template(
        "activities/journal.html",
        journal=journal,
        modules=modules,
        entries=entries,
        prompt_for=lambda e: prompt_text(journal, e),
        chosen=chosen or "free",
        draft=draft,
        message=message,
        done=args["done"],
    ), status


@bp.post("/s/<lt>/journal/")
@launch_required()
def create(lt: str):
    journal = _journal()
    form = load_form(EntryForm)
    text = form["text"]
    ref = parse_prompt(
        form["prompt"], [c.id for c in journal.cycle],
        {m: [p.id for p in ps] for m, ps in journal.module_prompts.items()},
    )
    if not text.strip():
        return _render_index(400, text, ref.encode(), _("Please write something before saving the entry."))
    shared = form["shared"]
    entry = JournalEntry(
        user_id=g.launch.user_id, context_pk=context_pk(), prompt_kind=ref.kind, prompt_id=ref.prompt_id,
        module_id=ref.module_id, text=text, shared=shared, shared_at=utcnow() if shared else None,
    )
    db.session.add(entry)
    db.session.flush()
    _update_outcome()
    db.session.commit()
    return redirect(url_for("journal.index", lt=lt, done="created", _anchor=f"entry-{entry.id}"), 303)


@bp.route("/s/<lt>/journal/<int:entry_id>/edit", methods=["GET", "POST"])
@launch_required()
def edit(lt: str, entry_id: int):
    entry = _own(entry_id)
    journal = _journal()
    if request.method == "POST":
        text = load_form(EditForm)["text"]
        if not text.strip():
            raise LaunchError("empty_entry", _("An entry cannot be empty. To remove it, delete it instead."), 400)
        entry.text = text
        entry.updated_at = utcnow()
        db.session.commit()
        return redirect(url_for("journal.index", lt=lt, done="updated", _anchor=f"entry-{entry.id}"), 303)
    return render_template("activities/journal_edit.html", entry=entry, prompt=prompt_text(journal, entry))


@bp.post("/s/<lt>/journal/<int:entry_id>/share")
@launch_required()
def share(lt: str, entry_id: int):
    entry = _own(entry_id)
    entry.shared = load_form(ShareForm)["shared"]
    entry.shared_at = utcnow() if entry.shared else None
    db.session.commit()
    done = "shared" if entry.shared else "unshared"
    return redirect(url_for("journal.index", lt=lt, done=done, _anchor=f"entry-{entry.id}"), 303)


@bp.post("/s/<lt>/journal/<int:entry_id>/delete")
@launch_required()
def delete_one(lt: str, entry_id: int):
    entry = _own(entry_id)
    db.session.delete(entry)
    db.session.flush()
    _update_outcome()
    db.session.commit()
    return redirect(url_for("journal.index", lt=lt, done="deleted"), 303)


@bp.post("/s/<lt>/journal/delete-all")
@launch_required()
def delete_all(lt: str):
    if not load_form(DeleteAllForm)["confirm"]:
        return _render_index(400, message=_("To delete every entry, tick the box that confirms it."))
    db.session.execute(delete(JournalEntry).where(
        JournalEntry.user_id == g.launch.user_id, JournalEntry.context_pk == context_pk()))
    _update_outcome()
    db.session.commit()
    return redirect(url_for("journal.index", lt=lt, done="deleted_all"), 303)


def _export_entries() -> list[ExportEntry]:
    journal = _journal()
    return [
        ExportEntry(e.id, e.created_at, e.updated_at, prompt_text(journal, e), e.text, e.shared)
        for e in reversed(_own_entries())
    ]


def _course_title() -> str:
    return g.launch.context.title if g.launch.context else ""


@bp.get("/s/<lt>/journal/export.json")
@launch_required()
def export_json(lt: str):
    body = to_json(_export_entries(), _course_title())
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="natalli-journal.json"', "Cache-Control": "no-store"})


@bp.get("/s/<lt>/journal/export.md")
@launch_required()
def export_markdown(lt: str):
    labels = {"course": _("Course"), "shared": _("shared with facilitators"), "private": _("private")}
    body = to_markdown(_export_entries(), _journal().title, _course_title(), labels)
    return Response(body, mimetype="text/markdown; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="natalli-journal.md"', "Cache-Control": "no-store"})


@bp.get("/s/<lt>/journal/shared")
@launch_required("instructor")
def shared(lt: str):
    """Entries the course's learners chose to share — the query itself excludes everything unshared."""
    journal = _journal()
    entries = list(db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.context_pk == context_pk(), JournalEntry.shared.is_(True))
        .order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc())
    ))
    _audit_views(entries)
    return render_template("activities/journal_shared.html", entries=entries, journal=journal,
                           prompt_for=lambda e: prompt_text(journal, e))


def _audit_views(entries: list[JournalEntry]) -> None:
    """Learners may ask who read what they shared: one audit event per author whose entries were shown."""
    try:
        from lti_tool.privacy import audit
    except ImportError:  # the privacy part is optional for this blueprint
        return
    by_author: dict[int, list[int]] = {}
    for e in entries:
        by_author.setdefault(e.user_id, []).append(e.id)
    for author, ids in by_author.items():
        audit(g.launch.user_id, "journal.shared.viewed", subject_id=author, context_pk=context_pk(),
              object_ref=("journal_entry:" + ",".join(map(str, ids)))[:200])
    db.session.commit()
