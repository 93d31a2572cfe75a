"""Read-only view models over `course_content` for the templates.

The blocks never reach into the loader's dataclasses directly: this module turns them into plain dicts with
Markdown already rendered, cached per (id, language). Content is immutable for the life of a process, so the
cache is safe and keeps student_view well under its render budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from course_content import load

from . import markdown


class UnknownContent(LookupError):
    """The configured id does not exist in course_content (a Studio misconfiguration, shown to authors)."""


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _pairs(value: Any) -> list[tuple[str, Any]]:
    """(id, item) pairs from a mapping, or from a sequence of objects that carry an `id`."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items()]
    return [(str(_get(item, "id")), item) for item in value]


def _text(value: Any, *names: str) -> str:
    """A string field, whether the loader gives a plain string or an object with a text attribute."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for name in names or ("text", "title", "label"):
        found = _get(value, name)
        if isinstance(found, str):
            return found
    return str(value)


def _strings(value: Iterable[Any] | None) -> list[str]:
    return [_text(v) for v in (value or [])]


def _catalog() -> Any:
    return load()


def _lookup(getter: str, activity_id: str, lang: str) -> Any:
    """`catalog.module(id, lang)` etc.; the loader raises KeyError for an unknown id (or one of another kind)."""
    try:
        return getattr(_catalog(), getter)(activity_id, lang=lang)
    except KeyError as exc:
        raise UnknownContent(activity_id) from exc


# --- ids (for Studio validation and pickers) -----------------------------------------------------------------

def _choices(kind: str, lang: str) -> list[dict[str, str]]:
    return [{"value": ref.id, "display_name": f"{ref.title} ({ref.id})"}
            for ref in _catalog().activities(lang) if ref.kind == kind]


def module_choices(lang: str = "en") -> list[dict[str, str]]:
    return _choices("module", lang)


def scenario_choices(lang: str = "en") -> list[dict[str, str]]:
    return _choices("scenario", lang)


def module_ids() -> set[str]:
    return {c["value"] for c in module_choices()}


def scenario_ids() -> set[str]:
    return {c["value"] for c in scenario_choices()}


def fallback_lang(obj: Any, path: str) -> str:
    """'en' when the loader filled `path` (or a parent of it) from English, so the page can say so in `lang`."""
    for fallback in _get(obj, "fallback_fields", ()) or ():
        if fallback == path or fallback.startswith(path + ".") or path.startswith(fallback + "."):
            return "en"
    return ""


# --- view models -------------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def module(module_id: str, lang: str) -> dict[str, Any]:
    m = _lookup("module", module_id, lang)
    sections = [
        {"id": sid, "title": _text(_get(s, "title")), "body_html": markdown.render(_text(_get(s, "body"), "body")),
         "lang": fallback_lang(m, f"sections.{sid}")}
        for sid, s in _pairs(_get(m, "sections"))
    ]
    prompts = [{"id": pid, "text": _text(p, "text", "prompt", "question")}
               for pid, p in _pairs(_get(m, "reflection_prompts"))]
    return {
        "id": module_id,
        "title": _text(_get(m, "title")),
        "summary": _text(_get(m, "summary")),
        "aims": _strings(_get(m, "aims")),
        "sections": sections,
        "section_ids": [s["id"] for s in sections],
        "prompts": prompts,
        "for_mentees_html": markdown.render(_text(_get(m, "for_mentees"))),
        "for_mentors_html": markdown.render(_text(_get(m, "for_mentors"))),
        "estimated_minutes": _get(m, "estimated_minutes"),
        # Things mentor and mentee do together between sessions, each with a printable worksheet.
        "exercises": [
            {"id": _get(e, "id"), "title": _text(_get(e, "title")), "purpose": _text(_get(e, "purpose")),
             "together_html": markdown.render(_text(_get(e, "together"))),
             "worksheet_html": markdown.render(_text(_get(e, "worksheet"))),
             "minutes": _get(e, "minutes"), "lang": fallback_lang(m, f"exercises.{_get(e, 'id')}")}
            for e in (_get(m, "exercises") or ())
        ],
    }


@lru_cache(maxsize=256)
def scenario(scenario_id: str, lang: str) -> dict[str, Any]:
    s = _lookup("scenario", scenario_id, lang)
    roles = [{"id": rid, "name": _text(_get(r, "name")), "description": _text(_get(r, "description"))}
             for rid, r in _pairs(_get(s, "roles"))]
    questions = [{"id": qid, "text": _text(q, "text", "question"), "category": _text(_get(q, "category"))
                  if not isinstance(q, str) else ""}
                 for qid, q in _pairs(_get(s, "guiding_questions"))]
    return {
        "id": scenario_id,
        "module": str(_get(s, "module") or ""),
        "title": _text(_get(s, "title")),
        "summary": _text(_get(s, "summary")),
        "situation_html": markdown.render(_text(_get(s, "situation"))),
        "context_html": markdown.render(_text(_get(s, "context"))),
        "roles": roles,
        "questions": questions,
        "facilitator_notes_html": markdown.render(_text(_get(s, "facilitator_notes"))),
        "no_right_answer": _text(_get(s, "no_right_answer")),
    }


@lru_cache(maxsize=8)
def journal(lang: str) -> dict[str, Any]:
    j = _catalog().journal(lang=lang)
    cycle = [{"id": cid, "title": _text(_get(c, "title")), "prompt": _text(_get(c, "prompt"))}
             for cid, c in _pairs(_get(j, "cycle"))]
    prompts: dict[str, list[dict[str, str]]] = {}
    for mid, group in _pairs(_get(j, "module_prompts")):
        prompts[mid] = [{"id": pid, "text": _text(p, "text", "prompt")} for pid, p in _pairs(group)]
    return {
        "title": _text(_get(j, "title")),
        "intro_html": markdown.render(_text(_get(j, "intro"))),
        "cycle": cycle,
        "module_prompts": prompts,
        "free_entry_label": _text(_get(j, "free_entry_label")),
        "completion_entries": int(_get(j, "completion_entries") or 3),
    }


@lru_cache(maxsize=8)
def action_plan(lang: str) -> dict[str, Any]:
    a = _catalog().action_plan(lang=lang)
    horizons = [{"id": str(_get(h, "days")), "days": int(_get(h, "days")), "title": _text(_get(h, "title")),
                 "hint": _text(_get(h, "hint"))}
                for h in _get(a, "horizons") or ()]
    fields = [{"id": fid, "label": _text(_get(f, "label")), "hint": _text(_get(f, "hint"))}
              for fid, f in _pairs(_get(a, "fields"))]
    return {
        "title": _text(_get(a, "title")),
        "intro_html": markdown.render(_text(_get(a, "intro"))),
        "horizons": horizons,
        "fields": fields,
        "example_html": markdown.render(_text(_get(a, "example"))),
    }


@lru_cache(maxsize=8)
def support(lang: str) -> dict[str, str]:
    try:
        s = _catalog().support(lang=lang)
    except Exception:  # noqa: BLE001 - the support note is helpful, never worth breaking a page for
        return {"title": "", "body_html": ""}
    return {"title": _text(_get(s, "title")), "body_html": markdown.render(_text(_get(s, "body")))}
