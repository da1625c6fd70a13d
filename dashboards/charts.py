"""Geometry of the dashboard charts, computed here and drawn by the templates as inline SVG.

No outside service and no script draws them: the server sends finished SVG, which prints like text and is
readable without JavaScript. Colours come from CSS classes (`chart-series-N`), so the print stylesheet can
change them; every chart has a <title>, a <desc> and a data table next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import formats

from core import formats as core_formats


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return core_formats.number(int(value))
    return core_formats.number(value, 2)


@dataclass
class Bar:
    label: str
    value: float
    text: str
    y: float
    width: float
    url: str = ""
    label_x: float = 0
    bar_x: float = 0
    text_y: float = 0
    value_x: float = 0


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar] = field(default_factory=list)



def bar_chart(items: list[tuple[str, float, str]], *, width: int = 420, label_width: int = 172,
              value_width: int = 52, row: int = 26) -> BarChart:
    """Horizontal bars: items are (label, value, url)."""
    top = max((v for _l, v, _u in items), default=0)
    scale = nice_max(top)
    span = width - label_width - value_width
    chart = BarChart(width=width, height=max(row * len(items), row), label_width=label_width, bar_height=row - 8)
    for i, (label, value, url) in enumerate(items):
        y = i * row + 4
        bar_width = round(span * value / scale, 1) if scale else 0
        chart.bars.append(Bar(label=_short(label, 22), value=value, text=_fmt(value), y=y, width=bar_width,
                              url=url, label_x=label_width - 8, bar_x=label_width,
                              text_y=y + (row - 8) / 2, value_x=label_width + bar_width + 6))
    return chart


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Line:
    index: int
    name: str
    points: str
    dots: list[tuple[float, float, int]]
    total: int
    # The last month when it is not whole: drawn dashed from the month before, with a hollow dot.
    partial_points: str = ""
    partial_dot: tuple[float, float, int] | None = None


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    ticks: list[tuple[float, str]]
    months: list[tuple[float, str]]
    lines: list[Line]
    partial_x: float | None = None

    @property
    def bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def right(self) -> int:
        return self.left + self.plot_width

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def month_y(self) -> int:
        return self.bottom + 20

    @property
    def partial_y(self) -> int:
        return self.bottom + 34


def line_chart(months, series: list[dict], *, width: int = 760, height: int = 280,
               partial: bool = False) -> LineChart:
    """`partial`: the last month is not whole (still running), so it is set apart instead of read as a drop."""
    left, top, right, bottom = 48, 12, 12, 44 if partial else 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_max(max((max(s["values"], default=0) for s in series), default=0))
    n = max(len(months), 1)
    step = plot_w / max(n - 1, 1)

    def xy(i, v):
        return round(left + i * step, 1), round(top + plot_h - plot_h * v / top_value, 1)

    lines = []
    for index, s in enumerate(series):
        dots = [(*xy(i, v), v) for i, v in enumerate(s["values"])]
        part, part_dot = "", None
        if partial and len(dots) > 1:
            part = " ".join(f"{x},{y}" for x, y, _v in dots[-2:])
            dots, part_dot = dots[:-1], dots[-1]
        lines.append(Line(index=index, name=s["name"], points=" ".join(f"{x},{y}" for x, y, _v in dots),
                          dots=dots, total=sum(s["values"]), partial_points=part, partial_dot=part_dot))
    ticks = [(round(top + plot_h - plot_h * k / 4, 1), _fmt(top_value * k / 4)) for k in range(5)]
    labels = [(round(left + i * step, 1), formats.date_format(m, "M")) for i, m in enumerate(months)]
    chart = LineChart(width, height, left, top, plot_w, plot_h, ticks, labels, lines)
    # Right-aligned under the last month, so the word stays inside the drawing.
    chart.partial_x = width - 2 if partial and len(labels) > 1 else None
    return chart
