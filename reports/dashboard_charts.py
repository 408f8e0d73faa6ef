"""Geometry for the dashboard's SVG charts, drawn by templates on the server.

No JavaScript and no inline styles: the page works under a strict Content
Security Policy, colours come from CSS classes, and every number is also in
the chart's table. Coordinates are given as text so that no locale setting
can turn ``1234.5`` into ``1,234.5`` inside an SVG attribute.
"""

import math
from dataclasses import dataclass, field

from reports.dashboard_tables import Table


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def nice_max(value: int) -> int:
    """The top of the axis: 1, 2 or 5 × 10ⁿ (at least 1)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def ticks(top: int) -> list[int]:
    """Two to six gridlines, 0 to ``top`` (a ``nice_max``) in 1-2-5 steps."""
    step, magnitude = 1, 1
    while True:
        for base in (1, 2, 5):
            step = base * magnitude
            if step * 5 >= top and top % step == 0:
                return list(range(0, top + 1, step))
        magnitude *= 10


@dataclass
class Tick:
    value: int
    x: str = ""
    y: str = ""


@dataclass
class Segment:
    label: str
    value: int
    css: str
    x: str
    width: str


@dataclass
class Bar:
    label: str
    total: int
    bar_y: str
    text_y: str
    end_x: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class StackedChart:
    """Horizontal bars, one per table row, stacked by the table's series.

    The SVG has no viewBox: x positions are percentages of its width and
    text keeps its CSS size, so the bars stretch to the screen while the
    labels stay readable on a phone."""

    id: str
    title: str
    description: str
    height: int
    label_x: str
    axis_y: str
    grid_bottom: str
    ticks: list[Tick]
    bars: list[Bar]


ROW_HEIGHT = 30
BAR_HEIGHT = 20
TOP = 28
LABEL_END, PLOT_LEFT, PLOT_RIGHT = 29.0, 30.0, 91.0  # % of the chart's width


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def stacked_chart(table: Table, *, title: str, description: str) -> StackedChart:
    top = nice_max(max((row.total for row in table.rows), default=0))
    scale = (PLOT_RIGHT - PLOT_LEFT) / top
    bars = []
    for index, row in enumerate(table.rows):
        y = TOP + index * ROW_HEIGHT
        x = PLOT_LEFT
        segments = []
        for series, value in zip(table.series, row.values, strict=True):
            if value:
                segments.append(
                    Segment(
                        label=series.label,
                        value=value,
                        css=series.css,
                        x=_pct(x),
                        width=_pct(value * scale),
                    )
                )
                x += value * scale
        bars.append(
            Bar(
                label=row.label,
                total=row.total,
                bar_y=_n(y + (ROW_HEIGHT - BAR_HEIGHT) / 2),
                text_y=_n(y + ROW_HEIGHT / 2 + 5),
                end_x=_pct(x),
                segments=segments,
            )
        )
    return StackedChart(
        id=table.name,
        title=title,
        description=description,
        height=TOP + ROW_HEIGHT * len(table.rows) + 8,
        label_x=_pct(LABEL_END),
        axis_y=_n(TOP - 10),
        grid_bottom=_n(TOP + ROW_HEIGHT * len(table.rows)),
        ticks=[Tick(value=t, x=_pct(PLOT_LEFT + t * scale)) for t in ticks(top)],
        bars=bars,
    )


@dataclass
class Column:
    label: str
    value: int
    x: str
    y: str
    width: str
    height: str
    text_x: str
    text_y: str


@dataclass
class Histogram:
    """Vertical bars over one series of a table (one bar per row)."""

    id: str
    title: str
    description: str
    css: str
    width: int
    height: int
    left: int
    right: int
    baseline: str
    label_y: str
    ticks: list[Tick]
    edges: list[Tick]
    columns: list[Column]


def histogram(
    table: Table, series_key: str, *, title: str, description: str
) -> Histogram:
    width, height, left, right, top, bottom = 300, 200, 30, 284, 16, 172
    index = [s.key for s in table.series].index(series_key)
    values = [row.values[index] for row in table.rows]
    axis_top = nice_max(max(values, default=0))
    scale = (bottom - top) / axis_top
    slot = (right - left) / max(1, len(values))
    columns = []
    for i, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        bar_height = value * scale
        columns.append(
            Column(
                label=row.label,
                value=value,
                x=_n(left + i * slot + 2),
                y=_n(bottom - bar_height),
                width=_n(slot - 4),
                height=_n(bar_height),
                text_x=_n(left + (i + 0.5) * slot),
                text_y=_n(bottom - bar_height - 4),
            )
        )
    edges = [
        Tick(value=i * 10, x=_n(left + i * slot)) for i in range(0, len(values) + 1, 2)
    ]
    return Histogram(
        id=f"{table.name}-{series_key}",
        title=title,
        description=description,
        css=table.series[index].css,
        width=width,
        height=height,
        left=left,
        right=right,
        baseline=_n(bottom),
        label_y=_n(bottom + 18),
        ticks=[
            Tick(value=t, y=_n(bottom - t * scale), x=_n(left - 6))
            for t in ticks(axis_top)
        ],
        edges=edges,
        columns=columns,
    )
