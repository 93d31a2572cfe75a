"""Small shared helpers for the builders: deterministic archives, XML serialisation, Markdown to HTML."""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import zipfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from lxml import etree, html
from markdown_it import MarkdownIt

#: A fixed timestamp so two builds of the same content are byte-identical (2026-01-01T00:00:00Z).
FIXED_MTIME = 1767225600


def xml_bytes(root: etree._Element) -> bytes:
    """Serialise with a declaration; lxml escapes every text and attribute value."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def _markdown() -> MarkdownIt:
    # "commonmark" without raw HTML: anything tag-like in the content is escaped, never passed through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_fragments(text: str) -> list[html.HtmlElement]:
    """Render trusted-format Markdown into lxml elements (to append to a tree, not to concatenate)."""
    rendered = _markdown().render(text or "")
    if not rendered.strip():
        return []
    return [f for f in html.fragments_fromstring(rendered) if isinstance(f, html.HtmlElement)]


def safe_identifier(value: str, prefix: str) -> str:
    """An XML ID / url_name: starts with a letter, only [A-Za-z0-9_.-]."""
    return prefix + re.sub(r"[^A-Za-z0-9_.-]", "_", value)


def write_targz(out: Path, files: Mapping[str, bytes]) -> None:
    """A gzip'd tar with stable order and timestamps (reproducible, diffable between releases).

    The gzip header is written here, with the fixed time: ``tarfile``'s "w:gz" stamps the current time
    into it, so two builds a second apart differed.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # The gzip header carries its own timestamp; "w:gz" would stamp the current second into it, so two
    # builds a second apart differed. Fix it like the tar members' mtimes.
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=FIXED_MTIME) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        dirs: set[str] = set()
        for name in sorted(files):
            parts = name.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    info = tarfile.TarInfo(d)
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, FIXED_MTIME
                    tar.addfile(info)
            data = files[name]
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, FIXED_MTIME
            tar.addfile(info, io.BytesIO(data))
    out.write_bytes(buffer.getvalue())


def write_zip(out: Path, files: Mapping[str, bytes], first: str | None = None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(files, key=lambda n: (n != first, n))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
