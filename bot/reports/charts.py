"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing from the internet.

Each chart is an `<svg role="img">` whose aria-label is a sentence summing it up (screen readers
read that; the page also has the same numbers as a table), with a `<title>` on every column or
point so a mouse shows the exact figures. Colours are presentation attributes, not inline
styles, so the console's Content-Security-Policy (no inline styles) allows them. Each series has
a texture as well as a colour (a `Fill`), so nothing is told by colour alone (WCAG 1.4.1): a grey
print, or a reader who cannot tell red from green, still tells the bars apart. Callers pass
labels and tooltips already worded and formatted: this module knows no language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FOLLOW, UNFOLLOW, NET, COUNT = "#1a7f37", "#c62828", "#1f2933", "#0b5cad"
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


# Textures drawn on a 6×6 tile over white, in the series' colour; "solid" is the colour alone.
TEXTURES = (
    "solid",
    "stripes",
    "dots",
    "backstripes",
    "rows",
    "columns",
    "crosshatch",
    "checks",
    "grid",
)
_TILES = {
    "stripes": ('patternTransform="rotate(45)"', '<rect width="3" height="6" fill="{c}"/>'),
    "backstripes": ('patternTransform="rotate(-45)"', '<rect width="3" height="6" fill="{c}"/>'),
    "dots": ("", '<circle cx="3" cy="3" r="1.8" fill="{c}"/>'),
    "crosshatch": (
        'patternTransform="rotate(45)"',
        '<rect width="1.2" height="6" fill="{c}"/><rect width="6" height="1.2" fill="{c}"/>',
    ),
    "rows": ("", '<rect width="6" height="3" fill="{c}"/>'),
    "columns": ("", '<rect width="3" height="6" fill="{c}"/>'),
    "grid": (
        "",
        '<rect width="1.5" height="6" fill="{c}"/><rect width="6" height="1.5" fill="{c}"/>',
    ),
    "checks": (
        "",
        '<rect width="3" height="3" fill="{c}"/>'
        '<rect x="3" y="3" width="3" height="3" fill="{c}"/>',
    ),
}


@dataclass(frozen=True)
class Fill:
    """How a series is painted: a colour and a texture, under a key unique on the page."""

    key: str
    colour: str
    texture: str = "solid"

    @property
    def paint(self) -> str:
        """The SVG fill: the colour, or the page's pattern of this texture (see `textures`)."""
        return self.colour if self.texture == "solid" else f"url(#fill-{self.key})"

    @property
    def edge(self) -> str | None:
        """The outline a bar needs to stand out from the white chart by 3:1 (WCAG 1.4.11):
        none for a solid colour that does by itself, the colour around a texture, and a dark
        grey around a pale colour (Okabe–Ito's yellow is 1.2:1 on white)."""
        if contrast_with_white(self.colour) < 3:
            return EDGE
        return None if self.texture == "solid" else self.colour


EDGE = "#52606d"  # 6.5:1 on white


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio of a #rrggbb colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


# The follows chart: adds up, losses down; within each stack the second kind is textured.
FOLLOWS_FILL = Fill("follows", FOLLOW)
ADOPTED_FILL = Fill("adopted", FOLLOW, "stripes")
UNFOLLOWS_FILL = Fill("unfollows", UNFOLLOW)
ERASED_FILL = Fill("erased", UNFOLLOW, "dots")
FLOW_FILLS = (FOLLOWS_FILL, ADOPTED_FILL, UNFOLLOWS_FILL, ERASED_FILL)


def textures(fills: Sequence[Fill]) -> Markup:
    """The patterns of the textured fills, once for the whole page (every chart and legend
    refers to them by id): an SVG of no size, hidden from screen readers. Not display:none,
    where a browser would not draw the patterns either."""
    patterns = []
    for fill in fills:
        if fill.texture == "solid":
            continue
        transform, marks = _TILES[fill.texture]
        patterns.append(
            f'<pattern id="fill-{escape(fill.key)}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse" {transform}><rect width="6" height="6" fill="#fff"/>'
            + marks.format(c=escape(fill.colour))
            + "</pattern>"
        )
    return Markup(
        '<svg class="chart-textures" width="0" height="0" aria-hidden="true" focusable="false">'
        f"<defs>{''.join(patterns)}</defs></svg>"
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
    """One stacked series: a name, its fill and a value per column."""

    name: str
    fill: Fill
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


def _bar(x: float, y1: float, y2: float, width: float, fill: Fill) -> str:
    """A vertical bar between two y positions, outlined where its fill needs it."""
    top, height = min(y1, y2), abs(y2 - y1)
    edge = f' stroke="{fill.edge}" stroke-width="1"' if fill.edge else ""
    return (
        f'<rect x="{_n(x - width / 2)}" y="{_n(top)}" width="{_n(width)}" '
        f'height="{_n(height)}" fill="{fill.paint}"{edge}/>'
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
            _bar(x, zero, frame.y(c.follows), width, FOLLOWS_FILL),
            _bar(x, frame.y(c.follows), frame.y(c.follows + c.adopted), width, ADOPTED_FILL),
            _bar(x, zero, frame.y(-c.unfollows), width, UNFOLLOWS_FILL),
            _bar(x, frame.y(-c.unfollows), frame.y(-c.unfollows - c.erased), width, ERASED_FILL),
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
                    _bar(frame.x(i), frame.y(base), frame.y(base + s.values[i]), width, s.fill)
                )
                base += s.values[i]
        body.append(_hover(frame, i, tip, shapes))
    body += _x_labels(frame, labels)
    return _svg(layout, label, body)


TARGET = "#1f2933"  # the target line: dark and dashed, told apart by its dashes too
FIGURE_FILL = Fill("figure", PALETTE[0])


def target_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    targets: Sequence[float | None],
    tips: Sequence[str],
    label: str,
    layout: Layout = WIDE,
) -> Markup:
    """Columns of a figure per month (a month without one is an empty column), each with its
    target as a dashed mark across it where one is set: a target can change with the fiscal
    year, or be missing."""
    known = [v for v in (*values, *targets) if v is not None]
    ticks = nice_ticks(0, max([*known, 1]))
    frame = Frame(layout, ticks[0], ticks[-1], len(labels))
    width = max(frame.band * 0.6, 1)
    body = _y_axis(frame, ticks)
    for i, (value, target, tip) in enumerate(zip(values, targets, tips, strict=True)):
        x, shapes = frame.x(i), []
        if value is not None:
            shapes.append(_bar(x, frame.y(0), frame.y(value), width, FIGURE_FILL))
        if target is not None:
            y, half = _n(frame.y(target)), frame.band / 2
            shapes.append(
                f'<line x1="{_n(x - half)}" x2="{_n(x + half)}" y1="{y}" y2="{y}" '
                f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 3"/>'
            )
        body.append(_hover(frame, i, tip, shapes))
    body += _x_labels(frame, labels)
    return _svg(layout, label, body)


def dashed_swatch(colour: str) -> Markup:
    """A short dashed line, for the legend entry of a target."""
    return Markup(
        '<svg class="dashboard-swatch" width="20" height="12" aria-hidden="true">'
        f'<line x1="0" x2="20" y1="6" y2="6" stroke="{escape(colour)}" stroke-width="2" '
        'stroke-dasharray="6 3"/></svg>'
    )


def for_every_layout(draw, *args) -> Markup:
    """The chart in each layout; the page's CSS shows the one that fits the screen."""
    return Markup("").join(draw(*args, layout=layout) for layout in (WIDE, NARROW))


def swatch(fill: Fill) -> Markup:
    """A small square of a fill, edged as its bars are, for legends written in HTML."""
    return Markup(
        '<svg class="dashboard-swatch" width="20" height="20" aria-hidden="true">'
        f'<rect x="1" y="1" width="18" height="18" rx="2" fill="{escape(fill.paint)}" '
        f'stroke="{escape(fill.edge or fill.colour)}" stroke-width="2"/></svg>'
    )


def line_swatch(colour: str) -> Markup:
    """A short line of a colour, for a legend entry of a line series."""
    return Markup(
        '<svg class="dashboard-swatch" width="16" height="12" aria-hidden="true">'
        f'<line x1="0" x2="16" y1="6" y2="6" stroke="{escape(colour)}" stroke-width="2"/></svg>'
    )
