"""The printable handbook and handouts: real PDFs in four languages, read back with pypdf.

One command (``build print OUT --lang all``) writes everything once per test session; the tests then
open each PDF as a reader's software would: the document language, the outline (bookmarks), tagged
structure and the extracted text.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from course_content import LANGUAGES, load
from course_content import model as m
from course_content.__main__ import main
from course_content.labels import label, print_label
from course_content.printing import build_handouts, handbook_parts, render_html
from tests.content.conftest import ContentTree

pypdf = pytest.importorskip("pypdf")

CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _flat(text: str) -> str:
    """Whitespace folded, so a sentence broken over lines in the PDF still matches the source (also after a
    hyphen that ends a line, as in "peer-⏎mentorgroep")."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def _outline_titles(reader) -> list[str]:
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def _structure_tags(reader) -> Counter:
    """How often each structure type (H1, P, Table…) occurs in the tagged PDF's structure tree."""
    counts: Counter = Counter()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, dict):
            continue
        if "/S" in node:
            counts[str(node["/S"])] += 1
        kids = node.get("/K")
        if kids is not None:
            kids = kids.get_object()
            stack.extend(kids if isinstance(kids, list) else [kids])
    return counts


def _text(reader) -> str:
    return _flat(" ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print")
    assert main(["build", "print", str(out), "--lang", "all"]) == 0
    return out


def _first_sentence(markdown: str) -> str:
    plain = re.sub(r"[*_`#>]+", "", markdown)
    return _flat(re.split(r"(?<=[.!?])\s", plain.strip(), maxsplit=1)[0])


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_handbook_pdf_is_tagged_text_in_its_language_with_an_outline(printed: Path, lang: str) -> None:
    catalog = load()
    reader = pypdf.PdfReader(printed / f"natalli-handbook-{lang}.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged PDF: headings, paragraphs, lists for screen readers
    tags = _structure_tags(reader)
    assert tags["/H1"] >= 5 and tags["/H2"] >= len(catalog.modules(lang)) + len(catalog.ttt_units(lang))
    # The agenda is a table (other kinds, e.g. a glossary, may add theirs).
    assert tags["/Table"] >= 1 and tags["/TH"] >= len(catalog.workshop_agenda(lang).steps)
    assert tags["/L"] > 10 and tags["/P"] > 100
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title.startswith(label(lang, "course_title"))

    outline = _outline_titles(reader)
    expected = [mod.title for mod in catalog.modules(lang)]
    expected += [sc.title for sc in catalog.scenarios(lang=lang)]
    expected += [unit.title for unit in catalog.ttt_units(lang)]
    expected += [
        catalog.workshop_agenda(lang).title,
        catalog.journal(lang).title,
        catalog.support(lang).title,
    ]
    missing = [title for title in expected if title not in outline]
    assert not missing, f"not in the {lang} outline: {missing}"

    text = _text(reader)
    for title in expected:
        assert _flat(title) in text
    if lang == "uk":
        assert len(CYRILLIC.findall(text)) > 10_000  # real Cyrillic text, not images or boxes
    # The handbook is for facilitators: their notes are in it.
    scenario = catalog.scenarios(lang=lang)[0]
    assert _first_sentence(scenario.facilitator_notes) in text


@pytest.mark.slow
def test_handbook_embeds_a_font_that_has_the_cyrillic_glyphs(printed: Path) -> None:
    reader = pypdf.PdfReader(printed / "natalli-handbook-uk.pdf")
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts and all("DejaVu" in name for name in fonts), fonts


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_module_has_a_learner_handout_without_facilitator_notes(printed: Path, lang: str) -> None:
    catalog = load()
    scenarios_label = print_label(lang, "kind.scenario")[0]
    for module in catalog.modules(lang):
        reader = pypdf.PdfReader(
            printed / "handouts" / f"natalli-handout-{lang}-{module.order}-{module.id}.pdf"
        )
        assert reader.trailer["/Root"]["/Lang"] == lang
        scenarios = catalog.scenarios(module=module.id, lang=lang)
        # Only this module and its scenarios: no Train-the-Trainer unit, no other module.
        support = catalog.support(lang)
        assert _outline_titles(reader) == [
            module.title,
            scenarios_label,
            *(sc.title for sc in scenarios),
            support.title,
        ]
        text = _text(reader)
        assert _flat(module.sections[0].title) in text
        assert _first_sentence(support.body) in text  # where to find help is on every handout
        for scenario in scenarios:
            assert _first_sentence(scenario.situation) in text
            for paragraph in _paragraphs(scenario.facilitator_notes):
                assert _first_sentence(paragraph) not in text


def _paragraphs(markdown: str) -> list[str]:
    return [p for p in markdown.split("\n\n") if p.strip()]


def _html_text(html_text: str) -> str:
    tree = lxml.html.fromstring(html_text)
    for style in tree.iter("style"):
        style.drop_tree()
    return _flat(tree.text_content())


def test_handout_html_leaves_out_every_facilitator_field_in_every_language() -> None:
    catalog = load()
    for lang in LANGUAGES:
        for module in catalog.modules(lang):
            html_text = render_html(catalog, lang, module_id=module.id)
            assert 'class="facilitator-label"' not in html_text
            text = _html_text(html_text)
            for scenario in catalog.scenarios(module=module.id, lang=lang):
                assert _first_sentence(scenario.situation) in text
                assert _first_sentence(scenario.no_right_answer) in text
                for paragraph in _paragraphs(scenario.facilitator_notes):
                    assert _first_sentence(paragraph) not in text


def test_handbook_html_prints_every_object_of_every_kind_in_the_document_language() -> None:
    catalog = load()
    for lang in LANGUAGES:
        html_text = render_html(catalog, lang)
        assert f'<html lang="{lang}">' in html_text
        assert 'lang="en"' not in html_text or lang == "en"  # the live content is fully translated
        from course_content.printing import ONLINE_ONLY_KINDS

        for obj in catalog.all(lang):
            printed = f'id="{obj.kind}-{obj.id}"' in html_text
            assert printed == (obj.kind not in ONLINE_ONLY_KINDS), obj.id  # questionnaires stay online
        # Facilitator notes and tips are boxed and labelled for the reader.
        assert html_text.count('class="facilitator-label"') >= len(catalog.scenarios(lang=lang))


@dataclasses.dataclass(frozen=True)
class _MeetingExercise(m._Localised):
    """A kind this module has never heard of, as another helper might add it."""

    module: str
    summary: str
    steps: tuple[m.TextSection, ...]
    route_card: str
    trainer_notes: str
    minutes: int
    checked: date


def _with_exercise(catalog, lang: str):
    exercise = _MeetingExercise(
        id="first-walk",
        kind="meeting_exercise",
        version=1,
        lang=lang,
        title="A first walk together",
        module="safe-start",
        summary="Mentor and mentee take a short walk and each names one place that matters.",
        steps=(m.TextSection("walk", "Walk", "Choose a quiet route of about twenty minutes."),),
        route_card="Write down **one place** each of you would like to show the other.",
        trainer_notes="Remind pairs that nobody has to share where they come from.",
        minutes=40,
        checked=date(2026, 11, 30),
    )
    everything = catalog.all(lang)

    class _Catalog:
        def __getattr__(self, name):
            return getattr(catalog, name)

        def __contains__(self, key):
            return key in catalog

        def all(self, lang_=None):
            return [*everything, exercise]

    return _Catalog()


def test_a_new_content_kind_is_printed_without_changes_and_its_trainer_notes_stay_out_of_handouts() -> None:
    catalog = _with_exercise(load(), "uk")
    parts = handbook_parts(catalog, "uk")
    html = render_html(catalog, "uk")
    assert 'id="meeting_exercise-first-walk"' in html
    # It sits under its module, after the module's own text, with its fields printed.
    module_part = next(p for p in parts if p.anchor == "part-module")
    safe_start = next(n for n in module_part.children if n.anchor == "module-safe-start")
    assert any(
        child.anchor == "meeting_exercise-first-walk"
        for group in safe_start.children
        for child in group.children
    )
    assert "Choose a quiet route" in html and "<strong>one place</strong>" in html
    # A field without a Ukrainian label gets an English heading, marked as English for screen readers.
    assert '<h5 lang="en">Route card</h5>' in html or 'lang="en">Route card</h' in html
    assert "2026-11-30" in html  # a date (when a page was checked) is printed, not dropped
    assert "Remind pairs" in html  # the handbook keeps trainer notes...
    handout = render_html(catalog, "uk", module_id="safe-start")
    assert "Choose a quiet route" in handout
    assert "Remind pairs" not in handout  # ...the learner's handout does not


def test_english_fallback_is_marked_in_the_print_html(tree: ContentTree) -> None:
    tree.edit("modules/safe-start/uk.yaml", lambda d: d.pop("for_mentors"))
    catalog = load(tree.root)
    english = _first_sentence(catalog.module("safe-start", "en").for_mentors)
    page = lxml.html.fromstring(render_html(catalog, "uk"))
    marked = [_flat(el.text_content()) for el in page.xpath('//main//*[@lang="en"]')]
    assert any(english in text for text in marked)
    ukrainian = _first_sentence(catalog.module("safe-start", "uk").for_mentees)
    assert not any(ukrainian in text for text in marked)


def test_build_rejects_all_languages_for_single_language_packages(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["build", "olx", str(tmp_path / "course.tar.gz"), "--lang", "all"])
    assert exc.value.code == 2
    assert "--lang all is for the PDFs" in capsys.readouterr().err
    assert not (tmp_path / "course.tar.gz").exists()


def test_handbook_to_a_single_file(tmp_path: Path, tree: ContentTree) -> None:
    out = tmp_path / "book.pdf"
    assert main(["build", "handbook", str(out), "--lang", "de", "--root", str(tree.root)]) == 0
    reader = pypdf.PdfReader(out)
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert load(tree.root).module("safe-start", "de").title in _outline_titles(reader)


def test_workshop_agenda_prints_a_minutes_table_with_totals_per_format() -> None:
    catalog = load()
    for lang in LANGUAGES:
        agenda = catalog.workshop_agenda(lang)
        page = lxml.html.fromstring(render_html(catalog, lang))
        table = page.xpath(f'//section[@id="workshop_agenda-{agenda.id}"]//table')[0]  # the timetable first
        rows = [[_flat(c.text_content()) for c in tr] for tr in table.xpath("./tbody/tr")]
        assert rows == [
            [step.title, str(step.minutes["online"]), str(step.minutes["in_person"])] for step in agenda.timeline()
        ]
        (total,) = table.xpath("./tfoot/tr")
        assert [c.text_content() for c in total][1:] == [
            str(agenda.total_minutes("online")),
            str(agenda.total_minutes("in_person")),
        ]
        assert [th.get("scope") for th in table.xpath(".//th")].count("col") == 2


def test_guiding_questions_print_as_a_list_in_the_handout() -> None:
    catalog = load()
    scenario = catalog.scenarios(module="safe-start", lang="nl")[0]
    page = lxml.html.fromstring(render_html(catalog, "nl", module_id="safe-start"))
    items = {_flat(li.text_content()) for li in page.xpath("//main//li")}
    assert {_flat(q.text) for q in scenario.guiding_questions} <= items


def test_same_content_gives_the_same_pdf_bytes(tmp_path: Path, tree: ContentTree) -> None:
    catalog = load(tree.root)
    first = build_handouts(catalog, tmp_path / "a", lang="uk")
    second = build_handouts(catalog, tmp_path / "b", lang="uk")
    assert [p.name for p in first] == [p.name for p in second] and len(first) == len(catalog.modules("uk"))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_without_the_pdf_engine_the_command_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if WeasyPrint (or Pango) were missing
    assert main(["build", "handouts", str(tmp_path / "out"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "WeasyPrint cannot start" in err and "libpango-1.0-0" in err and "make setup" in err
    assert not list(tmp_path.rglob("*.pdf"))


def test_print_labels_exist_in_every_language() -> None:
    from course_content.labels import PRINT_LABELS

    english = set(PRINT_LABELS["en"])
    for lang in LANGUAGES:
        assert set(PRINT_LABELS[lang]) == english, lang
        assert all(text.strip() for text in PRINT_LABELS[lang].values())


@pytest.mark.parametrize("target", ["handbook", "handouts", "print"])
def test_print_refuses_broken_content_and_writes_nothing(
    tree: ContentTree, tmp_path: Path, target: str, capsys
) -> None:
    tree.edit("support/meta.yaml", lambda d: d.update(kind="supprt"))
    assert main(["build", target, str(tmp_path / "out"), "--root", str(tree.root), "--lang", "all"]) == 1
    assert "support/meta.yaml: kind: Must be 'support'." in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
