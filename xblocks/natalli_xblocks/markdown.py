"""A deliberately tiny Markdown renderer for course_content text.

Content is restricted by course_content/FORMAT.md to plain paragraphs, short lists, **bold** (and the odd *emphasis*), so a full
Markdown library (and its HTML pass-through, a script-injection risk) is not needed: everything is escaped
first and only those three constructs are turned into markup.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![*\w])([*_])(?![\s*_])(.+?)(?<![\s*_])\1(?![*\w])")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")


def _inline(text: str) -> str:
    bold = _BOLD.sub(r"<strong>\1</strong>", html.escape(text.strip(), quote=False))
    return _EM.sub(r"<em>\2</em>", bold)


def _block(lines: list[str]) -> str:
    """One blank-line-separated block, which may mix a lead-in paragraph with list items."""
    out: list[str] = []
    para: list[str] = []
    items: list[str] = []
    tag = ""

    def flush_para() -> None:
        if para:
            text = " ".join(_inline(line) for line in para)
            heading = _HEADING.match(para[0]) if len(para) == 1 else None
            # Headings inside content must not break the page outline, so they become bold paragraphs.
            out.append(f"<p><strong>{_inline(heading.group(1))}</strong></p>" if heading else f"<p>{text}</p>")
            para.clear()

    def flush_list() -> None:
        nonlocal tag
        if items:
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + f"</{tag}>")
            items.clear()
        tag = ""

    for line in lines:
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        match = bullet or numbered
        if match:
            flush_para()
            wanted = "ul" if bullet else "ol"
            if tag and tag != wanted:
                flush_list()
            tag = wanted
            items.append(match.group(1))
        elif items and line[:1].isspace():
            items[-1] += " " + line.strip()  # an indented continuation of the previous item
        else:
            flush_list()
            para.append(line)
    flush_para()
    flush_list()
    return "".join(out)


@lru_cache(maxsize=2048)
def render(text: str | None) -> str:
    """Markdown subset → safe HTML (paragraphs, bullet/numbered lists, bold)."""
    if not text:
        return ""
    return "".join(
        _block([line for line in block.splitlines() if line.strip()])
        for block in re.split(r"\n\s*\n", text.strip())
    )
