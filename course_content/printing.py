"""Printable PDFs from the content: a facilitator handbook and one learner handout per module.

Why generic: several people add content kinds (exercises, templates, country pages…). The handbook walks
whatever the :class:`~course_content.loader.Catalog` holds, field by field, so a new kind or field is
printed without touching this file. The rules, so content authors can predict the result:

* every object of every kind is printed, grouped in parts by kind (``PART_ORDER`` first, then any other
  kind in catalog order); an object with a ``module`` field is printed under that module instead;
* a text field is Markdown; a tuple of texts is a list; a tuple of small objects (sections, roles,
  questions…) becomes sub-headings, or a list when each holds only one text; a mapping is listed by key;
  identifiers (``id``, version numbers, any value that is a lowercase slug such as ``realism``) are
  left out;
* a field whose name contains ``facilitator`` or ``trainer`` is for facilitators only: boxed in the
  handbook, left out of the handouts, as are whole kinds in ``FACILITATOR_KINDS``;
* a handout holds one module and the objects pointing at it (scenarios, exercises…), learner text only,
  and ends with the support text (where to find help).

The HTML goes through WeasyPrint with tagged PDF (PDF/UA-1): real text, headings as the PDF outline,
the document language set, English fallbacks marked ``lang="en"``. WeasyPrint needs Pango (Debian:
``libpango-1.0-0 libpangoft2-1.0-0``) and a font with Cyrillic glyphs (``fonts-dejavu-core``).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from . import model as m
from .labels import label, print_label
from .loader import LANGUAGES, Catalog
from .packaging import _markdown

#: Parts of the handbook in this order; kinds not listed follow in catalog order.
PART_ORDER = ("workshop_agenda", "ttt_unit", "module", "journal", "action_plan", "self_assessment", "support")
#: Kinds written for facilitators: never in a learner handout.
FACILITATOR_KINDS = frozenset({"ttt_unit", "workshop_agenda"})
# Kinds that live only online: the anonymous feedback questionnaires (a paper copy would be neither anonymous
# nor counted), so they are not printed.
ONLINE_ONLY_KINDS = frozenset({"feedback"})
_FACILITATOR_FIELD = re.compile(r"facilitator|trainer")
#: Fields that identify or order things rather than say something to a reader.
_SKIP_FIELDS = frozenset(
    {
        "id",
        "kind",
        "version",
        "lang",
        "title",
        "fallback_fields",
        "order",
        "scenario_ids",
        "module",
        "role",
        "themes",
        "type",
        "over",
        "days",
        "free_entry_label",
        "rounds",
    }
)
#: Top-level text fields printed without a heading of their own (they open the object).
_LEAD_FIELDS = ("summary", "intro", "body")
_HEADLINE_FIELDS = ("title", "name", "label")
_HEADLINE_FIELDS_SET = frozenset(_HEADLINE_FIELDS)
_SLUG = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")


class PrintError(RuntimeError):
    """The PDF engine is missing or failed; the message says what to install."""


@dataclass
class Table:
    """Numbers that every item of a list carries under the same keys (the agenda's minutes per format)."""

    caption: str
    columns: list[tuple[str, str | None]]  # (heading, lang)
    rows: list[tuple[str, list[int]]]
    total_label: str

    @property
    def totals(self) -> list[int]:
        return [sum(row[1][i] for row in self.rows) for i in range(len(self.columns))]


@dataclass
class Node:
    """One printable block: an optional heading, then text, list items, facts, and child blocks.

    ``lang`` is set only where the text differs from the document language (an English fallback).
    """

    heading: str | None = None
    heading_lang: str | None = None
    anchor: str | None = None
    html: Markup | None = None
    lead: bool = False
    items: list[tuple[Markup, str | None]] = field(default_factory=list)  # (inline Markdown, lang)
    facts: list[tuple[str, str]] = field(default_factory=list)
    table: Table | None = None
    children: list[Node] = field(default_factory=list)
    facilitator: bool = False
    lang: str | None = None
    in_toc: bool = False  # listed in the table of contents
    outline: bool = False  # listed in the PDF outline (bookmarks)

    def is_empty(self) -> bool:
        return not (
            self.html
            or self.items
            or self.facts
            or self.table
            or any(not c.is_empty() for c in self.children)
        )


def _md(text: str) -> Markup:
    # Raw HTML is disabled in the shared Markdown renderer, so the output is safe to mark up as-is.
    return Markup(_markdown().render(text or ""))


def _md_inline(text: str) -> Markup:
    """One list item: **bold** and the like, without a paragraph around it."""
    return Markup(_markdown().renderInline(text or ""))


def _printable(value: Any) -> bool:
    """False for what the walker would leave out anyway: None, empty values, slugs, flags."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, str):
        return bool(value.strip()) and not _SLUG.match(value)
    if isinstance(value, tuple | Mapping):
        return bool(value)
    return True


def _is_facilitator_field(name: str) -> bool:
    return bool(_FACILITATOR_FIELD.search(name))


def _is_slug_list(values: tuple[Any, ...]) -> bool:
    return all(isinstance(v, str) and _SLUG.match(v) for v in values)


def _headline(obj: Any) -> str | None:
    for name in _HEADLINE_FIELDS:
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def _text_fields(obj: Any) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(obj)
        if isinstance(getattr(obj, f.name), str)
        and getattr(obj, f.name).strip()  # an optional text left empty (a step that is no practice round)
        and not _SLUG.match(getattr(obj, f.name))
        and f.name not in _SKIP_FIELDS
        and f.name not in _HEADLINE_FIELDS
    ]


class _Walker:
    """Turns one localised object into :class:`Node` s (see the module docstring for the rules)."""

    def __init__(self, catalog: Catalog, lang: str, *, learner: bool, fallbacks: Iterable[str] = ()):
        self.catalog = catalog
        self.lang = lang
        self.learner = learner
        self.fallbacks = frozenset(fallbacks)

    def _fallback_lang(self, path: str) -> str | None:
        parts = path.split(".")
        for i in range(1, len(parts) + 1):
            if ".".join(parts[:i]) in self.fallbacks:
                return "en" if self.lang != "en" else None
        return None

    def _label(self, key: str) -> tuple[str, str | None]:
        text, text_lang = print_label(self.lang, key)
        return text, (text_lang if text_lang != self.lang else None)

    def _value_text(self, value: Any) -> str | None:
        """A short fact: a number, a range of two numbers, or a text."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float | str):
            return str(value)
        if isinstance(value, date):  # e.g. the day a country page was last checked
            return value.isoformat()
        if dataclasses.is_dataclass(value):
            numbers = [getattr(value, f.name) for f in dataclasses.fields(value)]
            if numbers and all(isinstance(n, int) for n in numbers):
                return "–".join(str(n) for n in numbers)
        return None

    def fields(
        self, obj: Any, path: str = "", *, top: bool = False, skip: set[str] | None = None
    ) -> list[Node]:
        """The fields of ``obj`` as nodes, in declaration order (``skip``: already shown in a table)."""
        nodes: list[Node] = []
        facts = Node()
        text_fields = _text_fields(obj)
        for f in dataclasses.fields(obj):
            name, value = f.name, getattr(obj, f.name)
            if isinstance(obj, m.WorkshopAgenda) and name in ("steps", "breaks"):
                # One timetable: breaks in their place between the steps, so its totals are the session's.
                if name == "breaks":
                    continue
                value = obj.timeline()
            if name in _SKIP_FIELDS or (not top and name in _HEADLINE_FIELDS) or name in (skip or ()):
                continue
            facilitator = _is_facilitator_field(name)
            if facilitator and self.learner:
                continue
            fpath = f"{path}{name}"
            heading, heading_lang = self._label(f"field.{name}")
            node = Node(heading=heading, heading_lang=heading_lang, facilitator=facilitator)
            node.lang = self._fallback_lang(fpath)
            if isinstance(value, str):
                if not value.strip() or _SLUG.match(value):  # empty, or an identifier such as a category
                    continue
                node.html = _md(value)
                if top and name in _LEAD_FIELDS:
                    node.heading, node.lead = None, name == "summary"
                elif not top and (len(text_fields) == 1 or name == "body") and not facilitator:
                    node.heading = None  # an element's only text, or its body, needs no heading of its own
            elif isinstance(value, int | float | date | m.IntRange | m.MinutesRange) and not isinstance(
                value, bool
            ):
                text = self._value_text(value)
                if text is not None:
                    facts.facts.append((heading, text))
                continue
            elif isinstance(value, tuple):
                if not value or _is_slug_list(value):
                    continue
                self._sequence(node, value, f"{fpath}.")
            elif isinstance(value, Mapping):
                if not value:
                    continue
                self._mapping(node, value, f"{fpath}.")
            elif dataclasses.is_dataclass(value):
                text = self._value_text(value)
                if text is not None:
                    facts.facts.append((heading, text))
                    continue
                node.children = self.fields(value, f"{fpath}.")
            else:
                continue
            if not node.is_empty():
                nodes.append(node)
        if facts.facts:  # numbers after the opening text, before the sections
            leads = 0
            while leads < len(nodes) and nodes[leads].heading is None and nodes[leads].html is not None:
                leads += 1
            nodes.insert(leads, facts)
        return nodes

    def _number_table(self, values: tuple[Any, ...]) -> tuple[str, Table] | None:
        """A field that every item holds as ``{key: int}`` with the same keys becomes one table."""
        if not all(dataclasses.is_dataclass(v) and _headline(v) for v in values):
            return None
        for f in dataclasses.fields(values[0]):
            maps = [getattr(v, f.name, None) for v in values]
            if not all(isinstance(mp, Mapping) and mp for mp in maps):
                continue
            keys = list(maps[0])
            if all(list(mp) == keys and all(type(x) is int for x in mp.values()) for mp in maps):
                caption, _ = self._label(f"field.{f.name}")
                return f.name, Table(
                    caption=caption,
                    columns=[self._key_heading(k) for k in keys],
                    rows=[
                        (_headline(v) or "", [mp[k] for k in keys])
                        for v, mp in zip(values, maps, strict=True)
                    ],
                    total_label=self._label("total")[0],
                )
        return None

    def _sequence(self, node: Node, values: tuple[Any, ...], path: str) -> None:
        tabled = self._number_table(values)
        if tabled:
            node.table = tabled[1]
        skip = {tabled[0]} if tabled else set()
        for value in values:
            if isinstance(value, str):
                node.items.append((_md_inline(value), None))
                continue
            if not dataclasses.is_dataclass(value):
                continue
            elem_path = f"{path}{getattr(value, 'id', '')}"
            headline = _headline(value)
            texts = _text_fields(value)
            rest = [  # anything printable besides its headline and texts
                f.name
                for f in dataclasses.fields(value)
                if f.name not in _SKIP_FIELDS | _HEADLINE_FIELDS_SET | skip
                and f.name not in texts
                and _printable(getattr(value, f.name))
            ]
            lang = self._fallback_lang(elem_path)
            if headline and not texts and not rest:
                node.items.append((_md_inline(headline), lang))
            elif not headline and len(texts) == 1 and not rest:
                text = getattr(value, texts[0])
                if text.strip():
                    node.items.append((_md_inline(text), lang))
            else:
                child = Node(heading=headline, lang=lang)
                child.children = self.fields(value, f"{elem_path}.", skip=skip)
                if not child.is_empty() or headline:
                    node.children.append(child)

    def _mapping(self, node: Node, values: Mapping[str, Any], path: str) -> None:
        for key, value in values.items():
            heading, heading_lang = self._key_heading(str(key))
            text = self._value_text(value)
            if text is not None:
                node.facts.append((heading, text))
                continue
            child = Node(heading=heading, heading_lang=heading_lang)
            if isinstance(value, tuple):
                self._sequence(child, value, f"{path}{key}.")
            elif dataclasses.is_dataclass(value):
                child.children = self.fields(value, f"{path}{key}.")
            if not child.is_empty():
                node.children.append(child)

    def _key_heading(self, key: str) -> tuple[str, str | None]:
        """A mapping key is an id: a module's title, a format's name, else the key humanised."""
        if key in self.catalog:
            return self.catalog.get(key, self.lang).title, None
        return self._label(key)

    def activity(self, obj: m.Activity, anchor_prefix: str = "") -> Node:
        self.fallbacks = frozenset(obj.fallback_fields)
        return Node(
            heading=obj.title,
            heading_lang=self._fallback_lang("title"),
            anchor=f"{anchor_prefix}{obj.kind}-{obj.id}",
            children=self.fields(obj, top=True),
            in_toc=True,
            outline=True,
        )


def _module_of(obj: Any) -> str | None:
    module = getattr(obj, "module", None)
    return module if isinstance(module, str) else None


def handbook_parts(catalog: Catalog, lang: str) -> list[Node]:
    """The facilitator handbook as parts (one per kind), each with its objects; only online-only kinds (the
    anonymous questionnaires) are left out."""
    objects = [o for o in catalog.all(lang) if o.kind not in ONLINE_ONLY_KINDS]
    module_ids = {o.id for o in objects if o.kind == "module"}
    walker = _Walker(catalog, lang, learner=False)
    kinds: list[str] = [k for k in PART_ORDER if any(o.kind == k for o in objects)]
    kinds += [k for k in dict.fromkeys(o.kind for o in objects) if k not in kinds]
    parts: list[Node] = []
    for kind in kinds:
        members = [
            o for o in objects if o.kind == kind and (kind == "module" or _module_of(o) not in module_ids)
        ]
        nodes = []
        for obj in members:
            node = walker.activity(obj)
            if kind == "module":
                node.children.extend(_attached(catalog, walker, objects, obj.id, learner=False))
            nodes.append(node)
        if not nodes:  # every object sits under its module
            continue
        if len(nodes) == 1:  # a kind with one object (the agenda, the journal…) is a part by itself
            nodes[0].in_toc = False
            parts.append(nodes[0])
            continue
        heading, heading_lang = walker._label(f"kind.{kind}")
        part = Node(heading=heading, heading_lang=heading_lang, anchor=f"part-{kind}", outline=True)
        part.children = nodes
        parts.append(part)
    return parts


def _attached(
    catalog: Catalog, walker: _Walker, objects: list[m.Activity], module_id: str, *, learner: bool
) -> list[Node]:
    """Objects pointing at a module, grouped by kind (scenarios, exercises…), under the module."""
    groups: list[Node] = []
    for kind in dict.fromkeys(o.kind for o in objects):
        if kind == "module" or (learner and kind in FACILITATOR_KINDS | ONLINE_ONLY_KINDS):
            continue
        members = [o for o in objects if o.kind == kind and _module_of(o) == module_id]
        if not members:
            continue
        heading, heading_lang = walker._label(f"kind.{kind}")
        group = Node(heading=heading, heading_lang=heading_lang, outline=True)
        group.children = [walker.activity(o) for o in members]
        groups.append(group)
    return groups


def handout_nodes(catalog: Catalog, lang: str, module_id: str) -> Node:
    """One module for learners: its text and everything attached to it, without facilitator fields."""
    module = catalog.module(module_id, lang)
    walker = _Walker(catalog, lang, learner=True)
    node = walker.activity(module)
    objects = catalog.all(lang)
    node.children.extend(_attached(catalog, walker, objects, module_id, learner=True))
    for support in (o for o in objects if o.kind == "support"):  # where to find help, on every handout
        extra = walker.activity(support)
        extra.outline = extra.in_toc = True
        node.children.append(extra)
    return node


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("course_content", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(catalog: Catalog, lang: str, *, module_id: str | None = None) -> str:
    """The print HTML: the handbook, or with ``module_id`` that module's learner handout."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    course = label(lang, "course_title")
    if module_id is None:
        doc_kind, _ = print_label(lang, "handbook")
        body = handbook_parts(catalog, lang)
        title = f"{course}: {doc_kind}"
    else:
        doc_kind, _ = print_label(lang, "handout")
        handout = handout_nodes(catalog, lang, module_id)
        body = [handout]
        title = f"{handout.heading} ({doc_kind})"
    return (
        _environment()
        .get_template("print.html")
        .render(
            lang=lang,
            title=title,
            course=course,
            doc_kind=doc_kind,
            handout=module_id is not None,
            version=print_label(lang, "content_version", version=catalog.version)[0],
            contents=print_label(lang, "contents")[0],
            for_facilitators=print_label(lang, "for_facilitators")[0],
            parts=body,
            css=Markup(_stylesheet()),
        )
    )


@cache
def _stylesheet() -> str:
    return (Path(__file__).parent / "templates" / "print.css").read_text(encoding="utf-8")


def write_pdf(html_text: str, out: Path) -> Path:
    """Render HTML to a tagged PDF (PDF/UA-1) at ``out``."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango or fontconfig missing on this machine
        raise PrintError(
            f"WeasyPrint cannot start ({exc}). Install it with `make setup`; on Debian it also needs "
            "`apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core`."
        ) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")  # a failed render never leaves half a PDF behind
    try:
        HTML(string=html_text, base_url=str(Path(__file__).parent)).write_pdf(
            partial, pdf_variant="pdf/ua-1", pdf_identifier=b"natalli-course-content"
        )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def _languages(lang: str) -> tuple[str, ...]:
    return LANGUAGES if lang == "all" else (lang,)


def build_handbook(catalog: Catalog, out: Path, *, lang: str = "en") -> list[Path]:
    """Write the handbook: to ``out`` if it names one .pdf for one language, else into the folder ``out``
    as ``natalli-handbook-<lang>.pdf``."""
    langs = _languages(lang)
    if len(langs) == 1 and out.suffix.lower() == ".pdf":
        return [write_pdf(render_html(catalog, langs[0]), out)]
    return [write_pdf(render_html(catalog, lg), out / f"natalli-handbook-{lg}.pdf") for lg in langs]


def build_handouts(catalog: Catalog, out: Path, *, lang: str = "en") -> list[Path]:
    """Write one handout per module and language into the folder ``out``:
    ``natalli-handout-<lang>-<order>-<module id>.pdf``."""
    paths = []
    for lg in _languages(lang):
        for module in catalog.modules(lg):
            target = out / f"natalli-handout-{lg}-{module.order}-{module.id}.pdf"
            paths.append(write_pdf(render_html(catalog, lg, module_id=module.id), target))
    return paths
