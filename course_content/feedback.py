"""Feedback questionnaires for pilot evaluation: schemas, localised model and builder for the `feedback` kind.

One folder per questionnaire under ``activities/feedback/`` (FORMAT.md, "Feedback questionnaires"). A
questionnaire is short — 3 to 5 Likert items with a labelled point each, and at most two optional free-text
questions — and belongs to a moment: after a module, at the end of the programme, or after a
Train-the-Trainer session (for trainers). Questionnaires are never graded and never required; they are not
deep-linkable activities of their own, so they do not appear in pickers or cartridges.

Kept apart from :mod:`course_content.schemas` so the feedback kind can grow without touching the others;
schemas.py and loader.py only register it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import schemas as s
from .model import Option, Prompt, _Localised

KIND = "feedback"
MOMENTS = ("module", "programme", "ttt")
AUDIENCES = ("participant", "trainer")


class FeedbackMeta(s.Strict):
    id = s.Slug(required=True)
    kind = s.Kind(KIND)
    version = s.Version()
    moment = fields.String(required=True, validate=validate.OneOf(MOMENTS))
    module = fields.String(validate=validate.OneOf(s.MODULE_IDS))
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    scale = fields.List(
        fields.Integer(strict=True), required=True, validate=[validate.Length(min=4, max=5), s._unique]
    )
    items = s.SlugList(3, 5)
    free_text = s.SlugList(0, 2, required=False)

    @validates_schema
    def _shape(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("moment") == "module") != ("module" in data):
            raise ValidationError("A 'module' questionnaire names its module; other moments do not.", "module")
        if data.get("moment") == "ttt" and data.get("audience") != "trainer":
            raise ValidationError("A Train-the-Trainer questionnaire is for trainers.", "audience")
        both = set(data.get("items", [])) & set(data.get("free_text", []))
        if both:
            raise ValidationError(f"Used as item and free text: {', '.join(sorted(both))}.", "free_text")


def feedback_lang_schema(meta: Mapping[str, Any]) -> Schema:
    spec: dict[str, fields.Field] = {
        "title": s.Text(),
        "intro": s.Text(),
        "scale": s.IdMap([str(v) for v in meta["scale"]], s.Text()),
        "items": s.IdMap(meta["items"], s.Text()),
    }
    if meta.get("free_text"):
        spec["free_text"] = s.IdMap(meta["free_text"], s._nested(label=s.Text(), hint=s.Text()))
    return s._lang(spec)


@dataclass(frozen=True)
class FreeText:
    id: str
    label: str
    hint: str


@dataclass(frozen=True)
class Questionnaire(_Localised):
    """A localised questionnaire; `scale` options have ids "1".."5" (the stored answer)."""

    moment: str
    module: str | None
    audience: str
    intro: str
    scale: tuple[Option, ...]
    items: tuple[Prompt, ...]
    free_text: tuple[FreeText, ...]


def build(base: dict[str, Any], meta: Mapping[str, Any], text: Mapping[str, Any]) -> Questionnaire:
    return Questionnaire(
        **base,
        moment=meta["moment"],
        module=meta.get("module"),
        audience=meta["audience"],
        intro=text["intro"],
        scale=tuple(Option(str(v), text["scale"][str(v)]) for v in meta["scale"]),
        items=tuple(Prompt(i, text["items"][i]) for i in meta["items"]),
        free_text=tuple(FreeText(f, **text["free_text"][f]) for f in meta.get("free_text") or ()),
    )


# Registered with the other kinds' schemas here, so course_content.schemas stays as it is.
s.META_SCHEMAS[KIND] = FeedbackMeta
s.LANG_SCHEMAS[KIND] = feedback_lang_schema
