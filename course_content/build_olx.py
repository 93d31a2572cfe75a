"""Build an Open edX course (OLX, .tar.gz) that Studio imports with *Tools → Import*.

Layout as Studio exports it (docs.openedx.org, OLX guide): ``course.xml`` names the course's ``url_name``
(``run`` here, "course" by default like a Studio export), which must match ``course/<run>.xml`` and
``policies/<run>/policy.json``;
one chapter per module (the module block, then its scenarios), a chapter for reflection and planning
(journal, 30/60/90 plan) and a Train-the-Trainer chapter whose units are HTML rendered from Markdown,
plus the workshop agenda. Our XBlocks are written inline with stable ``url_name`` s, so a re-import
updates blocks instead of duplicating them (learner state is keyed on those ids).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, html

from . import model as m
from .labels import label
from .loader import Catalog
from .packaging import markdown_fragments, write_targz, xml_bytes

ADVANCED_MODULES = ["natalli_module", "natalli_scenario", "natalli_journal", "natalli_action_plan"]
TOP = "course"  # top-level folder inside the archive, as Studio exports it


@dataclass
class OlxCourse:
    """Files of the course being assembled: archive path (below TOP) -> bytes."""

    files: dict[str, bytes] = field(default_factory=dict)

    def put_xml(self, path: str, root: etree._Element) -> None:
        self.files[path] = xml_bytes(root)


def _grading_policy() -> dict:
    # Participation only (see lti_tool/domain/grading.py): a learner passes by taking part, never by
    # giving "right" answers.
    return {
        "GRADER": [
            {"type": "Module", "short_label": "Mod", "min_count": 4, "drop_count": 0, "weight": 0.4},
            {"type": "Scenario", "short_label": "Sc", "min_count": 4, "drop_count": 0, "weight": 0.4},
            {"type": "Reflection", "short_label": "Ref", "min_count": 1, "drop_count": 0, "weight": 0.2},
        ],
        "GRADE_CUTOFFS": {"Pass": 0.5},
    }


def _html_component(
    course: OlxCourse, url_name: str, display_name: str, build: Callable[[etree._Element], None]
):
    """An ``<html>`` component as OLX stores it: html/<name>.xml pointing at html/<name>.html."""
    body = html.Element("div", {"class": "natalli-html"})
    build(body)
    course.files[f"html/{url_name}.html"] = html.tostring(body, encoding="utf-8", method="html")
    course.put_xml(
        f"html/{url_name}.xml", etree.Element("html", filename=url_name, display_name=display_name)
    )
    return etree.Element("html", url_name=url_name)


def _append_markdown(parent: etree._Element, text: str) -> None:
    for fragment in markdown_fragments(text):
        parent.append(fragment)


def _heading(parent: etree._Element, level: int, text: str) -> None:
    etree.SubElement(parent, f"h{level}").text = text


def _bullets(parent: etree._Element, items: tuple[str, ...]) -> None:
    ul = etree.SubElement(parent, "ul")
    for item in items:
        etree.SubElement(ul, "li").text = item


def _ttt_body(unit: m.TttUnit, lang: str) -> Callable[[etree._Element], None]:
    def build(body: etree._Element) -> None:
        etree.SubElement(body, "p").text = unit.summary
        _heading(body, 3, label(lang, "aims"))
        _bullets(body, unit.aims)
        for step in unit.steps:
            _heading(body, 3, step.title)
            _append_markdown(body, step.body)
            if step.self_reflection:
                p = etree.SubElement(body, "p")
                etree.SubElement(p, "strong").text = label(lang, "self_reflection") + ": "
                etree.SubElement(p, "q").text = step.self_reflection
        if unit.feedback_questions:
            _heading(body, 3, label(lang, "feedback_questions"))
            _bullets(body, tuple(f"{q.label}: {q.hint}" for q in unit.feedback_questions))
        _heading(body, 3, label(lang, "checklist"))
        _bullets(body, unit.checklist)

    return build


def _country_body(page: m.CountryPage, lang: str) -> Callable[[etree._Element], None]:
    def build(body: etree._Element) -> None:
        etree.SubElement(body, "p").text = label(lang, "checked").format(date=page.checked.isoformat())
        if not page.verified:
            etree.SubElement(body, "p").text = label(lang, "unverified")
        _append_markdown(body, page.intro)
        for key in ("recognition", "helplines", "referral_routes"):
            _heading(body, 3, label(lang, key))
            _append_markdown(body, getattr(page, key))

    return build


def _agenda_body(agenda: m.WorkshopAgenda, lang: str) -> Callable[[etree._Element], None]:
    def build(body: etree._Element) -> None:
        _append_markdown(body, agenda.intro)
        table = etree.SubElement(body, "table")
        head = etree.SubElement(etree.SubElement(table, "thead"), "tr")
        for key in ("step", "purpose", "online", "in_person"):
            etree.SubElement(head, "th", scope="col").text = label(lang, key)
        rows = etree.SubElement(table, "tbody")
        n = 0
        for step in agenda.timeline():
            tr = etree.SubElement(rows, "tr")
            is_break = getattr(step, "is_break", False)
            n += 0 if is_break else 1
            etree.SubElement(tr, "th", scope="row").text = step.title if is_break else f"{n}. {step.title}"
            etree.SubElement(tr, "td").text = step.purpose
            etree.SubElement(tr, "td").text = str(step.minutes["online"])
            etree.SubElement(tr, "td").text = str(step.minutes["in_person"])
        foot = etree.SubElement(etree.SubElement(table, "tfoot"), "tr")
        etree.SubElement(foot, "th", scope="row").text = label(lang, "total")
        etree.SubElement(foot, "td")
        etree.SubElement(foot, "td").text = str(agenda.total_minutes("online"))
        etree.SubElement(foot, "td").text = str(agenda.total_minutes("in_person"))
        for step in agenda.timeline():
            _heading(body, 3, step.title)
            p = etree.SubElement(body, "p")
            etree.SubElement(p, "strong").text = label(lang, "tips") + ": "
            etree.SubElement(p, "span").text = step.facilitator_tips

    return build


class _Builder:
    def __init__(self, catalog: Catalog, lang: str):
        self.catalog, self.lang, self.course = catalog, lang, OlxCourse()
        self.chapters: list[str] = []

    def vertical(self, url_name: str, display_name: str, *children: etree._Element) -> str:
        v = etree.Element("vertical", display_name=display_name)
        v.extend(children)
        self.course.put_xml(f"vertical/{url_name}.xml", v)
        return url_name

    def sequential(
        self, url_name: str, display_name: str, verticals: list[str], grader: str | None = None
    ) -> str:
        attrs = {"display_name": display_name}
        if grader:
            attrs.update(graded="true", format=grader)
        seq = etree.Element("sequential", attrs)
        for v in verticals:
            etree.SubElement(seq, "vertical", url_name=v)
        self.course.put_xml(f"sequential/{url_name}.xml", seq)
        return url_name

    def chapter(self, url_name: str, display_name: str, sequentials: list[str]) -> None:
        ch = etree.Element("chapter", display_name=display_name)
        for seq in sequentials:
            etree.SubElement(ch, "sequential", url_name=seq)
        self.course.put_xml(f"chapter/{url_name}.xml", ch)
        self.chapters.append(url_name)

    def build(self, org: str, number: str, run: str) -> dict[str, bytes]:
        cat, lang = self.catalog, self.lang
        for module in cat.modules(lang):
            block = etree.Element(
                "natalli_module",
                url_name=f"module-{module.id}",
                display_name=module.title,
                module_id=module.id,
            )
            seqs = [
                self.sequential(
                    f"seq-module-{module.id}",
                    module.title,
                    [self.vertical(f"vert-module-{module.id}", module.title, block)],
                    grader="Module",
                )
            ]
            scenario_verticals = []
            for sc in cat.scenarios(module=module.id, lang=lang):
                sblock = etree.Element(
                    "natalli_scenario", url_name=f"scenario-{sc.id}", display_name=sc.title, scenario_id=sc.id
                )
                scenario_verticals.append(self.vertical(f"vert-scenario-{sc.id}", sc.title, sblock))
            if scenario_verticals:
                seqs.append(
                    self.sequential(
                        f"seq-scenarios-{module.id}",
                        label(lang, "scenarios"),
                        scenario_verticals,
                        grader="Scenario",
                    )
                )
            self.chapter(
                f"chapter-{module.id}", label(lang, "module_n", n=module.order, title=module.title), seqs
            )

        reflection = []
        if "reflection-journal" in cat:
            journal = cat.journal(lang)
            jblock = etree.Element(
                "natalli_journal", url_name="reflection-journal", display_name=journal.title
            )
            reflection.append(self.vertical("vert-journal", journal.title, jblock))
        if "action-plan-30-60-90" in cat:
            plan = cat.action_plan(lang)
            pblock = etree.Element(
                "natalli_action_plan", url_name="action-plan-30-60-90", display_name=plan.title
            )
            reflection.append(self.vertical("vert-action-plan", plan.title, pblock))
        if reflection:
            title = label(lang, "reflection_and_planning")
            self.chapter(
                "chapter-reflection",
                title,
                [self.sequential("seq-reflection", title, reflection, "Reflection")],
            )

        ttt_verticals = []
        for unit in cat.ttt_units(lang):
            comp = _html_component(self.course, f"ttt-{unit.id}", unit.title, _ttt_body(unit, lang))
            ttt_verticals.append(self.vertical(f"vert-ttt-{unit.id}", unit.title, comp))
        if "workshop-agenda" in cat:
            agenda = cat.workshop_agenda(lang)
            comp = _html_component(self.course, "workshop-agenda", agenda.title, _agenda_body(agenda, lang))
            ttt_verticals.append(self.vertical("vert-workshop-agenda", agenda.title, comp))
        for page in cat.country_pages(lang):
            comp = _html_component(self.course, page.id, page.title, _country_body(page, lang))
            ttt_verticals.append(self.vertical(f"vert-{page.id}", page.title, comp))
        if ttt_verticals:
            title = label(lang, "ttt")
            self.chapter("chapter-ttt", title, [self.sequential("seq-ttt", title, ttt_verticals)])

        root = etree.Element("course", display_name=label(lang, "course_title"), language=lang)
        for ch in self.chapters:
            etree.SubElement(root, "chapter", url_name=ch)
        self.course.put_xml(f"course/{run}.xml", root)
        self.course.put_xml("course.xml", etree.Element("course", url_name=run, org=org, course=number))
        policy = {
            f"course/{run}": {
                "display_name": label(lang, "course_title"),
                "language": lang,
                "advanced_modules": ADVANCED_MODULES,
                "start": "2026-01-01T00:00:00Z",
            }
        }
        self.course.files[f"policies/{run}/policy.json"] = json.dumps(
            policy, indent=2, ensure_ascii=False
        ).encode()
        self.course.files[f"policies/{run}/grading_policy.json"] = json.dumps(
            _grading_policy(), indent=2
        ).encode()
        self.course.files["policies/assets.json"] = b"{}"
        return {f"{TOP}/{name}": data for name, data in self.course.files.items()}


def build_olx_files(
    catalog: Catalog, lang: str = "en", org: str = "NatAlli", number: str = "MENTORING", run: str = "course"
) -> dict[str, bytes]:
    """The archive's files (path -> bytes); separate from writing so tests can inspect them."""
    return _Builder(catalog, lang).build(org, number, run)


def build_olx(catalog: Catalog, out: Path, lang: str = "en", **course_key: str) -> Path:
    """Write the course to ``out`` (a .tar.gz file, or a directory to put natalli-course.tar.gz in)."""
    out = Path(out)
    if out.is_dir():
        out = out / f"natalli-course-{lang}.tar.gz"
    write_targz(out, build_olx_files(catalog, lang, **course_key))
    return out
