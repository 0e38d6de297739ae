"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing from the internet.

Each chart is an `<svg role="img">` whose aria-label is a sentence summing it up (screen readers
read that; the page also has the same numbers as a table), with a `<title>` on every column or
point so a mouse shows the exact figures. Colours are presentation attributes, not inline
styles, so the console's Content-Security-Policy (no inline styles) allows them. Callers pass
labels and tooltips already worded and formatted: this module knows no language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FOLLOW, ADOPTED, UNFOLLOW, NET, COUNT = "#1a7f37", "#9aa5b1", "#c62828", "#1f2933", "#0b5cad"
ERASED = "#e6a5a5"  # a paler red than a block: a friend lost to us, not one who left
# Okabe–Ito: told apart by people with colour-vision deficiency; grey last (for "unknown").
PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#332288",
    "#888888",
)


@dataclass(frozen=True)
class Layout:
    """A chart's size in SVG units. The SVG scales to its box, text with it, so a phone gets a
    narrow layout of its own (its text stays about 12 px) instead of a shrunken wide one."""

    name: str
    width: int
    height: int
    left: int
    font: int
    x_labels: int
    right: int = 12
    top: int = 14
    bottom: int = 30


WIDE = Layout("wide", width=640, height=260, left=64, font=13, x_labels=7)
NARROW = Layout("narrow", width=360, height=250, left=50, font=12, x_labels=4, right=8)


@dataclass(frozen=True)
class Flow:
    """One column of the follows chart: adds up (follows, then adopted), losses down
    (unfollows, then erased)."""

    label: str
    follows: int
    adopted: int
    unfollows: int
    erased: int
    tip: str

    @property
    def net(self) -> int:
        """Adds minus losses."""
        return self.follows + self.adopted - self.unfollows - self.erased


@dataclass(frozen=True)
class Series:
    """One stacked series: a name, its colour and a value per column."""

    name: str
    colour: str
    values: Sequence[int]


@dataclass(frozen=True)
class Frame:
    """The plot area and the scale from values to y."""

    layout: Layout
    lo: float
    hi: float
    columns: int

    @property
    def band(self) -> float:
        """The width of one column."""
        return (self.layout.width - self.layout.left - self.layout.right) / max(self.columns, 1)

    def x(self, i: int) -> float:
        """The centre of column i."""
        return self.layout.left + self.band * (i + 0.5)

    def y(self, value: float) -> float:
        """The vertical position of a value."""
        span = (self.hi - self.lo) or 1
        box = self.layout
        return box.top + (self.hi - value) / span * (box.height - box.top - box.bottom)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10ⁿ apart) covering lo..hi."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1)  # counts are whole numbers
    first = math.floor(lo / step) * step
    return [first + step * k for k in range(math.ceil((hi - first) / step) + 1)]


def _n(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(layout: Layout, label: str, body: list[str]) -> Markup:
    """The chart element around its parts."""
    return Markup(
        f'<svg class="chart dashboard-chart dashboard-{layout.name}" '
        f'viewBox="0 0 {layout.width} {layout.height}" role="img" '
        f'aria-label="{escape(label)}" font-size="{layout.font}">' + "".join(body) + "</svg>"
    )


def _y_axis(frame: Frame, ticks: list[float]) -> list[str]:
    """Horizontal grid lines with their values, and a darker line at zero."""
    box, parts = frame.layout, []
    for value in ticks:
        y = _n(frame.y(value))
        colour = "#52606d" if value == 0 else "#e4e7eb"
        parts.append(
            f'<line x1="{box.left}" x2="{box.width - box.right}" y1="{y}" y2="{y}" '
            f'stroke="{colour}"/><text x="{box.left - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle" fill="#52606d">{int(value):,}</text>'
        )
    return parts


def _x_labels(frame: Frame, labels: Sequence[str]) -> list[str]:
    """Some column labels along the bottom, evenly spaced, the newest always shown."""
    box = frame.layout
    step = max(1, math.ceil(len(labels) / box.x_labels))
    last = len(labels) - 1
    parts = []
    for i, label in enumerate(labels):
        if (last - i) % step:
            continue
        # The newest label ends at the right edge instead of running over it.
        x, anchor = (box.width - box.right, "end") if i == last else (frame.x(i), "middle")
        parts.append(
            f'<text x="{_n(x)}" y="{box.height - 8}" text-anchor="{anchor}" fill="#52606d">'
            f"{escape(label)}</text>"
        )
    return parts


def _bar(x: float, y1: float, y2: float, width: float, colour: str) -> str:
    """A vertical bar between two y positions."""
    top, height = min(y1, y2), abs(y2 - y1)
    return (
        f'<rect x="{_n(x - width / 2)}" y="{_n(top)}" width="{_n(width)}" '
        f'height="{_n(height)}" fill="{colour}"/>'
    )


def _hover(frame: Frame, i: int, tip: str, inner: list[str]) -> str:
    """A column's shapes with its tooltip, over a full-height hit area."""
    box = frame.layout
    hit = (
        f'<rect x="{_n(frame.x(i) - frame.band / 2)}" y="{box.top}" width="{_n(frame.band)}" '
        f'height="{box.height - box.top - box.bottom}" fill="transparent"/>'
    )
    return f"<g><title>{escape(tip)}</title>{hit}{''.join(inner)}</g>"


def _line(frame: Frame, values: Sequence[float], colour: str) -> str:
    """A polyline through the column centres."""
    points = " ".join(f"{_n(frame.x(i))},{_n(frame.y(v))}" for i, v in enumerate(values))
    return f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'


def flow_chart(columns: Sequence[Flow], label: str, layout: Layout = WIDE) -> Markup:
    """Follows (and adopted friends) up, unfollows (and erased friends) down, the net change
    as a line."""
    lows = [-c.unfollows - c.erased for c in columns] + [c.net for c in columns] + [0]
    highs = [c.follows + c.adopted for c in columns] + [c.net for c in columns] + [1]
    ticks = nice_ticks(min(lows), max(highs))
    frame = Frame(layout, ticks[0], ticks[-1], len(columns))
    width = max(frame.band * 0.7, 1)
    body = _y_axis(frame, ticks)
    for i, c in enumerate(columns):
        x, zero = frame.x(i), frame.y(0)
        shapes = [
            _bar(x, zero, frame.y(c.follows), width, FOLLOW),
            _bar(x, frame.y(c.follows), frame.y(c.follows + c.adopted), width, ADOPTED),
            _bar(x, zero, frame.y(-c.unfollows), width, UNFOLLOW),
            _bar(x, frame.y(-c.unfollows), frame.y(-c.unfollows - c.erased), width, ERASED),
        ]
        body.append(_hover(frame, i, c.tip, shapes))
    body.append(_line(frame, [c.net for c in columns], NET))
    body += _x_labels(frame, [c.label for c in columns])
    return _svg(layout, label, body)


def line_chart(
    labels: Sequence[str],
    values: Sequence[int],
    tips: Sequence[str],
    label: str,
    layout: Layout = WIDE,
) -> Markup:
    """A count over time; the axis spans the values (it need not start at zero)."""
    ticks = nice_ticks(min(values, default=0), max(values, default=1))
    frame = Frame(layout, ticks[0], ticks[-1], len(values))
    body = _y_axis(frame, ticks)
    body.append(_line(frame, values, COUNT))
    radius = _n(min(3, max(frame.band / 3, 1)))
    for i, (value, tip) in enumerate(zip(values, tips, strict=True)):
        x, y = _n(frame.x(i)), _n(frame.y(value))
        dot = f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{COUNT}"/>'
        body.append(_hover(frame, i, tip, [dot]))
    body += _x_labels(frame, labels)
    return _svg(layout, label, body)


def stacked_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    tips: Sequence[str],
    label: str,
    layout: Layout = WIDE,
) -> Markup:
    """Columns of stacked series (questions per topic per week)."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    ticks = nice_ticks(0, max(totals, default=1))
    frame = Frame(layout, ticks[0], ticks[-1], len(labels))
    width = max(frame.band * 0.7, 1)
    body = _y_axis(frame, ticks)
    for i, tip in enumerate(tips):
        shapes, base = [], 0
        for s in series:
            if s.values[i]:
                shapes.append(
                    _bar(frame.x(i), frame.y(base), frame.y(base + s.values[i]), width, s.colour)
                )
                base += s.values[i]
        body.append(_hover(frame, i, tip, shapes))
    body += _x_labels(frame, labels)
    return _svg(layout, label, body)


def for_every_layout(draw, *args) -> Markup:
    """The chart in each layout; the page's CSS shows the one that fits the screen."""
    return Markup("").join(draw(*args, layout=layout) for layout in (WIDE, NARROW))


def swatch(colour: str) -> Markup:
    """A small square of a colour, for legends written in HTML."""
    return Markup(
        '<svg class="dashboard-swatch" width="12" height="12" aria-hidden="true">'
        f'<rect width="12" height="12" rx="2" fill="{escape(colour)}"/></svg>'
    )


def line_swatch(colour: str) -> Markup:
    """A short line of a colour, for a legend entry of a line series."""
    return Markup(
        '<svg class="dashboard-swatch" width="16" height="12" aria-hidden="true">'
        f'<line x1="0" x2="16" y1="6" y2="6" stroke="{escape(colour)}" stroke-width="2"/></svg>'
    )
