"""marshmallow 4 schemas for every content kind in FORMAT.md.

Two families per kind: a *meta* schema (language-independent structure, ids, numbers) and a *language*
schema built from an already validated meta, because the keys a language file must carry (section ids,
prompt ids, role ids, ...) are declared in meta.yaml. Schemas only check one file; cross-file rules live
in :mod:`course_content.loader`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: The four module ids fixed by FORMAT.md (learner progress is stored against them).
MODULE_IDS: tuple[str, ...] = (
    "safe-start",
    "professional-identity",
    "communication-culture",
    "networks-and-systems",
)
TTT_UNIT_IDS: tuple[str, ...] = (
    "preparing-a-programme",
    "running-the-workshop",
    "facilitation-style",
    "language-and-safety",
    "referral-and-boundaries",
    "follow-up-and-feedback-loop",
)
SELF_ASSESSMENT_IDS: dict[str, str] = {"mentee-capacity": "mentee", "mentor-capacity": "mentor"}
JOURNAL_ID = "reflection-journal"
ACTION_PLAN_ID = "action-plan-30-60-90"
WORKSHOP_AGENDA_ID = "workshop-agenda"
SUPPORT_ID = "support-and-referral"
PAIR_SPACE_ID = "pair-space"
GLOSSARY_ID = "glossary"
#: Partner countries that need a country page (ISO 3166-1 alpha-2) -> activity id.
COUNTRY_PAGES: dict[str, str] = {
    "DE": "country-de",
    "NL": "country-nl",
    "IE": "country-ie",
    "UA": "country-ua",
}
GUIDING_CATEGORIES = ("realism", "relational", "underlying")
QUESTION_TYPES = ("levels", "multi", "single", "text")
WORKSHOP_FORMATS = ("online", "in_person")
WORKSHOP_STEP_COUNT = 7
BREAK_NEEDED_AFTER = 90  # minutes: a session longer than this needs at least one break
MIN_MEETING_EXERCISES = 2

MISSING_DECLARED = "Missing: declared in meta.yaml."
UNKNOWN_ID = "Unknown id: not declared in meta.yaml."


# --------------------------------------------------------------------------- fields and validators
def _is_slug(value: str) -> None:
    if not SLUG_RE.match(value):
        raise ValidationError(f"{value!r} is not a slug (lowercase a-z, 0-9 and single hyphens).")


def _no_html(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be empty.")
    bad = _CONTROL_RE.search(value)
    if bad:
        # XML 1.0 cannot carry these, so the OLX and cartridge builders could not write the text.
        raise ValidationError(
            f"Contains the invisible control character U+{ord(bad.group()):04X}; remove it."
        )
    if _HTML_TAG_RE.search(value):
        raise ValidationError("HTML is not allowed here; use plain Markdown.")


def _unique(value: list[Any]) -> None:
    seen: set[Any] = set()
    dupes = [v for v in value if v in seen or seen.add(v)]  # type: ignore[func-returns-value]
    if dupes:
        raise ValidationError(f"Duplicate ids: {', '.join(map(str, dupes))}.")


def Slug(**kwargs: Any) -> fields.String:  # noqa: N802 - reads like a field class
    return fields.String(validate=_is_slug, **kwargs)


def Text(**kwargs: Any) -> fields.String:  # noqa: N802
    """Localised text (plain string or Markdown): required, non-blank, no HTML."""
    kwargs.setdefault("required", True)
    return fields.String(validate=_no_html, **kwargs)


def SlugList(min_: int = 1, max_: int | None = None, **kwargs: Any) -> fields.List:  # noqa: N802
    kwargs.setdefault("required", True)
    return fields.List(Slug(), validate=[validate.Length(min=min_, max=max_), _unique], **kwargs)


def TextList(min_: int = 1, max_: int | None = None) -> fields.List:  # noqa: N802
    return fields.List(Text(), required=True, validate=validate.Length(min=min_, max=max_))


def Version() -> fields.Integer:  # noqa: N802
    return fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


def Kind(kind: str) -> fields.String:  # noqa: N802
    return fields.String(required=True, validate=validate.Equal(kind, error=f"Must be {kind!r}."))


def FixedId(value: str) -> fields.String:  # noqa: N802
    return fields.String(required=True, validate=validate.Equal(value, error=f"Must be {value!r}."))


class IdMap(fields.Field):
    """A mapping whose keys must be exactly the ids declared in meta.yaml.

    Missing and unknown keys are both reported, each under its own key, so error paths read like
    ``sections.arriving-takes-time``. ``value`` is a field, or a callable giving the field for a key
    (used for journal prompts, which differ per module). Keys are compared as strings, so a YAML
    author writing ``30:`` instead of ``"30":`` is not punished.
    """

    def __init__(
        self, keys: Iterable[str], value: fields.Field | Callable[[str], fields.Field], **kwargs: Any
    ):
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)
        self.keys = [str(k) for k in keys]
        self.value = value

    def _field_for(self, key: str) -> fields.Field:
        return (
            self.value(key)
            if callable(self.value) and not isinstance(self.value, fields.Field)
            else self.value
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise ValidationError("Must be a mapping of id: value.")
        given = {str(k): v for k, v in value.items()}
        errors: dict[str, Any] = {}
        result: dict[str, Any] = {}
        for key in self.keys:
            if key not in given:
                errors[key] = [MISSING_DECLARED]
                continue
            try:
                result[key] = self._field_for(key).deserialize(given[key])
            except ValidationError as exc:
                errors[key] = exc.messages
        for key in given:
            if key not in self.keys:
                errors[key] = [UNKNOWN_ID]
        if errors:
            raise ValidationError(errors)
        return result


class Strict(Schema):
    """Unknown keys are errors everywhere: a typo must never be silently ignored."""

    class Meta:
        unknown = RAISE


def _nested(**spec: fields.Field) -> fields.Nested:
    return fields.Nested(Strict.from_dict(dict(spec))(), required=True)


class IntRange(Strict):
    min = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    max = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["min"] > data["max"]:
            raise ValidationError("min must not exceed max.", "max")


class MinutesRange(Strict):
    min_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    max_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["min_minutes"] > data["max_minutes"]:
            raise ValidationError("min_minutes must not exceed max_minutes.", "max_minutes")


# --------------------------------------------------------------------------- meta schemas
class MeetingExerciseMeta(Strict):
    id = Slug(required=True)
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=5, max=120))


class ModuleMeta(Strict):
    id = Slug(required=True)
    kind = Kind("module")
    order = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    version = Version()
    estimated_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=600))
    sections = SlugList(3, 6)
    reflection_prompts = SlugList(2)
    # Things mentor and mentee do together between sessions. Optional in the schema so the tool serves a
    # module still being written; `validate` requires at least MIN_MEETING_EXERCISES.
    exercises = fields.List(fields.Nested(MeetingExerciseMeta), load_default=list)

    @validates_schema
    def _unique_exercises(self, data: dict[str, Any], **kwargs: Any) -> None:
        _unique_or_raise([e["id"] for e in data.get("exercises", [])], "exercises")


class GuidingQuestionMeta(Strict):
    id = Slug(required=True)
    category = fields.String(required=True, validate=validate.OneOf(GUIDING_CATEGORIES))


class PlotMeta(Strict):
    """Who is in the scene, where it happens and what the tension is: the validator compares these."""

    who = Slug(required=True)
    setting = Slug(required=True)
    tension = Slug(required=True)


class ScenarioMinutesMeta(Strict):
    """Minutes a facilitator plans: reading the scenario, the breakout discussion, the plenary round."""

    reading = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=20))
    breakout = fields.Integer(required=True, strict=True, validate=validate.Range(min=5, max=60))
    plenary = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=30))


class ScenarioMeta(Strict):
    id = Slug(required=True)
    kind = Kind("scenario")
    module = Slug(required=True)
    version = Version()
    roles = SlugList(2, 4)
    guiding_questions = fields.List(
        fields.Nested(GuidingQuestionMeta), required=True, validate=validate.Length(min=3, max=5)
    )
    themes = SlugList(1)
    # Optional in the schema (the tool serves a scenario without them); `validate` requires both.
    plot = fields.Nested(PlotMeta)
    minutes = fields.Nested(ScenarioMinutesMeta)

    @validates_schema
    def _unique_questions(self, data: dict[str, Any], **kwargs: Any) -> None:
        try:
            _unique([q["id"] for q in data.get("guiding_questions", [])])
        except ValidationError as exc:
            raise ValidationError(exc.messages, "guiding_questions") from None


class JournalMeta(Strict):
    id = FixedId(JOURNAL_ID)
    kind = Kind("journal")
    version = Version()
    completion_entries = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=50))
    cycle = SlugList(1)
    module_prompts = fields.Dict(keys=Slug(), values=SlugList(2, 3), required=True)


# Built from a dict because a declared attribute called ``fields`` would clash with ``Schema.fields``.
ActionPlanMeta: type[Schema] = Strict.from_dict(
    {
        "id": FixedId(ACTION_PLAN_ID),
        "kind": Kind("action_plan"),
        "version": Version(),
        "horizons": fields.List(
            fields.Integer(strict=True, validate=validate.Range(min=1, max=365)),
            required=True,
            validate=[validate.Length(min=1), _unique],
        ),
        "fields": SlugList(1),
    },
    name="ActionPlanMeta",
)


class TttUnitMeta(Strict):
    id = Slug(required=True)
    kind = Kind("ttt_unit")
    order = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    version = Version()
    steps = SlugList(2, 6)
    # Steps run as practice rounds in the tool: step id -> the module whose segment is practised.
    rounds = fields.Dict(keys=Slug(), values=Slug(), required=False, load_default=dict)
    feedback_questions = SlugList(2, 5, required=False, load_default=list)
    # Each step is a template a trainer downloads (.docx) and adapts.
    downloadable = fields.Boolean(required=False, load_default=False)

    @validates_schema
    def _rounds(self, data: dict[str, Any], **kwargs: Any) -> None:
        unknown = [sid for sid in data.get("rounds", {}) if sid not in data.get("steps", [])]
        if unknown:
            raise ValidationError(f"not steps of this unit: {', '.join(unknown)}", "rounds")
        if data.get("rounds") and not data.get("feedback_questions"):
            raise ValidationError("practice rounds need the peers' feedback questions", "feedback_questions")


class WorkshopStepMeta(Strict):
    id = Slug(required=True)
    online = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    in_person = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class WorkshopBreakMeta(Strict):
    id = Slug(required=True)
    after = Slug(required=True)  # the step id the break follows
    online = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    in_person = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class WorkshopFormats(Strict):
    online = fields.Nested(MinutesRange, required=True)
    in_person = fields.Nested(MinutesRange, required=True)


class WorkshopAgendaMeta(Strict):
    id = FixedId(WORKSHOP_AGENDA_ID)
    kind = Kind("workshop_agenda")
    version = Version()
    formats = fields.Nested(WorkshopFormats, required=True)
    participants = fields.Nested(IntRange, required=True)
    breakout_size = fields.Nested(IntRange, required=True)
    steps = fields.List(
        fields.Nested(WorkshopStepMeta),
        required=True,
        validate=validate.Length(
            equal=WORKSHOP_STEP_COUNT, error=f"Must have exactly {WORKSHOP_STEP_COUNT} steps."
        ),
    )
    # Breaks between steps; `validate` requires one in every format longer than BREAK_NEEDED_AFTER minutes.
    breaks = fields.List(fields.Nested(WorkshopBreakMeta), load_default=list)

    @validates_schema
    def _minutes_fit_formats(self, data: dict[str, Any], **kwargs: Any) -> None:
        steps, formats = data.get("steps"), data.get("formats")
        if not steps or not formats:
            return
        _unique_or_raise([s["id"] for s in steps], "steps")
        breaks = data.get("breaks", [])
        _unique_or_raise([s["id"] for s in steps] + [b["id"] for b in breaks], "breaks")
        for b in breaks:
            if b["after"] not in {s["id"] for s in steps}:
                raise ValidationError(f"Break {b['id']!r} follows unknown step {b['after']!r}.", "breaks")
        for fmt in WORKSHOP_FORMATS:
            total = sum(s[fmt] for s in steps) + sum(b[fmt] for b in breaks)
            bounds = formats[fmt]
            if not bounds["min_minutes"] <= total <= bounds["max_minutes"]:
                raise ValidationError(
                    f"Default {fmt} minutes (steps and breaks) sum to {total}, outside formats.{fmt} "
                    f"[{bounds['min_minutes']}, {bounds['max_minutes']}].",
                    "steps",
                )


class QuestionMeta(Strict):
    id = Slug(required=True)
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    over = fields.String(validate=validate.Equal("domains", error="Only 'domains' is supported."))
    options = SlugList(1, required=False)

    @validates_schema
    def _shape(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind, over, options = data.get("type"), data.get("over"), data.get("options")
        if kind == "levels" and (over is None or options is not None):
            raise ValidationError("A 'levels' question needs 'over: domains' and no options.", "type")
        if kind in ("multi", "single") and (over is None) == (options is None):
            raise ValidationError(f"A {kind!r} question needs exactly one of 'over' or 'options'.", "type")
        if kind == "text" and (over is not None or options is not None):
            raise ValidationError("A 'text' question takes neither 'over' nor 'options'.", "type")


class SelfAssessmentMeta(Strict):
    id = Slug(required=True)
    kind = Kind("self_assessment")
    role = fields.String(required=True, validate=validate.OneOf(("mentee", "mentor")))
    version = Version()
    scale = fields.List(
        fields.Integer(strict=True), required=True, validate=[validate.Length(min=2, max=7), _unique]
    )
    domains = SlugList(1)
    questions = fields.List(fields.Nested(QuestionMeta), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _unique_questions(self, data: dict[str, Any], **kwargs: Any) -> None:
        _unique_or_raise([q["id"] for q in data.get("questions", [])], "questions")


class SupportMeta(Strict):
    id = FixedId(SUPPORT_ID)
    kind = Kind("support")
    version = Version()


class PairSpaceMeta(Strict):
    """The mentoring pair's own space: agreement prompts and the closing conversation guide (ids)."""

    id = FixedId(PAIR_SPACE_ID)
    kind = Kind("pair_space")
    version = Version()
    agreement_prompts = SlugList(3)
    ending_guide = SlugList(2)
#: Chapters and sections of the seed (NatAlli Sustainability Blueprint, Dutch). Fixed here, not in the map,
#: so that a chapter cannot be dropped from the traceability table without the validator noticing.
SEED_CHAPTERS: tuple[str, ...] = (
    "1",
    "2.1", "2.2", "2.3", "2.4", "2.5",
    "3.1", "3.2", "3.3",
    "4.1", "4.2", "4.3", "4.4", "4.5",
    "5.1", "5.2", "5.3", "5.4", "5.5", "5.6",
    "6.1", "6.2", "6.3",
    "7.1", "7.2",
    "8", "9", "10",
)  # fmt: skip
SEED_MAP_FILE = "seed-map.yaml"


class SeedChapter(Strict):
    id = fields.String(required=True)
    title = fields.String(required=True, validate=_no_html)
    activities = SlugList(1)


class SeedMap(Strict):
    source = fields.String(required=True, validate=_no_html)
    chapters = fields.List(fields.Nested(SeedChapter), required=True, validate=validate.Length(min=1))


class CheckedDate(fields.Field):
    """A calendar date, as YAML gives it (``2026-12-02`` parses to a date) or as an ISO string."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError("Must be a date like 2026-12-02.") from None


class CountryMeta(Strict):
    """Recognition bodies, helplines and referral routes change: every page says when it was checked."""

    id = Slug(required=True)
    kind = Kind("country")
    country = fields.String(required=True, validate=validate.OneOf(tuple(COUNTRY_PAGES)))
    version = Version()
    checked = CheckedDate(required=True)
    # False until someone has checked every entry against the organisation's own website or phone line.
    verified = fields.Boolean(required=True, truthy={True}, falsy={False})


class GlossaryTermMeta(Strict):
    """One glossary term; ``avoid`` lists, per language, the variants the content must not use.

    An entry ending in ``*`` is a word start (``перенаправ*`` catches every inflection); any other entry
    is a whole word or phrase. Matching ignores case. The check itself runs in the loader.
    """

    id = Slug(required=True)
    avoid = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String(validate=validate.Length(min=1)), validate=validate.Length(min=1)),
        load_default=dict,
    )


class GlossaryMeta(Strict):
    id = FixedId(GLOSSARY_ID)
    kind = Kind("glossary")
    version = Version()
    terms = fields.List(fields.Nested(GlossaryTermMeta), required=True, validate=validate.Length(min=5))

    @validates_schema
    def _unique_terms(self, data: dict[str, Any], **kwargs: Any) -> None:
        _unique_or_raise([t["id"] for t in data.get("terms", [])], "terms")


def _unique_or_raise(values: list[Any], field: str) -> None:
    try:
        _unique(values)
    except ValidationError as exc:
        raise ValidationError(exc.messages, field) from None


META_SCHEMAS: dict[str, type[Schema]] = {
    "module": ModuleMeta,
    "scenario": ScenarioMeta,
    "journal": JournalMeta,
    "action_plan": ActionPlanMeta,
    "ttt_unit": TttUnitMeta,
    "workshop_agenda": WorkshopAgendaMeta,
    "self_assessment": SelfAssessmentMeta,
    "support": SupportMeta,
    "pair_space": PairSpaceMeta,
    "glossary": GlossaryMeta,
    "country": CountryMeta,
}


# --------------------------------------------------------------------------- language schemas
def _lang(spec: dict[str, fields.Field]) -> Schema:
    return Strict.from_dict(spec)()


def module_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "summary": Text(),
            "aims": TextList(3, 5),
            "sections": IdMap(meta["sections"], _nested(title=Text(), body=Text())),
            "reflection_prompts": IdMap(meta["reflection_prompts"], Text()),
            "for_mentors": Text(),
            "for_mentees": Text(),
            "exercises": IdMap(
                [e["id"] for e in meta.get("exercises", [])],
                _nested(title=Text(), purpose=Text(), together=Text(), worksheet=Text()),
                required=bool(meta.get("exercises")),
            ),
        }
    )


def scenario_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "summary": Text(),
            "situation": Text(),
            "roles": IdMap(meta["roles"], _nested(name=Text(), description=Text())),
            "context": Text(),
            "guiding_questions": IdMap([q["id"] for q in meta["guiding_questions"]], Text()),
            "facilitator_notes": Text(),
            "no_right_answer": Text(),
        }
    )


def journal_lang_schema(meta: Mapping[str, Any]) -> Schema:
    prompts: Mapping[str, list[str]] = meta["module_prompts"]
    return _lang(
        {
            "title": Text(),
            "intro": Text(),
            "cycle": IdMap(meta["cycle"], _nested(title=Text(), prompt=Text())),
            "module_prompts": IdMap(list(prompts), lambda module: IdMap(prompts[module], Text())),
            "free_entry_label": Text(),
        }
    )


def action_plan_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "intro": Text(),
            "horizons": IdMap([str(h) for h in meta["horizons"]], _nested(title=Text(), hint=Text())),
            "fields": IdMap(meta["fields"], _nested(label=Text(), hint=Text())),
            "example": Text(),
        }
    )


def ttt_unit_lang_schema(meta: Mapping[str, Any]) -> Schema:
    rounds = meta.get("rounds") or {}
    feedback = meta.get("feedback_questions") or []
    return _lang(
        {
            "title": Text(),
            "summary": Text(),
            "aims": TextList(1, 6),
            "steps": IdMap(
                meta["steps"],
                lambda sid: _nested(title=Text(), body=Text(), **({"self_reflection": Text()} if sid in rounds else {})),
            ),
            "feedback_questions": IdMap(feedback, _nested(label=Text(), hint=Text()), required=bool(feedback)),
            "checklist": TextList(3, 8),
        }
    )


def workshop_agenda_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "intro": Text(),
            "steps": IdMap(
                [s["id"] for s in meta["steps"]],
                _nested(title=Text(), purpose=Text(), facilitator_tips=Text()),
            ),
            "breaks": IdMap(
                [b["id"] for b in meta.get("breaks", [])],
                _nested(title=Text(), purpose=Text(), facilitator_tips=Text()),
                required=bool(meta.get("breaks")),
            ),
        }
    )


def self_assessment_option_ids(meta: Mapping[str, Any]) -> list[str]:
    """Every option id used by a question, in first-use order (domains have their own map)."""
    ids: list[str] = []
    for q in meta["questions"]:
        for opt in q.get("options") or []:
            if opt not in ids:
                ids.append(opt)
    return ids


def self_assessment_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "intro": Text(),
            "scale": IdMap([str(v) for v in meta["scale"]], Text()),
            "domains": IdMap(meta["domains"], Text()),
            "options": IdMap(self_assessment_option_ids(meta), Text()),
            "questions": IdMap([q["id"] for q in meta["questions"]], _nested(label=Text(), hint=Text())),
        }
    )


def support_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang({"title": Text(), "body": Text()})


def pair_space_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "intro": Text(),
            "agreement_intro": Text(),
            "agreement_prompts": IdMap(meta["agreement_prompts"], _nested(label=Text(), hint=Text())),
            "log_intro": Text(),
            "steps_intro": Text(),
            "beyond_a_mentor": Text(),
            "ending_intro": Text(),
            "ending_guide": IdMap(meta["ending_guide"], _nested(title=Text(), body=Text())),
            "reflection_prompt": Text(),
        }
    )


def glossary_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "intro": Text(),
            "terms": IdMap([t["id"] for t in meta["terms"]], _nested(term=Text(), definition=Text())),
        }
    )


def country_lang_schema(meta: Mapping[str, Any]) -> Schema:
    return _lang(
        {
            "title": Text(),
            "intro": Text(),
            "recognition": Text(),
            "helplines": Text(),
            "referral_routes": Text(),
        }
    )


LANG_SCHEMAS: dict[str, Callable[[Mapping[str, Any]], Schema]] = {
    "module": module_lang_schema,
    "scenario": scenario_lang_schema,
    "journal": journal_lang_schema,
    "action_plan": action_plan_lang_schema,
    "ttt_unit": ttt_unit_lang_schema,
    "workshop_agenda": workshop_agenda_lang_schema,
    "self_assessment": self_assessment_lang_schema,
    "support": support_lang_schema,
    "pair_space": pair_space_lang_schema,
    "glossary": glossary_lang_schema,
    "country": country_lang_schema,
}
