"""Templates a trainer downloads and adapts, as Word documents (python-docx).

A trainer adapts an e-mail or an agreement in the word processor she already uses, so the download is an
editable .docx, not a PDF: one step (one template) or the whole unit, in the language of the launch, with the
document language set so spell checking and screen readers use the right one. The step texts are the
content's own Markdown; only what the content uses is mapped (headings, paragraphs with bold, italic and line
breaks, bulleted and numbered lists). Placeholders such as ``[first name]`` stay as they are: they are what
the trainer fills in.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt
from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark", {"html": False})
#: BCP 47 tags Word knows for the content languages.
WORD_LANGUAGE = {"en": "en-GB", "nl": "nl-NL", "uk": "uk-UA", "de": "de-DE"}


def _set_language(document: Any, lang: str) -> None:
    tag = WORD_LANGUAGE.get(lang, lang)
    document.core_properties.language = tag
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        rpr = document.styles[style_name].element.get_or_add_rPr()
        lang_el = rpr.find(qn("w:lang"))
        if lang_el is None:
            lang_el = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang_el)
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang_el.set(qn(attr), tag)


def _inline(paragraph: Any, children: Iterable[Token]) -> None:
    bold = italic = False
    for tok in children:
        if tok.type == "strong_open":
            bold = True
        elif tok.type == "strong_close":
            bold = False
        elif tok.type == "em_open":
            italic = True
        elif tok.type == "em_close":
            italic = False
        elif tok.type in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif tok.type in ("text", "code_inline"):
            run = paragraph.add_run(tok.content)
            run.bold, run.italic = bold or None, italic or None


def add_markdown(document: Any, text: str, *, heading_offset: int = 1) -> None:
    """Append Markdown `text` to `document` (headings shifted by `heading_offset` levels)."""
    lists: list[dict[str, Any]] = []  # open lists, innermost last: {"ordered": bool, "number": str}
    pending_heading: int | None = None
    for tok in _MD.parse(text):
        if tok.type == "heading_open":
            pending_heading = min(int(tok.tag[1]) + heading_offset, 9)
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            lists.append({"ordered": tok.type == "ordered_list_open", "number": ""})
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "list_item_open":
            lists[-1]["number"] = tok.info or ""
            lists[-1]["first"] = True
        elif tok.type == "inline":
            if pending_heading is not None:
                paragraph = document.add_heading(level=pending_heading)
                pending_heading = None
            elif lists:
                current = lists[-1]
                style = "List Bullet" if not current["ordered"] else "List Paragraph"
                paragraph = document.add_paragraph(style=style)
                if current["ordered"] and current.get("first"):
                    paragraph.add_run(f"{current['number']}. ")
                current["first"] = False
                if len(lists) > 1:
                    paragraph.paragraph_format.left_indent = Pt(18 * len(lists))
            else:
                paragraph = document.add_paragraph()
            _inline(paragraph, tok.children or ())


def _document(lang: str, title: str) -> Any:
    document = Document()
    _set_language(document, lang)
    document.core_properties.title = title
    return document


def _bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def step_docx(unit: Any, step_id: str) -> bytes:
    """One step of a unit (one template) as a .docx; KeyError for a step the unit does not have."""
    step = next((s for s in unit.steps if s.id == step_id), None)
    if step is None:
        raise KeyError(step_id)
    document = _document(unit.lang, step.title)
    document.add_heading(step.title, level=1)
    add_markdown(document, step.body)
    return _bytes(document)


def unit_docx(unit: Any) -> bytes:
    """Every step of a unit, one section each, under the unit's title and summary."""
    document = _document(unit.lang, unit.title)
    document.add_heading(unit.title, level=0)
    document.add_paragraph(unit.summary)
    for step in unit.steps:
        document.add_heading(step.title, level=1)
        add_markdown(document, step.body)
    return _bytes(document)
