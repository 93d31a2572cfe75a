"""Module player: one section at a time, reflection prompts autosaved as the learner types, resume where
they left off, "mark as done" -> completion and a grade through the score outbox."""

from __future__ import annotations

from flask import abort, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _

from lti_tool.activities.common import (
    catalog,
    context_pk,
    make_blueprint,
    record_outcome,
    template_globals,
    wants_json,
)
from lti_tool.activities.state import (
    content_or_404,
    first_visit,
    get_state,
    read_progress,
    reflections,
    save_reflection,
    update_state,
)
from lti_tool.domain.grading import module_outcome
from lti_tool.extensions import db
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.web.forms import TextForm, load_form, module_reflection_form

bp = make_blueprint("modules", __name__)
bp.app_context_processor(template_globals)

REFLECT = "reflect"


def _outcome(module, row):
    return _outcome_of(module, row.state or {})


def _outcome_of(module, state: dict):
    return module_outcome(
        [s.id for s in module.sections], state.get("visited", []), bool(state.get("done")), started=True
    )


def _commit_progress(module, row) -> None:
    outcome = _outcome(module, row)
    row.completed = outcome.completed
    record_outcome(module.id, outcome)
    db.session.commit()


def _steps(module) -> list[str]:
    return [s.id for s in module.sections] + [REFLECT]


def resume_url(lt: str, module_id: str, user_id: int, context_pk: int) -> str:
    """Where this person left off in the module: the reflection step, a section, or the first section."""
    row = read_progress(user_id, context_pk, module_id, hand_on=True)
    current = ((row.state if row is not None else None) or {}).get("current")
    if current == REFLECT:
        return url_for("modules.reflect", lt=lt, module_id=module_id)
    sections = catalog().get(module_id, "en").sections
    if current not in {s.id for s in sections}:
        current = sections[0].id
    return url_for("modules.section", lt=lt, module_id=module_id, section_id=current)


@bp.get("/s/<lt>/module/<module_id>/")
@launch_required()
def resume(lt: str, module_id: str):
    """Back to where the learner left off (first section on a first visit)."""
    module = content_or_404(module_id, "module")
    return redirect(resume_url(lt, module.id, g.launch.user_id, context_pk()), 303)


@bp.get("/s/<lt>/module/<module_id>/section/<section_id>")
@launch_required()
def section(lt: str, module_id: str, section_id: str):
    module = content_or_404(module_id, "module")
    ids = [s.id for s in module.sections]
    if section_id not in ids:
        abort(404)
    index = ids.index(section_id)
    row = get_state(module.id, "module", create=False)
    before = (row.state or {}) if row is not None else {}
    visited = list(dict.fromkeys([*before.get("visited", []), section_id]))
    if row is None:
        state = {"visited": visited, "current": section_id}
        outcome = _outcome_of(module, state)
        theirs = first_visit(module.id, "module", state, completed=outcome.completed)
        if theirs is None:  # created here: its outcome is known without a row object
            record_outcome(module.id, outcome)
            db.session.commit()
        else:  # a second tab created it first: add this visit to theirs
            row = theirs
            visited = list(dict.fromkeys([*(row.state or {}).get("visited", []), section_id]))
            update_state(row, visited=visited, current=section_id)
            _commit_progress(module, row)
    elif before.get("visited") != visited or before.get("current") != section_id:
        update_state(row, visited=visited, current=section_id)
        _commit_progress(module, row)
    # Re-reading a section already recorded as current writes nothing.
    steps = _steps(module)
    return render_template(
        "activities/module_section.html",
        module=module,
        section=module.sections[index],
        index=index,
        total=len(steps),
        prev_id=ids[index - 1] if index > 0 else None,
        next_id=ids[index + 1] if index + 1 < len(ids) else None,
        visited=set(visited),
        state=row.state if row is not None else state,
    )


@bp.get("/s/<lt>/module/<module_id>/reflect")
@launch_required()
def reflect(lt: str, module_id: str):
    module = content_or_404(module_id, "module")
    row = get_state(module.id, "module")
    update_state(row, current=REFLECT)
    _commit_progress(module, row)
    return _render_reflect(module, row)


def _render_reflect(module, row, status: int = 200, message: str | None = None, texts: dict | None = None):
    saved = reflections(module.id)
    values = {p.id: (saved[p.id].text if p.id in saved else "") for p in module.reflection_prompts}
    values.update(texts or {})
    visited = set((row.state or {}).get("visited", []))
    missing = [s for s in module.sections if s.id not in visited]
    outcome = _outcome(module, row)
    return (
        render_template(
            "activities/module_reflect.html",
            module=module,
            values=values,
            index=len(module.sections),
            total=len(_steps(module)),
            missing=missing,
            done=bool((row.state or {}).get("done")),
            outcome=outcome,
            message=message,
            saved_flag=request.args.get("saved") == "1",
        ),
        status,
    )


@bp.post("/s/<lt>/module/<module_id>/reflect/<prompt_id>")
@launch_required()
def autosave(lt: str, module_id: str, prompt_id: str):
    """One prompt's text, sent by the page's script while the learner types (debounced)."""
    module = content_or_404(module_id, "module")
    if prompt_id not in {p.id for p in module.reflection_prompts}:
        abort(404)
    text = load_form(TextForm)["text"]
    save_reflection(module.id, prompt_id, text)
    db.session.commit()
    now = utcnow()
    if wants_json():
        return jsonify({"saved": True, "saved_at": now.isoformat() + "Z", "label": _("Saved at %(time)s",
                        time=format_time(now, "short"))})
    return redirect(url_for("modules.reflect", lt=lt, module_id=module.id, saved=1), 303)


@bp.post("/s/<lt>/module/<module_id>/reflect")
@launch_required()
def submit(lt: str, module_id: str):
    """The no-script path (and the "mark as done" button): saves every prompt, then maybe completes."""
    module = content_or_404(module_id, "module")
    form = load_form(module_reflection_form(module))  # before anything is written
    row = get_state(module.id, "module")
    texts = {p.id: form[f"prompt-{p.id}"] for p in module.reflection_prompts if f"prompt-{p.id}" in form}
    for prompt_id, text in texts.items():
        save_reflection(module.id, prompt_id, text)
    if form["action"] == "done":
        db.session.flush()
        if not any(r.text.strip() for r in reflections(module.id).values()):
            db.session.commit()
            return _render_reflect(
                module, row, 400,
                _("Please write a few words for at least one reflection question before marking the module as "
                  "done. There is no right answer."),
                texts,
            )
        update_state(row, done=True, done_at=utcnow().isoformat())
        _commit_progress(module, row)
        return redirect(url_for("modules.finished", lt=lt, module_id=module.id), 303)
    _commit_progress(module, row)
    return redirect(url_for("modules.reflect", lt=lt, module_id=module.id, saved=1), 303)


@bp.get("/s/<lt>/module/<module_id>/done")
@launch_required()
def finished(lt: str, module_id: str):
    module = content_or_404(module_id, "module")
    row = get_state(module.id, "module", create=False)
    if row is None or not (row.state or {}).get("done"):
        return redirect(url_for("modules.resume", lt=lt, module_id=module.id), 303)
    outcome = _outcome(module, row)
    from lti_tool.activities.common import catalog, lang

    scenarios = [catalog().scenario(sid, lang()) for sid in module.scenario_ids]
    return render_template("activities/module_done.html", module=module, outcome=outcome, scenarios=scenarios,
                           missing=[s for s in module.sections if s.id not in set(row.state.get("visited", []))])
