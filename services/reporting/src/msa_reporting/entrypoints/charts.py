"""Server-rendered SVG charts: no script, no library, readable offline.

A suppressed value is drawn as a grey stub labelled "•" (explained on the page); every
chart carries a title and an aria label, and every bar its value as text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
HIDDEN = "•"
Format = Callable[[int], str]


@dataclass(frozen=True)
class Bar:
    series: int
    value: int | None
    text: str


@dataclass(frozen=True)
class Group:
    label: str
    bars: Sequence[Bar]


def number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def hours(minutes: int) -> str:
    return f"{minutes / 60:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " Std."


def euros(cents: int) -> str:
    return f"{number(round(cents / 100))} €"


def bar(series: int, value: int | None, fmt: Format = number) -> Bar:
    return Bar(series, value, HIDDEN if value is None else fmt(value))


def legend(names: Sequence[str], x: int, y: int) -> str:
    parts, offset = [], x
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{offset}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{offset + 16}" y="{y}" class="legend">{escape(name)}</text>'
        )
        offset += 24 + 8 * len(name)
    return "".join(parts)


def horizontal(chart_id: str, title: str, groups: Sequence[Group], series: Sequence[str],
               *, width: int = 900, label_width: int = 300) -> str:  # fmt: skip
    """Bars grouped per row label; one colour per series (e.g. per month)."""
    bar_h, gap = 14, 12
    top = 34 if len(series) > 1 else 10
    height = top + sum(len(g.bars) * bar_h + gap for g in groups) + 10
    scale = (width - label_width - 90) / max([b.value or 0 for g in groups for b in g.bars] + [1])
    out = [_open(chart_id, title, width, height)]
    if len(series) > 1:
        out.append(legend(series, label_width, 18))
    y = top
    for g in groups:
        block = len(g.bars) * bar_h
        out.append(_label(g.label, label_width - 8, y + block / 2 + 5, label_width // 8))
        if all(b.value == 0 for b in g.bars):
            out.append(f'<text x="{label_width}" y="{y + block / 2 + 5}" class="note">'
                       "0 (in keinem Monat)</text>")  # fmt: skip
            y += block + gap
            continue
        for b in g.bars:
            out.append(_hbar(b, label_width, y, bar_h - 3, scale))
            y += bar_h
        y += gap
    return "".join(out) + "</svg></figure>"


def _label(text: str, x: float, y: float, width: int) -> str:
    """A right-aligned row label, wrapped onto two lines when longer than ``width``."""
    lines = [text]
    if len(text) > width:
        cut = text.rfind(" ", 0, width)
        lines = [text[:cut], text[cut + 1 :]] if cut > 0 else lines
    first = y - 8 * (len(lines) - 1)
    spans = "".join(
        f'<tspan x="{x}" y="{first + 16 * i:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="label" text-anchor="end">{spans}</text>'


def vertical(chart_id: str, title: str, bars: Sequence[tuple[str, Bar, str]],
             *, width: int = 900, height: int = 260) -> str:  # fmt: skip
    """One bar per column label, with an optional note under the label."""
    bottom, top = height - 46, 24
    step = (width - 40) / max(len(bars), 1)
    scale = (bottom - top) / max([b.value or 0 for _, b, _ in bars] + [1])
    out = [_open(chart_id, title, width, height)]
    for i, (label, b, note) in enumerate(bars):
        x = 20 + i * step + step * 0.2
        w = step * 0.6
        h = (b.value or 0) * scale if b.value is not None else 6
        fill = PALETTE[b.series % len(PALETTE)] if b.value is not None else "#bbbbbb"
        out.append(f'<rect class="bar" x="{x:.1f}" y="{bottom - h:.1f}" width="{w:.1f}" '
                   f'height="{h:.1f}" fill="{fill}"><title>{escape(label)}: {b.text}</title></rect>'
                   f'<text x="{x + w / 2:.1f}" y="{bottom - h - 6:.1f}" class="value" '
                   f'text-anchor="middle">{b.text}</text>'
                   f'<text x="{x + w / 2:.1f}" y="{bottom + 18}" class="label" '
                   f'text-anchor="middle">{escape(label)}</text>'
                   f'<text x="{x + w / 2:.1f}" y="{bottom + 36}" class="note" '
                   f'text-anchor="middle">{escape(note)}</text>')  # fmt: skip
    out.append(f'<line x1="10" y1="{bottom}" x2="{width - 10}" y2="{bottom}" class="axis"/>')
    return "".join(out) + "</svg></figure>"


def _open(chart_id: str, title: str, width: int, height: int) -> str:
    return (f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<svg class="chart" data-chart="{chart_id}" '
            f'role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
            f'width="100%"><title>{escape(title)}</title>')  # fmt: skip


def _hbar(b: Bar, x: int, y: int, h: int, scale: float) -> str:
    if b.value is None:
        return (f'<rect class="bar hidden" x="{x}" y="{y}" width="8" height="{h}" fill="#bbbbbb"/>'
                f'<text x="{x + 14}" y="{y + h - 2}" class="value">{HIDDEN}</text>')  # fmt: skip
    w = max(b.value * scale, 1 if b.value else 0)
    fill = PALETTE[b.series % len(PALETTE)]
    return (f'<rect class="bar" x="{x}" y="{y}" width="{w:.1f}" height="{h}" fill="{fill}">'
            f'<title>{b.text}</title></rect>'
            f'<text x="{x + w + 6:.1f}" y="{y + h - 2}" class="value">{b.text}</text>')  # fmt: skip
