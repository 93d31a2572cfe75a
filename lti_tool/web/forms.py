"""Validation of everything people send the tool (forms, JSON bodies, the query arguments that matter), with
marshmallow.

Every view loads its input through `load_form(schema)` before it touches the database, so a refused request
writes nothing. A refusal is a `FormError` — a `LaunchError`, so pages and JSON callers get the usual error
page or `{"error", "message"}` — with a message a person can act on that names the field in the words the
page uses: 400 for a value the form cannot use, 413 for text beyond its limit (the message says nothing was
saved). Request bodies beyond MAX_CONTENT_LENGTH never reach a view: Flask answers 413 before that.

The fields here are form-shaped: they take the strings a browser sends (and plain JSON values), strip NULs and
normalise newlines in learner text, treat an empty number or date box as "not given", and carry their own
readable message. Schemas that depend on content (one field per step, goal or prompt) are built per request
with `Schema.from_dict`. Blueprint-specific schemas live beside their views; the ones for the module player
are at the end of this file.

Strings new in this module are translated in `lti_tool/translations/core_messages.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing

from lti_tool.lti.errors import LaunchError
from lti_tool.web.i18n import LANGUAGES

# Limits on what one field may hold: generous for reflection, bounded so a page stays usable.
LONG_TEXT = 20_000
SHORT_TEXT = 2_000
MAX_ID = 2**31 - 1  # database ids (and version counters) fit a 32-bit integer
_DIGITS = re.compile(r"[0-9]+")


# -- text and messages shared with the rest of the tool -------------------------------------------------------
def normalise_text(value: str | None) -> str:
    """Learner text as plain text: NULs removed, every newline a single "\\n"."""
    return (value or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def too_long_message(length: int, limit: int) -> str:
    return _(
        "Your text is %(length)d characters long; the limit here is %(limit)d. "
        "Please shorten it — nothing has been saved yet, and your text is still on the page.",
        length=length,
        limit=limit,
    )


class FormError(LaunchError):
    """A refused form: `field` names the form field (its data key) the message is about."""

    def __init__(self, code: str, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(code, message, status)
        self.field = field


class Problem(str):
    """A field's message in the reader's language, with the HTTP status and error code it maps to. It travels
    through marshmallow's error dictionary as the message itself."""

    status: int
    code: str

    def __new__(cls, text: str, status: int = 400, code: str = "invalid_form") -> Problem:
        obj = super().__new__(cls, text)
        obj.status = status
        obj.code = code
        return obj


# -- fields -------------------------------------------------------------------------------------------------
class FormField(fields.Field):
    """A field with a label (the words the page shows next to it) and, optionally, its own message.

    `message` replaces the generic wording for any problem with the value; `code` is the stable error code
    (kept from the hand-written checks these fields replace). `lenient` fields (query arguments) drop a
    value they cannot use instead of refusing the request.
    """

    def __init__(self, *, label: Any = None, message: Any = None, code: str = "invalid_form",
                 lenient: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.message = message
        self.code = code
        self.lenient = lenient

    def field_words(self) -> str:
        return str(self.label) if self.label is not None else _("this field")

    def explain(self) -> str:
        """The generic wording for a value of this kind the form cannot use."""
        return _("Please check “%(field)s”: this value cannot be used here. Nothing has been saved.",
                 field=self.field_words())

    def readable(self, problem: str = "invalid") -> str:
        if self.message is not None:
            return str(self.message)
        if problem == "required":
            return _("“%(field)s” is missing from the form. Please reload the page and try again — nothing has "
                     "been saved.", field=self.field_words())
        return self.explain()

    def fail(self) -> ValidationError:
        return ValidationError(Problem(self.readable(), 400, self.code))

    def deserialize(self, value: Any, attr: str | None = None, data: Mapping[str, Any] | None = None,
                    **kwargs: Any) -> Any:
        try:
            return super().deserialize(value, attr, data, **kwargs)
        except ValidationError:
            if self.lenient:
                return self.load_default() if callable(self.load_default) else self.load_default
            raise


class LearnerText(FormField):
    """Text a person wrote: NULs removed, newlines normalised, refused with 413 beyond `limit` characters
    (None: no limit, to show a refused form back exactly as it was sent). `strip` trims the ends after the
    length check, as the hand-written checks did."""

    def __init__(self, limit: int | None = LONG_TEXT, *, strip: bool = False,
                 too_long: Callable[[int, int], str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limit = limit
        self.strip = strip
        self.too_long = too_long or too_long_message

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.fail()
        text = normalise_text(value)
        if self.limit is not None and len(text) > self.limit:
            raise ValidationError(Problem(self.too_long(len(text), self.limit), 413, "text_too_long"))
        return text.strip() if self.strip else text


class Line(FormField):
    """A short single-line value that is never refused: NULs and line breaks removed, trimmed, cut to
    `limit` (search boxes, ids a view checks against content itself)."""

    def __init__(self, limit: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limit = limit

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.fail()
        return " ".join(value.replace("\x00", "").split())[: self.limit]


class WholeNumber(FormField):
    """A whole number in [low, high], written with ASCII digits. An empty box loads as `blank` (default:
    refused as missing) — a form's optional number."""

    def __init__(self, low: int = 0, high: int = MAX_ID, *, blank: Any = missing, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.low, self.high, self.blank = low, high, blank

    def explain(self) -> str:
        return _("Please give “%(field)s” as a whole number from %(low)d to %(high)d. Nothing has been saved.",
                 field=self.field_words(), low=self.low, high=self.high)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            raw = value.strip()
            if not raw and self.blank is not missing:
                return self.blank
            if not _DIGITS.fullmatch(raw):
                raise self.fail()
            number = int(raw)
        else:
            raise self.fail()
        if not self.low <= number <= self.high:
            raise self.fail()
        return number


class FormDate(FormField):
    """An ISO date (2026-03-31); an empty box is "no date" (None)."""

    def explain(self) -> str:
        return _("Please give “%(field)s” as a date (for example 2026-03-31). Nothing has been saved.",
                 field=self.field_words())

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise self.fail()
        raw = value.strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise self.fail() from None


def _options(choices: Collection[str] | Callable[[], Collection[str]]) -> Collection[str]:
    return choices() if callable(choices) else choices


class Choice(FormField):
    """One of the values the page offers (radio buttons, selects, the button pressed)."""

    def __init__(self, choices: Collection[str] | Callable[[], Collection[str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def explain(self) -> str:
        return _("Please choose one of the options offered for “%(field)s”. Nothing has been saved.",
                 field=self.field_words())

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        if not isinstance(value, str) or value not in _options(self.choices):
            raise self.fail()
        return value


class Choices(Choice):
    """Several of the values the page offers (checkboxes); repeated values count once, order is kept.
    `drop_unknown`: values the page does not offer are left out instead of refused (a questionnaire whose
    options changed since the page was loaded)."""

    def __init__(self, choices: Collection[str] | Callable[[], Collection[str]], *, drop_unknown: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(choices, **kwargs)
        self.drop_unknown = drop_unknown

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> list[str]:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or any(not isinstance(v, str) for v in values):
            raise self.fail()
        allowed = _options(self.choices)
        if self.drop_unknown:
            values = [v for v in values if v in allowed]
        elif any(v not in allowed for v in values):
            raise self.fail()
        return list(dict.fromkeys(values))


class Flag(Choice):
    """A checkbox or a hidden on/off field: one of `on` -> True; "0", "" or absent -> False."""

    def __init__(self, on: Iterable[str] = ("1",), off: Iterable[str] = ("0", ""), **kwargs: Any) -> None:
        kwargs.setdefault("load_default", False)
        self.on, self.off = frozenset(on), frozenset(off)
        super().__init__(self.on | self.off, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        return super()._deserialize(value, attr, data, **kwargs) in self.on


class LaunchPath(FormField):
    """A path back into one launch's own pages: starts with `prefix` (`/s/<lt>/`), no `//`, no backslash, no
    control characters — never another site or another launch (no open redirect)."""

    def __init__(self, prefix: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prefix = prefix

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        if (not isinstance(value, str) or not value.startswith(self.prefix) or "//" in value or "\\" in value
                or any(ord(ch) < 32 or ord(ch) == 127 for ch in value)):
            raise self.fail()
        return value


# -- loading ------------------------------------------------------------------------------------------------
def request_data() -> Mapping[str, Any]:
    """The request's form, or its JSON body when it sent one (which must then be a JSON object)."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise FormError("bad_body", _("What you sent is not a form this page understands. Please reload the "
                                          "page and try again."), 400)
        return body
    return request.form


def _keyed_fields(schema: Schema) -> dict[str, fields.Field]:
    return {(f.data_key or name): f for name, f in schema.load_fields.items()}


def _values(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """A form's MultiDict as plain values: lists for multi-value fields, the first value for the rest."""
    getlist = getattr(data, "getlist", None)
    if getlist is None:
        return dict(data)
    out: dict[str, Any] = {}
    for key, field in _keyed_fields(schema).items():
        if key in data:
            out[key] = getlist(key) if isinstance(field, Choices) else data.get(key)
    return out


def form_error(schema: Schema, exc: ValidationError, sent: Mapping[str, Any]) -> FormError:
    """marshmallow's error dictionary -> one FormError about the first field (in the form's order) that has
    a problem."""
    errors = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    for key, field in _keyed_fields(schema).items():
        if key not in errors:
            continue
        found = errors[key]
        found = found if isinstance(found, list) else [found]
        problem = next((m for m in found if isinstance(m, Problem)), None)
        if problem is None:  # marshmallow's own (English) wording: required or null
            readable = field.readable("required" if key not in sent else "invalid") if isinstance(
                field, FormField) else _("Please check the form and try again. Nothing has been saved.")
            problem = Problem(readable, 400, getattr(field, "code", "invalid_form"))
        return FormError(problem.code, str(problem), problem.status, key)
    return FormError("invalid_form", _("Please check the form and try again. Nothing has been saved."), 400)


def load_form(schema: Schema | type[Schema], data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Validate `data` (default: the request's form or JSON body) -> the loaded values, or raise FormError.
    Keys the schema does not know (the CSRF token, buttons) are ignored; absent optional fields are absent
    from the result unless they have a load_default."""
    schema = schema() if isinstance(schema, type) else schema
    data = request_data() if data is None else data
    values = _values(schema, data)
    try:
        return schema.load(values, unknown=EXCLUDE)
    except ValidationError as exc:
        raise form_error(schema, exc, values) from None


def load_args(schema: Schema | type[Schema]) -> dict[str, Any]:
    """Query arguments through a schema of lenient fields (a bad link falls back to the defaults)."""
    return load_form(schema, request.args)


def form_schema(spec: Mapping[str, fields.Field], name: str) -> Schema:
    """A schema for a form whose fields depend on content (field names like `goal-30`, `step-12-text`)."""
    return Schema.from_dict(dict(spec), name=name)()


# -- schemas for the module player (lti_tool/activities/modules.py) and other one-text forms ------------------
class TextForm(Schema):
    """One learner text: the module reflection autosave, a breakout reflection."""

    text = LearnerText(load_default="", label=lazy_gettext("Your answer"))


def module_reflection_form(module: Any) -> Schema:
    """The module's "reflect" page without script: one `prompt-<id>` text per prompt, and the button."""
    spec: dict[str, fields.Field] = {
        f"prompt-{p.id}": LearnerText(label=p.text) for p in module.reflection_prompts
    }
    spec["action"] = Choice(("save", "done"), load_default="save", label=lazy_gettext("Button"))
    return form_schema(spec, "ModuleReflectionForm")


def language_form(lt: str) -> Schema:
    """The language switch (`pages.set_language`): one of the UI languages, and the page to go back to. A
    `next` outside this launch's pages is dropped (the view falls back to the overview), not refused: the
    choice of language still counts."""
    return form_schema({
        "lang": Choice(LANGUAGES, required=True, code="bad_language", label=lazy_gettext("Language")),
        "next": LaunchPath(f"/s/{lt}/", lenient=True, load_default=None),
    }, "LanguageForm")
