"""Server-rendered SVG charts for the report's tables: no script, no external file, printable.

A chart draws one column of a table; the table itself stays beside it as the accessible (and exact)
version, so the SVG is labelled as a picture of that table. Hidden cells (fewer than K people) are drawn as
an outlined stub with the "fewer than 5" words, never as a length.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from lti_tool.domain.programme import Cell

WIDTH = 640
ROW = 28
LABEL_W = 230
COLUMN_H = 180
INK, BAR, STUB, GRID = "#1d2b36", "#2f6d8c", "#6b7780", "#d7dee3"
SEGMENTS = ("#a33b20", "#d08a3c", "#b7b7b7", "#5f9ec0", "#2f6d8c", "#1f4c63", "#123040")


def _value(v: object) -> int | None:
    if isinstance(v, Cell):
        return v.value
    return v if isinstance(v, int) else None


def _svg(height: int, label: str, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" focusable="false">{body}</svg>'
    )


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(labels: Sequence[str], values: Sequence[object], label: str, hidden_label: str) -> Markup:
    """Horizontal bars, one per row."""
    numbers = [_value(v) for v in values]
    top = max([n for n in numbers if n is not None] + [1])
    span = WIDTH - LABEL_W - 70
    parts = []
    for i, (text, n) in enumerate(zip(labels, numbers, strict=True)):
        y = i * ROW + 6
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" fill="{INK}" font-size="13">'
                     f'{escape(_short(text))}</text>')
        if n is None:
            parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="14" height="16" fill="none" stroke="{STUB}" '
                         f'stroke-dasharray="3 2"/><text x="{LABEL_W + 20}" y="{y + 15}" fill="{STUB}" '
                         f'font-size="12">{escape(hidden_label)}</text>')
        else:
            width = round(span * n / top) if n else 0
            parts.append(f'<rect x="{LABEL_W}" y="{y + 2}" width="{width}" height="18" fill="{BAR}"/>'
                         f'<text x="{LABEL_W + width + 6}" y="{y + 15}" fill="{INK}" font-size="12">{n}</text>')
    return _svg(len(numbers) * ROW + 12, label, "".join(parts))


def columns(labels: Sequence[str], values: Sequence[object], label: str, hidden_label: str) -> Markup:
    """Vertical columns over time (months), labelled below."""
    numbers = [_value(v) for v in values]
    top = max([n for n in numbers if n is not None] + [1])
    count = max(len(numbers), 1)
    slot = (WIDTH - 40) / count
    width = max(min(slot * 0.7, 48), 4)
    base = COLUMN_H + 10
    parts = [f'<line x1="20" y1="{base}" x2="{WIDTH - 20}" y2="{base}" stroke="{GRID}"/>']
    for i, (text, n) in enumerate(zip(labels, numbers, strict=True)):
        x = 20 + i * slot + (slot - width) / 2
        cx = x + width / 2
        if n is None:
            parts.append(f'<rect x="{x:.1f}" y="{base - 14}" width="{width:.1f}" height="14" fill="none" '
                         f'stroke="{STUB}" stroke-dasharray="3 2"><title>{escape(hidden_label)}</title></rect>')
        else:
            h = round((COLUMN_H - 20) * n / top)
            parts.append(f'<rect x="{x:.1f}" y="{base - h}" width="{width:.1f}" height="{h}" fill="{BAR}"/>'
                         f'<text x="{cx:.1f}" y="{base - h - 4}" text-anchor="middle" font-size="11" '
                         f'fill="{INK}">{n}</text>')
        if count <= 12 or i % max(count // 12, 1) == 0:
            parts.append(f'<text x="{cx:.1f}" y="{base + 16}" text-anchor="middle" font-size="11" fill="{INK}">'
                         f'{escape(text)}</text>')
    return _svg(base + 26, label, "".join(parts))


def stacked(labels: Sequence[str], rows: Sequence[Sequence[object]], totals: Sequence[object],
            legend: Sequence[str], label: str, hidden_label: str) -> Markup:
    """One bar per row split into its answers; answers hidden below K share one grey segment, whose size is
    the row's total minus the shown answers (0 or at least K by the secondary-hiding rule)."""
    span = WIDTH - LABEL_W - 20
    parts = []
    for i, (text, values, total) in enumerate(zip(labels, rows, totals, strict=True)):
        y = i * ROW + 6
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end" fill="{INK}" font-size="13">'
                     f'{escape(_short(text))}</text>')
        whole = _value(total)
        if not whole:
            continue
        x = float(LABEL_W)
        shown = 0
        for j, v in enumerate(values):
            n = _value(v)
            if not n:
                continue
            shown += n
            w = span * n / whole
            parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="18" '
                         f'fill="{SEGMENTS[j % len(SEGMENTS)]}"><title>{escape(legend[j])}: {n}</title></rect>')
            x += w
        if whole - shown > 0:
            w = span * (whole - shown) / whole
            parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="18" fill="#e4e4e4" '
                         f'stroke="{STUB}" stroke-dasharray="3 2"><title>{escape(hidden_label)}</title></rect>')
    key_y = len(labels) * ROW + 14
    x = 10.0
    for j, name in enumerate(list(legend) + [hidden_label]):
        colour = SEGMENTS[j % len(SEGMENTS)] if j < len(legend) else "#e4e4e4"
        parts.append(f'<rect x="{x:.0f}" y="{key_y}" width="12" height="12" fill="{colour}" stroke="{STUB}"/>'
                     f'<text x="{x + 16:.0f}" y="{key_y + 10}" font-size="11" fill="{INK}">{escape(_short(name, 26))}</text>')
        x += 24 + 6.2 * min(len(name), 26)
        if x > WIDTH - 120 and j < len(legend):
            x = 10.0
            key_y += 18
    return _svg(key_y + 22, label, "".join(parts))


def chart_for(table: object, hidden_label: str, label: str) -> Markup:
    """The chart a report Table asks for (empty when it asks for none or has no rows)."""
    kind = getattr(table, "chart", None)
    rows = getattr(table, "rows", [])
    if not kind or not rows:
        return Markup("")
    names = [name for name, _values in rows]
    if kind == "stacked":
        return stacked(names, [values[:-1] for _n, values in rows], [values[-1] for _n, values in rows],
                       table.columns[1:-1], label, hidden_label)  # type: ignore[attr-defined]
    column = table.chart_column  # type: ignore[attr-defined]
    values = [values[column] for _n, values in rows]
    return (columns if kind == "columns" else bars)(names, values, label, hidden_label)
