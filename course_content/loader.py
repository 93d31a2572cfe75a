"""Read, validate and localise the content tree (FORMAT.md) into a :class:`Catalog`.

One pass over the YAML files produces both the catalog and a list of :class:`Issue` s, so the CLI
validator and the runtime loader can never disagree about what is wrong. Severity rules:

* ``schema`` problems in ``meta.yaml`` or ``en.yaml`` (and duplicate ids) are fatal for :func:`load`:
  there is nothing to fall back to.
* ``translation`` problems (anything in nl/uk/de) never stop the tool: the bad or missing field falls
  back to English, and ``validate`` reports it as an error for the finished set.
* ``terminology`` problems (a text uses a variant the glossary says to avoid) are reported by
  ``validate``; :func:`load` serves the text.
* ``completeness`` problems (fewer scenarios than required, a module not written yet, a scenario whose
  module does not exist) are reported by ``validate``; :func:`load` serves what is there.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from marshmallow import ValidationError

from . import feedback as fb
from . import model as m
from . import schemas as s

LANGUAGES: tuple[str, ...] = ("en", "nl", "uk", "de")
REFERENCE_LANGUAGE = "en"
DEFAULT_ROOT = Path(__file__).resolve().parent / "activities"

_YamlLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: kind -> folder pattern below the activities root ("*" = one folder per activity).
KIND_DIRS: dict[str, str] = {
    "module": "modules/*",
    "scenario": "scenarios/*",
    "journal": "journal",
    "action_plan": "action-plan",
    "ttt_unit": "ttt/*",
    "workshop_agenda": "workshop-agenda",
    "self_assessment": "self-assessments/*",
    "support": "support",
    "pair_space": "pair-space",
    "feedback": "feedback/*",  # questionnaires for pilot evaluation (course_content.feedback)
    "glossary": "glossary",
    "country": "countries/*",
}
#: Kinds that are deep-linkable activities, in the order ``Catalog.activities`` lists them.
ACTIVITY_KINDS = (
    "module",
    "scenario",
    "journal",
    "action_plan",
    "ttt_unit",
    "workshop_agenda",
    "self_assessment",
)

_REQUIRED_MSG = "Missing data for required field."
MISSING_TRANSLATION = "missing translation (English is shown instead)"

Category = Literal["schema", "translation", "completeness", "terminology"]
Severity = Literal["error", "warning"]


class ContentError(Exception):
    """The content tree is broken in a way the tool cannot serve (see ``issues``)."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues: tuple[Issue, ...] = tuple(issues)
        lines = [str(i) for i in self.issues[:25]]
        if len(self.issues) > 25:
            lines.append(f"... and {len(self.issues) - 25} more")
        super().__init__("Broken course content:\n  " + "\n  ".join(lines))


@dataclass(frozen=True)
class Issue:
    """One problem, named by file, field path and message (``file: field: message``)."""

    file: Path
    field: str
    message: str
    category: Category = "schema"
    severity: Severity = "error"

    @property
    def fatal(self) -> bool:
        return self.severity == "error" and self.category == "schema"

    def display_path(self) -> str:
        try:
            rel = os.path.relpath(self.file)
        except ValueError:  # different drive (Windows)
            return str(self.file)
        return str(self.file) if rel.startswith("..") else rel

    def __str__(self) -> str:
        where = f"{self.display_path()}: {self.field}" if self.field else self.display_path()
        return f"{where}: {self.message}"


@dataclass
class RawActivity:
    """One activity after validation: meta plus the merged text tree for each language."""

    kind: str
    id: str
    folder: Path
    meta: dict[str, Any]
    texts: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> text tree (with fallback)
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> field paths from English


@dataclass
class Scan:
    root: Path
    activities: list[RawActivity]
    issues: list[Issue]
    coverage: dict[str, tuple[int, int]]  # lang -> (translated fields, reference fields)
    version: str

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


# --------------------------------------------------------------------------- helpers
def normalise_lang(lang: str | None) -> str:
    """Map "uk-UA", "nl_NL", "DE" to a supported language; anything unknown to English."""
    if not lang:
        return REFERENCE_LANGUAGE
    base = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    return base if base in LANGUAGES else REFERENCE_LANGUAGE


def _read_yaml(path: Path, issues: list[Issue], category: Category) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(Issue(path, "", f"cannot read file: {exc}", category))
        return None
    try:
        data = yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        issues.append(Issue(path, where, f"invalid YAML: {problem}", category))
        return None
    if not isinstance(data, dict):
        issues.append(Issue(path, "", "must be a YAML mapping (key: value) at the top level", category))
        return None
    return data


def _flatten_messages(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested error dict -> [(dotted.field.path, message)]."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            key = str(key)
            path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else key)
            out.extend(_flatten_messages(value, path))
    elif isinstance(messages, list | tuple):
        for value in messages:
            if isinstance(value, Mapping | list | tuple):
                out.extend(_flatten_messages(value, prefix))
            else:
                out.append((prefix, str(value)))
    else:
        out.append((prefix, str(messages)))
    return out


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)


def _merge(reference: Any, candidate: Any, path: str, fallbacks: list[str]) -> Any:
    """Per-field fallback: take ``candidate`` where it has the reference's shape, else the reference."""
    if isinstance(reference, dict):
        cand = {str(k): v for k, v in candidate.items()} if isinstance(candidate, Mapping) else {}
        return {
            key: _merge(value, cand.get(key), f"{path}.{key}" if path else key, fallbacks)
            for key, value in reference.items()
        }
    if isinstance(reference, str):
        if isinstance(candidate, str) and candidate.strip():
            return candidate
        fallbacks.append(path)
        return reference
    if isinstance(reference, list) and all(isinstance(v, str) for v in reference):
        if _is_text_list(candidate):
            return list(candidate)
        fallbacks.append(path)
        return reference
    return reference


def _count_fields(reference: Any) -> int:
    """Translatable fields: every string, and every list of strings counted once."""
    if isinstance(reference, dict):
        return sum(_count_fields(v) for v in reference.values())
    if isinstance(reference, str) or isinstance(reference, list):
        return 1
    return 0


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _content_hash(root: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            pass
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


# --------------------------------------------------------------------------- scanning
def scan(root: Path | str | None = None) -> Scan:
    """Read and validate every file below ``root``; never raises on bad content."""
    root = Path(root).resolve() if root is not None else DEFAULT_ROOT
    if not (root / "modules").is_dir() and (root / "activities").is_dir():
        root = root / "activities"  # accept the package folder too (`--root course_content`)
    issues: list[Issue] = []
    activities: list[RawActivity] = []
    coverage = {lang: [0, 0] for lang in LANGUAGES}
    yaml_files: list[Path] = []

    if not root.is_dir():
        issues.append(Issue(root, "", "content folder does not exist", "completeness"))
        return Scan(root, [], issues, {lang: (0, 0) for lang in LANGUAGES}, "0" * 16)

    _stray_entries(root, issues)
    for kind, pattern in KIND_DIRS.items():
        folders = sorted(p for p in root.glob(pattern) if p.is_dir()) if "*" in pattern else [root / pattern]
        for folder in folders:
            yaml_files.extend(folder.glob("*.yaml"))
            _stray_files(folder, issues)
            raw = _scan_activity(kind, folder, pattern, issues, coverage)
            if raw is not None:
                activities.append(raw)

    _cross_check(root, activities, issues)
    seed_map = _check_seed_map(root, activities, issues)
    if seed_map is not None:
        yaml_files.append(root / s.SEED_MAP_FILE)
    return Scan(
        root=root,
        activities=activities,
        issues=issues,
        coverage={lang: (c[0], c[1]) for lang, c in coverage.items()},
        version=_content_hash(root, yaml_files),
    )


_ACTIVITY_FILES = {"meta.yaml", *(f"{lang}.yaml" for lang in LANGUAGES)}


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and path.name != "__pycache__"


def _stray_entries(root: Path, issues: list[Issue]) -> None:
    """Content in a place the loader never reads is content nobody sees: say so."""
    top = {pattern.split("/")[0] for pattern in KIND_DIRS.values()}
    for entry in sorted(filter(_visible, root.iterdir())):
        if entry.name not in top and entry.suffix.lower() != ".md" and entry.name != s.SEED_MAP_FILE:
            issues.append(
                Issue(entry, "", f"not read: expected only {', '.join(sorted(top))}", "completeness")
            )
    for pattern in KIND_DIRS.values():
        parent = root / pattern.split("/")[0]
        if "*" in pattern and parent.is_dir():
            for entry in sorted(filter(_visible, parent.iterdir())):
                if not entry.is_dir():
                    issues.append(
                        Issue(entry, "", "not read: each activity needs its own folder", "completeness")
                    )


def _stray_files(folder: Path, issues: list[Issue]) -> None:
    if not folder.is_dir():
        return
    for entry in sorted(filter(_visible, folder.iterdir())):
        if entry.name not in _ACTIVITY_FILES:
            issues.append(
                Issue(
                    entry, "", "not read: a folder holds meta.yaml and en/nl/uk/de.yaml only", "completeness"
                )
            )


def _scan_activity(
    kind: str, folder: Path, pattern: str, issues: list[Issue], coverage: dict[str, list[int]]
) -> RawActivity | None:
    meta_path = folder / "meta.yaml"
    if not meta_path.exists():
        issues.append(Issue(meta_path, "", f"missing: every {kind} folder needs a meta.yaml", "completeness"))
        return None
    meta_raw = _read_yaml(meta_path, issues, "schema")
    if meta_raw is None:
        return None
    try:
        meta: dict[str, Any] = s.META_SCHEMAS[kind]().load(meta_raw)
    except ValidationError as exc:
        issues.extend(Issue(meta_path, f, msg) for f, msg in _flatten_messages(exc.messages))
        return None
    if "*" in pattern and meta["id"] != folder.name:
        issues.append(Issue(meta_path, "id", f"id {meta['id']!r} must equal its folder name {folder.name!r}"))
        return None

    en_path = folder / f"{REFERENCE_LANGUAGE}.yaml"
    if not en_path.exists():
        issues.append(Issue(en_path, "", "missing: the English text is required", "completeness"))
        return None
    en_raw = _read_yaml(en_path, issues, "schema")
    if en_raw is None:
        return None
    lang_schema = s.LANG_SCHEMAS[kind](meta)
    try:
        reference: dict[str, Any] = lang_schema.load(en_raw)
    except ValidationError as exc:
        issues.extend(Issue(en_path, f, msg) for f, msg in _flatten_messages(exc.messages))
        return None
    _word_count_warnings(kind, en_path, reference, issues)

    raw = RawActivity(kind=kind, id=meta["id"], folder=folder, meta=meta)
    raw.texts[REFERENCE_LANGUAGE] = reference
    raw.fallbacks[REFERENCE_LANGUAGE] = ()
    total = _count_fields(reference)
    coverage[REFERENCE_LANGUAGE][0] += total
    coverage[REFERENCE_LANGUAGE][1] += total

    for lang in LANGUAGES:
        if lang == REFERENCE_LANGUAGE:
            continue
        path = folder / f"{lang}.yaml"
        lang_issues: list[Issue] = []
        data = _read_yaml(path, lang_issues, "translation") if path.exists() else None
        if not path.exists():
            lang_issues.append(
                Issue(path, "", f"missing file: all {total} fields fall back to English", "translation")
            )
        elif data is not None:
            try:
                lang_schema.load(data)
            except ValidationError as exc:
                for f, msg in _flatten_messages(exc.messages):
                    if msg in (_REQUIRED_MSG, s.MISSING_DECLARED):
                        continue  # reported below, from the per-field fallback list
                    lang_issues.append(Issue(path, f, msg, "translation"))
        fallbacks: list[str] = []
        raw.texts[lang] = _merge(reference, data or {}, "", fallbacks)
        raw.fallbacks[lang] = tuple(fallbacks)
        if data is not None:
            reported = [i.field for i in lang_issues if i.field]
            lang_issues.extend(
                Issue(path, f, MISSING_TRANSLATION, "translation")
                for f in fallbacks
                if not any(_related(f, r) for r in reported)
            )
        issues.extend(lang_issues)
        coverage[lang][0] += total - len(fallbacks)
        coverage[lang][1] += total
    return raw


_WORD_BOUNDS: dict[str, list[tuple[str, int, int]]] = {
    # kind -> [(field path with * for any id, min words, max words)]; FORMAT.md gives them as "≈".
    "module": [("sections.*.body", 150, 450), ("for_mentors", 60, 150), ("for_mentees", 60, 150)],
    "scenario": [("situation", 120, 300)],
}


def _word_count_warnings(kind: str, path: Path, text: dict[str, Any], issues: list[Issue]) -> None:
    for pattern, low, high in _WORD_BOUNDS.get(kind, []):
        head, _, tail = pattern.partition(".*.")
        targets = (
            [(f"{head}.{k}.{tail}", v.get(tail, "")) for k, v in text.get(head, {}).items()]
            if tail
            else [(head, text.get(head, ""))]
        )
        for field_path, value in targets:
            words = _word_count(value)
            # 10% slack: the bounds are guidance for readability, not a hard limit.
            if words < low * 0.9 or words > high * 1.1:
                issues.append(
                    Issue(path, field_path, f"{words} words; aim for about {low}–{high}", "schema", "warning")
                )


def _cross_check(root: Path, activities: list[RawActivity], issues: list[Issue]) -> None:
    by_kind: dict[str, list[RawActivity]] = {k: [] for k in KIND_DIRS}
    seen: dict[str, RawActivity] = {}
    for raw in activities:
        by_kind[raw.kind].append(raw)
        if raw.id in seen:
            issues.append(
                Issue(
                    raw.folder / "meta.yaml", "id", f"id {raw.id!r} is already used by {seen[raw.id].folder}"
                )
            )
        seen.setdefault(raw.id, raw)

    def need(cond: bool, file: Path, fld: str, msg: str) -> None:
        if not cond:
            issues.append(Issue(file, fld, msg, "completeness"))

    for kind, pattern in KIND_DIRS.items():
        if "*" not in pattern:
            need(bool(by_kind[kind]), root / pattern / "meta.yaml", "", f"the {kind} is missing or broken")

    modules = {r.id: r for r in by_kind["module"]}
    for mid in s.MODULE_IDS:
        need(mid in modules, root / "modules" / mid / "meta.yaml", "", f"module {mid!r} is missing or broken")
    for kind in ("module", "ttt_unit"):
        orders: dict[int, str] = {}
        for r in by_kind[kind]:
            other = orders.setdefault(r.meta["order"], r.id)
            need(
                other == r.id,
                r.folder / "meta.yaml",
                "order",
                f"order {r.meta['order']} is also used by {other!r}",
            )

    for mid, r in modules.items():
        count = len(r.meta.get("exercises", []))
        need(
            count >= s.MIN_MEETING_EXERCISES,
            r.folder / "meta.yaml",
            "exercises",
            f"module {mid!r} has {count} meeting exercises; needs at least {s.MIN_MEETING_EXERCISES} "
            "(what mentor and mentee do together between sessions)",
        )

    per_module: dict[str, int] = dict.fromkeys(modules, 0)
    for r in by_kind["scenario"]:
        if r.meta["module"] in modules:
            per_module[r.meta["module"]] += 1
        else:
            need(False, r.folder / "meta.yaml", "module", f"unknown module {r.meta['module']!r}")
    for mid, count in per_module.items():
        need(
            count >= 3,
            modules[mid].folder / "meta.yaml",
            "",
            f"module {mid!r} has {count} scenarios; needs at least 3",
        )
    total = len(by_kind["scenario"])
    need(total >= 12, root / "scenarios", "", f"{total} scenarios in all; at least 12 are needed")
    _check_scenario_plots(by_kind["scenario"], issues)
    _check_scenario_minutes(by_kind["scenario"], by_kind["workshop_agenda"], issues)

    for r in by_kind["journal"]:
        for mid in r.meta["module_prompts"]:
            need(
                mid in s.MODULE_IDS,
                r.folder / "meta.yaml",
                f"module_prompts.{mid}",
                "not one of the four module ids",
            )
        for mid in s.MODULE_IDS:
            need(
                mid in r.meta["module_prompts"],
                r.folder / "meta.yaml",
                "module_prompts",
                f"no prompts for {mid!r}",
            )

    for agenda in by_kind["workshop_agenda"]:
        for fmt in s.WORKSHOP_FORMATS:
            total = sum(st[fmt] for st in agenda.meta["steps"])
            if total > s.BREAK_NEEDED_AFTER and not agenda.meta.get("breaks"):
                need(
                    False,
                    agenda.folder / "meta.yaml",
                    "breaks",
                    f"the {fmt} session runs {total} min without a break; plan at least one "
                    f"(sessions over {s.BREAK_NEEDED_AFTER} min need a pause)",
                )

    _check_country_pages(root, by_kind["country"], issues)

    for glossary in by_kind["glossary"]:
        _check_terminology(glossary, activities, issues)

    ttt = {r.id for r in by_kind["ttt_unit"]}
    for uid in s.TTT_UNIT_IDS:
        need(uid in ttt, root / "ttt" / uid / "meta.yaml", "", f"TtT unit {uid!r} is missing or broken")
    need(len(ttt) <= 8, root / "ttt", "", f"{len(ttt)} TtT units; the course has 6–8")
    # Trainers qualify by running a segment of every module in a practice round (peers' feedback in the tool).
    practised: set[str] = set()
    for r in by_kind["ttt_unit"]:
        for sid, mid in (r.meta.get("rounds") or {}).items():
            need(mid in s.MODULE_IDS, r.folder / "meta.yaml", f"rounds.{sid}", f"{mid!r} is not one of the module ids")
            practised.add(mid)
    if by_kind["ttt_unit"]:
        missing = [mid for mid in s.MODULE_IDS if mid not in practised]
        need(not missing, root / "ttt", "rounds",
             f"no practice round for module(s) {', '.join(missing)}: every module needs one")

    assessments = {r.id: r for r in by_kind["self_assessment"]}
    for aid, role in s.SELF_ASSESSMENT_IDS.items():
        r = assessments.get(aid)
        need(
            r is not None,
            root / "self-assessments" / aid / "meta.yaml",
            "",
            f"self-assessment {aid!r} is missing",
        )
        if r is not None:
            need(r.meta["role"] == role, r.folder / "meta.yaml", "role", f"must be {role!r} for {aid!r}")


def read_seed_map(root: Path, issues: list[Issue] | None = None) -> dict[str, Any] | None:
    """The traceability table (seed chapter -> activities), validated against its schema."""
    issues = issues if issues is not None else []
    path = root / s.SEED_MAP_FILE
    if not path.exists():
        issues.append(Issue(path, "", "missing: the table from seed chapters to activities", "completeness"))
        return None
    raw = _read_yaml(path, issues, "completeness")
    if raw is None:
        return None
    try:
        return s.SeedMap().load(raw)
    except ValidationError as exc:
        issues.extend(Issue(path, f, msg, "completeness") for f, msg in _flatten_messages(exc.messages))
        return None


def _check_seed_map(root: Path, activities: list[RawActivity], issues: list[Issue]) -> dict[str, Any] | None:
    """Every chapter of the seed is carried by at least one existing activity, and none is silently dropped."""
    seed_map = read_seed_map(root, issues)
    if seed_map is None:
        return None
    path = root / s.SEED_MAP_FILE
    known = {r.id for r in activities}
    listed: dict[str, int] = {}
    for n, chapter in enumerate(seed_map["chapters"]):
        cid = chapter["id"]
        if cid in listed:
            issues.append(Issue(path, f"chapters.{n}.id", f"chapter {cid} is listed twice", "completeness"))
        listed.setdefault(cid, n)
        if cid not in s.SEED_CHAPTERS:
            issues.append(
                Issue(path, f"chapters.{n}.id", f"{cid!r} is not a chapter of the seed", "completeness")
            )
        for aid in chapter["activities"]:
            if aid not in known:
                issues.append(
                    Issue(path, f"chapters.{n}.activities", f"unknown activity {aid!r}", "completeness")
                )
    for cid in s.SEED_CHAPTERS:
        if cid not in listed:
            issues.append(
                Issue(path, "chapters", f"seed chapter {cid} is not carried by any activity", "completeness")
            )
    return seed_map


def seed_table(seed_map: dict[str, Any]) -> str:
    """The traceability table as Markdown (README.md carries it; a test keeps the two in step)."""
    lines = ["| seed chapter | carried by |", "|---|---|"]
    for chapter in seed_map["chapters"]:
        acts = ", ".join(f"`{a}`" for a in chapter["activities"])
        lines.append(f"| {chapter['id']} {chapter['title']} | {acts} |")
    return "\n".join(lines) + "\n"


COUNTRY_RECHECK_DAYS = 365


def _check_country_pages(
    root: Path, pages: list[RawActivity], issues: list[Issue], today: date | None = None
) -> None:
    """Each partner country has a page; dates are real and recent; unverified details are flagged."""
    today = today or date.today()
    by_country = {r.meta["country"]: r for r in pages}
    for code, page_id in s.COUNTRY_PAGES.items():
        r = by_country.get(code)
        if r is None:
            issues.append(
                Issue(
                    root / "countries" / page_id / "meta.yaml",
                    "",
                    f"no country page for {code}",
                    "completeness",
                )
            )
            continue
        if r.id != page_id:
            issues.append(
                Issue(
                    r.folder / "meta.yaml",
                    "id",
                    f"the page for {code} must have id {page_id!r}",
                    "completeness",
                )
            )
        checked = r.meta["checked"]
        where = r.folder / "meta.yaml"
        if checked > today:
            issues.append(Issue(where, "checked", f"{checked.isoformat()} is in the future", "completeness"))
        elif (today - checked).days > COUNTRY_RECHECK_DAYS:
            issues.append(
                Issue(
                    where,
                    "checked",
                    f"last checked {checked.isoformat()}, over a year ago: check every entry again",
                    "completeness",
                    "warning",
                )
            )
        if not r.meta["verified"]:
            issues.append(
                Issue(
                    where,
                    "verified",
                    "not yet verified against each organisation's own website or phone line; "
                    "the page says so to its readers",
                    "completeness",
                    "warning",
                )
            )


PLOT_TAGS = ("who", "setting", "tension")


def _check_scenario_plots(scenarios: list[RawActivity], issues: list[Issue]) -> None:
    """Every scenario carries plot tags, and no two scenarios share two of who / setting / tension.

    Two scenarios with the same people in the same setting, or the same people caught in the same
    tension, are one plot told twice; a group that has discussed one learns little from the other.
    """
    tagged = []
    for r in sorted(scenarios, key=lambda r: r.id):
        if "plot" not in r.meta:
            issues.append(
                Issue(
                    r.folder / "meta.yaml",
                    "plot",
                    "missing: every scenario needs plot tags (who, setting, tension)",
                    "completeness",
                )
            )
        else:
            tagged.append(r)
    for i, a in enumerate(tagged):
        for b in tagged[i + 1 :]:
            shared = [t for t in PLOT_TAGS if a.meta["plot"][t] == b.meta["plot"][t]]
            if len(shared) >= 2:
                same = ", ".join(f"{t} {a.meta['plot'][t]!r}" for t in shared)
                issues.append(
                    Issue(
                        b.folder / "meta.yaml",
                        "plot",
                        f"overlaps with scenario {a.id!r}: same {same}",
                        "completeness",
                    )
                )


def _check_scenario_minutes(
    scenarios: list[RawActivity], agendas: list[RawActivity], issues: list[Issue]
) -> None:
    """Every scenario has planned minutes that fit the workshop agenda's breakout and reflection blocks."""
    steps = {s["id"]: s for agenda in agendas for s in agenda.meta["steps"]}
    breakout_block, reflection_block = steps.get("scenario-breakouts"), steps.get("joint-reflection")
    for r in scenarios:
        minutes = r.meta.get("minutes")
        if minutes is None:
            issues.append(
                Issue(
                    r.folder / "meta.yaml",
                    "minutes",
                    "missing: plan reading, breakout and plenary minutes",
                    "completeness",
                )
            )
            continue
        if breakout_block and minutes["reading"] + minutes["breakout"] > breakout_block["in_person"]:
            issues.append(
                Issue(
                    r.folder / "meta.yaml",
                    "minutes",
                    f"reading + breakout = {minutes['reading'] + minutes['breakout']} min does not fit the "
                    f"agenda's scenario-breakouts block ({breakout_block['in_person']} min in person)",
                    "completeness",
                )
            )
        if reflection_block and minutes["plenary"] > reflection_block["in_person"]:
            issues.append(
                Issue(
                    r.folder / "meta.yaml",
                    "minutes.plenary",
                    f"{minutes['plenary']} min does not fit the agenda's joint-reflection block "
                    f"({reflection_block['in_person']} min in person)",
                    "completeness",
                )
            )


def _avoid_pattern(entry: str) -> re.Pattern[str]:
    """``stem*`` matches a word start; anything else a whole word or phrase (case-insensitive)."""
    if entry.endswith("*"):
        return re.compile(r"(?<!\w)" + re.escape(entry[:-1].strip()), re.IGNORECASE)
    return re.compile(r"(?<!\w)" + re.escape(entry.strip()) + r"(?!\w)", re.IGNORECASE)


def _text_leaves(tree: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _text_leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from _text_leaves(value, f"{path}.{i}")
    elif isinstance(tree, str):
        yield path, tree


def _check_terminology(glossary: RawActivity, activities: list[RawActivity], issues: list[Issue]) -> None:
    """One word per concept and language: flag every text that uses a variant the glossary avoids.

    Translators drift between near-synonyms (three Ukrainian words for "referral", "begeleider" next to
    "facilitator"); a learner then wonders whether these are different things. Fields that fell back to
    English are skipped, because they are not that language's text.
    """
    rules: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {lang: [] for lang in LANGUAGES}
    for term in glossary.meta["terms"]:
        for lang, entries in term["avoid"].items():
            if lang not in LANGUAGES:
                issues.append(
                    Issue(
                        glossary.folder / "meta.yaml",
                        f"terms.{term['id']}.avoid.{lang}",
                        f"unknown language; use one of {', '.join(LANGUAGES)}",
                        "completeness",
                    )
                )
                continue
            rules[lang].extend((term["id"], entry, _avoid_pattern(entry)) for entry in entries)
    for raw in activities:
        if raw.kind == "glossary":
            continue
        for lang, lang_rules in rules.items():
            if not lang_rules or lang not in raw.texts:
                continue
            skipped = raw.fallbacks.get(lang, ())
            preferred = glossary.texts[lang]["terms"]
            for path, text in _text_leaves(raw.texts[lang]):
                if any(_related(path, f) for f in skipped):
                    continue
                for term_id, entry, pattern in lang_rules:
                    found = pattern.search(text)
                    if found:
                        issues.append(
                            Issue(
                                raw.folder / f"{lang}.yaml",
                                path,
                                f"uses {found.group(0)!r}; the {lang} glossary term for {term_id!r} is "
                                f"{preferred[term_id]['term']!r} (avoid {entry!r})",
                                "terminology",
                            )
                        )


# --------------------------------------------------------------------------- catalog
def _summary_from(markdown: str, limit: int = 200) -> str:
    """A one-line plain-text summary from the first paragraph of a Markdown intro."""
    first = next((p for p in re.split(r"\n\s*\n", markdown.strip()) if p.strip()), "")
    plain = re.sub(r"[*_`#>]+", "", " ".join(first.split()))
    # Whole sentences until the summary says something (a bare "This is not a test." does not).
    text = ""
    for sentence in re.findall(r".+?[.!?](?=\s|$)|.+$", plain):
        text = f"{text} {sentence.strip()}".strip()
        if len(text) >= 60:
            break
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _build(raw: RawActivity, lang: str, scenario_ids: tuple[str, ...]) -> m.Activity:
    meta, t = raw.meta, raw.texts[lang]
    base = {
        "id": raw.id,
        "kind": raw.kind,
        "version": meta["version"],
        "lang": lang,
        "title": t["title"],
        "fallback_fields": raw.fallbacks[lang],
    }
    if raw.kind == "module":
        return m.Module(
            **base,
            order=meta["order"],
            estimated_minutes=meta["estimated_minutes"],
            summary=t["summary"],
            aims=tuple(t["aims"]),
            sections=tuple(m.TextSection(sid, **t["sections"][sid]) for sid in meta["sections"]),
            reflection_prompts=tuple(
                m.Prompt(pid, t["reflection_prompts"][pid]) for pid in meta["reflection_prompts"]
            ),
            for_mentors=t["for_mentors"],
            for_mentees=t["for_mentees"],
            scenario_ids=scenario_ids,
            exercises=tuple(
                m.MeetingExercise(e["id"], **t["exercises"][e["id"]], minutes=e["minutes"])
                for e in meta.get("exercises", [])
            ),
        )
    if raw.kind == "scenario":
        return m.Scenario(
            **base,
            module=meta["module"],
            summary=t["summary"],
            situation=t["situation"],
            context=t["context"],
            roles=tuple(m.Role(rid, **t["roles"][rid]) for rid in meta["roles"]),
            guiding_questions=tuple(
                m.GuidingQuestion(q["id"], q["category"], t["guiding_questions"][q["id"]])
                for q in meta["guiding_questions"]
            ),
            themes=tuple(meta["themes"]),
            facilitator_notes=t["facilitator_notes"],
            no_right_answer=t["no_right_answer"],
            plot=m.Plot(**meta["plot"]) if "plot" in meta else None,
            minutes=m.ScenarioMinutes(**meta["minutes"]) if "minutes" in meta else None,
        )
    if raw.kind == "journal":
        return m.Journal(
            **base,
            intro=t["intro"],
            completion_entries=meta["completion_entries"],
            cycle=tuple(m.CycleStage(cid, **t["cycle"][cid]) for cid in meta["cycle"]),
            module_prompts=MappingProxyType(
                {
                    mid: tuple(m.Prompt(pid, t["module_prompts"][mid][pid]) for pid in pids)
                    for mid, pids in meta["module_prompts"].items()
                }
            ),
            free_entry_label=t["free_entry_label"],
        )
    if raw.kind == "action_plan":
        return m.ActionPlan(
            **base,
            intro=t["intro"],
            horizons=tuple(m.Horizon(h, **t["horizons"][str(h)]) for h in meta["horizons"]),
            fields=tuple(m.PlanField(fid, **t["fields"][fid]) for fid in meta["fields"]),
            example=t["example"],
        )
    if raw.kind == "ttt_unit":
        return m.TttUnit(
            **base,
            order=meta["order"],
            summary=t["summary"],
            aims=tuple(t["aims"]),
            steps=tuple(m.TextSection(sid, **t["steps"][sid]) for sid in meta["steps"]),
            checklist=tuple(t["checklist"]),
            rounds=MappingProxyType(dict(meta.get("rounds") or {})),
            feedback_questions=tuple(
                m.PlanField(qid, **t["feedback_questions"][qid]) for qid in meta.get("feedback_questions") or ()
            ),
            downloadable=bool(meta.get("downloadable")),
        )
    if raw.kind == "workshop_agenda":
        return m.WorkshopAgenda(
            **base,
            intro=t["intro"],
            formats=MappingProxyType({f: m.MinutesRange(**meta["formats"][f]) for f in s.WORKSHOP_FORMATS}),
            participants=m.IntRange(**meta["participants"]),
            breakout_size=m.IntRange(**meta["breakout_size"]),
            steps=tuple(
                m.WorkshopStep(
                    step["id"],
                    **t["steps"][step["id"]],
                    minutes=MappingProxyType({f: step[f] for f in s.WORKSHOP_FORMATS}),
                )
                for step in meta["steps"]
            ),
            breaks=tuple(
                m.WorkshopBreak(
                    b["id"],
                    b["after"],
                    **t["breaks"][b["id"]],
                    minutes=MappingProxyType({f: b[f] for f in s.WORKSHOP_FORMATS}),
                )
                for b in meta.get("breaks", [])
            ),
        )
    if raw.kind == "self_assessment":
        domains = tuple(m.Option(d, t["domains"][d]) for d in meta["domains"])
        return m.SelfAssessment(
            **base,
            role=meta["role"],
            intro=t["intro"],
            scale=tuple(m.Option(str(v), t["scale"][str(v)]) for v in meta["scale"]),
            domains=domains,
            questions=tuple(
                m.Question(
                    id=q["id"],
                    type=q["type"],
                    label=t["questions"][q["id"]]["label"],
                    hint=t["questions"][q["id"]]["hint"],
                    over=q.get("over"),
                    options=domains
                    if q.get("over") == "domains"
                    else tuple(m.Option(o, t["options"][o]) for o in q.get("options") or ()),
                )
                for q in meta["questions"]
            ),
        )
    if raw.kind == "support":
        return m.Support(**base, body=t["body"])
    if raw.kind == "pair_space":
        return m.PairSpace(
            **base,
            intro=t["intro"],
            agreement_intro=t["agreement_intro"],
            agreement_prompts=tuple(
                m.AgreementPrompt(pid, **t["agreement_prompts"][pid]) for pid in meta["agreement_prompts"]
            ),
            log_intro=t["log_intro"],
            steps_intro=t["steps_intro"],
            beyond_a_mentor=t["beyond_a_mentor"],
            ending_intro=t["ending_intro"],
            ending_guide=tuple(m.TextSection(sid, **t["ending_guide"][sid]) for sid in meta["ending_guide"]),
            reflection_prompt=t["reflection_prompt"],
        )
    if raw.kind == fb.KIND:
        return fb.build(base, meta, t)
    if raw.kind == "country":
        return m.CountryPage(
            **base,
            country=meta["country"],
            checked=meta["checked"],
            verified=meta["verified"],
            intro=t["intro"],
            recognition=t["recognition"],
            helplines=t["helplines"],
            referral_routes=t["referral_routes"],
        )
    if raw.kind == "glossary":
        return m.Glossary(
            **base,
            intro=t["intro"],
            terms=tuple(m.GlossaryTerm(term["id"], **t["terms"][term["id"]]) for term in meta["terms"]),
        )
    raise AssertionError(f"unhandled kind {raw.kind}")  # pragma: no cover


class Catalog:
    """All content, localised up front (a few hundred small objects), so every lookup is a dict hit."""

    def __init__(self, scan_result: Scan):
        self.root = scan_result.root
        self.version: str = scan_result.version
        self.issues: tuple[Issue, ...] = tuple(scan_result.issues)
        self.coverage: Mapping[str, tuple[int, int]] = MappingProxyType(dict(scan_result.coverage))
        module_order = {r.id: r.meta["order"] for r in scan_result.activities if r.kind == "module"}
        raws = sorted(
            scan_result.activities,
            key=lambda r: (
                list(KIND_DIRS).index(r.kind),
                r.meta.get("order", module_order.get(r.meta.get("module", ""), 99)),
                r.id,
            ),
        )
        scenario_ids = {
            mid: tuple(r.id for r in raws if r.kind == "scenario" and r.meta["module"] == mid)
            for mid in module_order
        }
        self._order: tuple[tuple[str, str], ...] = tuple((r.kind, r.id) for r in raws)
        self._objects: dict[tuple[str, str], m.Activity] = {}
        for r in raws:
            for lang in LANGUAGES:
                self._objects[(lang, r.id)] = _build(r, lang, scenario_ids.get(r.id, ()))
        self._kinds = {r.id: r.kind for r in raws}

    # ---- generic
    def get(self, activity_id: str, lang: str | None = "en") -> m.Activity:
        """Any activity (or the support text) by id; ``KeyError`` if there is none."""
        try:
            return self._objects[(normalise_lang(lang), activity_id)]
        except KeyError:
            raise KeyError(f"no course content with id {activity_id!r}") from None

    def __contains__(self, activity_id: object) -> bool:
        return activity_id in self._kinds

    def kind_of(self, activity_id: str) -> str:
        return self._kinds[activity_id]

    def _of_kind(self, kind: str, lang: str | None) -> list[Any]:
        lang = normalise_lang(lang)
        return [self._objects[(lang, aid)] for k, aid in self._order if k == kind]

    def _one(self, kind: str, activity_id: str, lang: str | None) -> Any:
        obj = self.get(activity_id, lang)
        if obj.kind != kind:
            raise KeyError(f"{activity_id!r} is a {obj.kind}, not a {kind}")
        return obj

    def activities(self, lang: str | None = "en") -> list[m.ActivityRef]:
        """Every deep-linkable activity in course order (modules, scenarios, journal, plan, TtT, ...)."""
        lang = normalise_lang(lang)
        refs = []
        for kind, aid in self._order:
            if kind not in ACTIVITY_KINDS:
                continue
            obj = self._objects[(lang, aid)]
            summary = getattr(obj, "summary", None) or _summary_from(getattr(obj, "intro", ""))
            refs.append(m.ActivityRef(aid, kind, obj.title, summary))
        return refs

    def all(self, lang: str | None = "en") -> list[m.Activity]:
        """Every object of every kind (support included) in catalog order, for builders that walk it all."""
        lang = normalise_lang(lang)
        return [self._objects[(lang, aid)] for _kind, aid in self._order]

    # ---- per kind
    def modules(self, lang: str | None = "en") -> list[m.Module]:
        return self._of_kind("module", lang)

    def module(self, module_id: str, lang: str | None = "en") -> m.Module:
        return self._one("module", module_id, lang)

    def scenarios(self, module: str | None = None, lang: str | None = "en") -> list[m.Scenario]:
        return [sc for sc in self._of_kind("scenario", lang) if module is None or sc.module == module]

    def scenario(self, scenario_id: str, lang: str | None = "en") -> m.Scenario:
        return self._one("scenario", scenario_id, lang)

    def journal(self, lang: str | None = "en") -> m.Journal:
        return self._one("journal", s.JOURNAL_ID, lang)

    def action_plan(self, lang: str | None = "en") -> m.ActionPlan:
        return self._one("action_plan", s.ACTION_PLAN_ID, lang)

    def ttt_units(self, lang: str | None = "en") -> list[m.TttUnit]:
        return self._of_kind("ttt_unit", lang)

    def ttt_unit(self, unit_id: str, lang: str | None = "en") -> m.TttUnit:
        return self._one("ttt_unit", unit_id, lang)

    def workshop_agenda(self, lang: str | None = "en") -> m.WorkshopAgenda:
        return self._one("workshop_agenda", s.WORKSHOP_AGENDA_ID, lang)

    def self_assessments(self, lang: str | None = "en") -> list[m.SelfAssessment]:
        return self._of_kind("self_assessment", lang)

    def self_assessment(self, assessment_id: str, lang: str | None = "en") -> m.SelfAssessment:
        return self._one("self_assessment", assessment_id, lang)

    def support(self, lang: str | None = "en") -> m.Support:
        return self._one("support", s.SUPPORT_ID, lang)

    def pair_space(self, lang: str | None = "en") -> m.PairSpace:
        return self._one("pair_space", s.PAIR_SPACE_ID, lang)
    def questionnaires(self, lang: str | None = "en") -> list[fb.Questionnaire]:
        """Feedback questionnaires (never graded, never required), in folder order."""
        return self._of_kind(fb.KIND, lang)

    def questionnaire(self, questionnaire_id: str, lang: str | None = "en") -> fb.Questionnaire:
        return self._one(fb.KIND, questionnaire_id, lang)
    def country_pages(self, lang: str | None = "en") -> list[m.CountryPage]:
        return self._of_kind("country", lang)

    def country_page(self, page_id: str, lang: str | None = "en") -> m.CountryPage:
        return self._one("country", page_id, lang)

    def glossary(self, lang: str | None = "en") -> m.Glossary:
        return self._one("glossary", s.GLOSSARY_ID, lang)


_cache: dict[tuple[Path, bool], Catalog] = {}
_cache_lock = threading.Lock()


def load(root: Path | str | None = None, *, strict: bool = False) -> Catalog:
    """The catalog for ``root`` (default: the packaged activities), parsed once per process.

    Raises :class:`ContentError` on fatal problems (schema errors in meta.yaml/en.yaml, duplicate ids);
    with ``strict=True`` also on missing translations and incomplete content, as ``validate`` does.
    """
    key = (Path(root).resolve() if root is not None else DEFAULT_ROOT, strict)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        result = scan(key[0])
        bad = [i for i in result.issues if (i.severity == "error" if strict else i.fatal)]
        if bad:
            raise ContentError(bad)
        catalog = Catalog(result)
        _cache[key] = catalog
        return catalog


def clear_cache() -> None:
    """Forget loaded catalogs (tests, or a long-running process after content changed)."""
    with _cache_lock:
        _cache.clear()
