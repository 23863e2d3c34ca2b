"""The visitors and pageviews chart, drawn as SVG on the server.

No JavaScript and no inline styles (the CSP forbids both): bars are SVG
rects sized by presentation attributes and coloured by classes in app.css.
The drawing stretches to any width (preserveAspectRatio="none"), so the
axis labels live outside it, in HTML, where text keeps its size on a phone.

Each bucket has a full-height, transparent rect with a <title>: hovering
anywhere over a column shows its figures. Without a mouse the same figures
are in a data table next to the chart (see _chart.html).

Milestones are drawn as a line over their column; the marks people can
reach by keyboard and screen reader are HTML links in a row of cells under
the axis (one cell per point, like the axis), each named by its milestones'
dates and labels, leading to the visible list (see _chart.html).

Every text that enters the markup goes through `escape`: labels may one day
carry tracked values (filter descriptions already do), and milestone labels
are typed by users.
"""

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.formatting import compact, number

WIDTH_PER_POINT = 10
HEIGHT = 100
GRID_LINES = 4  # intervals between gridlines: 0, 1/4, ... of the scale
ALL_TICKS_UP_TO = 7  # a week: every day labelled, still legible on a phone


@dataclass(frozen=True, slots=True)
class ChartPoint:
    label: str  # in full, for the tooltip and the data table
    tick: str  # in short, under the axis
    visitors: int  # the narrow front bar (converted visitors under an event filter)
    pageviews: int  # the wide back bar (conversions under an event filter)


def _summary(point: ChartPoint, names: tuple[str, str]) -> str:
    return (
        f"{point.label}: {number(point.visitors)} {names[0]}, {number(point.pageviews)} {names[1]}"
    )


@dataclass(frozen=True, slots=True)
class Note:
    """A milestone as the chart needs it: its day, its label, its entry's id in the list."""

    day: dt.date
    day_label: str
    label: str
    anchor: str


@dataclass(frozen=True, slots=True)
class ChartMark:
    """The milestones of one column of the chart."""

    index: int
    notes: tuple[Note, ...]

    @property
    def name(self) -> str:
        """What a screen reader says on the mark, and what hovering shows."""
        said = "; ".join(f"{n.day_label}, {n.label}" for n in self.notes)
        return f"{'Milestone' if len(self.notes) == 1 else 'Milestones'}: {said}"

    @property
    def anchor(self) -> str:
        return self.notes[0].anchor


def place_notes(
    starts: Sequence[dt.date | dt.datetime], notes: Sequence[Note]
) -> tuple[ChartMark, ...]:
    """Each note on the column holding its day: a day's first hour on an hourly chart,
    its week or month on longer ones. Notes before the first column are left out."""
    days = [s.date() if isinstance(s, dt.datetime) else s for s in starts]
    columns: dict[int, list[Note]] = {}
    for note in notes:
        index = bisect.bisect_left(days, note.day)
        if index == len(days) or days[index] != note.day:
            index -= 1
        if index >= 0:
            columns.setdefault(index, []).append(note)
    return tuple(ChartMark(i, tuple(found)) for i, found in sorted(columns.items()))


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    svg: SafeString
    y_ticks: tuple[str, ...]  # top to bottom
    x_ticks: tuple[str, ...]  # one per point, most of them blank
    points: tuple[ChartPoint, ...]
    names: tuple[str, str] = ("visitors", "pageviews")  # front bars, back bars
    marks: tuple[ChartMark, ...] = ()

    @property
    def mark_cells(self) -> tuple[ChartMark | None, ...]:
        """One cell per point, holding that column's milestones (the row under the axis)."""
        by_index = {m.index: m for m in self.marks}
        return tuple(by_index.get(i) for i in range(len(self.points)))


def nice_scale(largest: float, intervals: int = GRID_LINES) -> int:
    """The top of the axis: a round step (1, 2 or 5 times a power of ten) times `intervals`."""
    raw_step = max(largest / intervals, 1)
    power = 10 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw_step)
    return int(step * intervals)


def spread_ticks(points: tuple[ChartPoint, ...], most: int = 5) -> tuple[str, ...]:
    """A label per point, blank but for at most `most` of them (first and last included).

    The axis gives every point a cell as wide as its bar, so a label sits
    exactly under its own bar whatever the number of points.
    """
    if len(points) <= max(most, ALL_TICKS_UP_TO):
        return tuple(p.tick for p in points)
    last = len(points) - 1
    shown = {round(i * last / (most - 1)) for i in range(most)}
    return tuple(p.tick if i in shown else "" for i, p in enumerate(points))


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    points: list[ChartPoint],
    *,
    title: str,
    names: tuple[str, str] = ("visitors", "pageviews"),
    marks: tuple[ChartMark, ...] = (),
) -> Chart:
    """Pageviews as wide pale bars, visitors as narrow dark bars in front of them,
    and a line over each column with milestones."""
    frozen = tuple(points)
    top = nice_scale(max((max(p.visitors, p.pageviews) for p in frozen), default=0))
    width = max(len(frozen), 1) * WIDTH_PER_POINT
    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {width} {HEIGHT}" preserveAspectRatio="none" '
        f'role="img" aria-label="{escape(title)}" focusable="false">',
        f"<desc>{escape(title)}</desc>",
    ]
    for i in range(GRID_LINES + 1):
        y = _num(HEIGHT * i / GRID_LINES)
        parts.append(
            f'<line class="grid" x1="0" x2="{width}" y1="{y}" y2="{y}" '
            'vector-effect="non-scaling-stroke"/>'
        )
    for i, point in enumerate(frozen):
        x = i * WIDTH_PER_POINT
        parts.append(_bar("bar-pageviews", x + 1, 8, point.pageviews, top))
        parts.append(_bar("bar-visitors", x + 2.5, 5, point.visitors, top))
        parts.append(
            f'<rect class="hit" x="{x}" y="0" width="{WIDTH_PER_POINT}" height="{HEIGHT}">'
            f"<title>{escape(_summary(point, names))}</title></rect>"
        )
    for mark in marks:
        x = _num(mark.index * WIDTH_PER_POINT + WIDTH_PER_POINT / 2)
        parts.append(
            f'<line class="milestone" x1="{x}" x2="{x}" y1="0" y2="{HEIGHT}" '
            f'vector-effect="non-scaling-stroke"><title>{escape(mark.name)}</title></line>'
        )
    parts.append("</svg>")
    y_ticks = tuple(compact(top * (GRID_LINES - i) / GRID_LINES) for i in range(GRID_LINES + 1))
    return Chart(
        title=title,
        svg=mark_safe("".join(parts)),  # noqa: S308  (every text above is escaped)
        y_ticks=y_ticks,
        x_ticks=spread_ticks(frozen),
        points=frozen,
        names=names,
        marks=marks,
    )


def _bar(css_class: str, x: float, bar_width: float, value: int, top: int) -> str:
    height = HEIGHT * max(value, 0) / top if top else 0
    return (
        f'<rect class="{css_class}" x="{_num(x)}" y="{_num(HEIGHT - height)}" '
        f'width="{_num(bar_width)}" height="{_num(height)}"/>'
    )


SPARK_WIDTH, SPARK_HEIGHT = 120, 32


def sparkline(values: list[int], *, title: str) -> SafeString:
    """A small line of daily visitors (the sites overview): no axes, a <title> to read it.

    The line is a polyline in a fixed viewBox, stroked by a class in app.css
    with a non-scaling stroke, so it stays crisp at any width.
    """
    top = max(values, default=0)
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    inner = SPARK_HEIGHT - 2

    def y(value: int) -> str:
        return _num(1 + inner - (inner * value / top if top else 0))

    points = " ".join(f"{_num(i * step)},{y(v)}" for i, v in enumerate(values))
    area = f"0,{SPARK_HEIGHT} {points} {_num(SPARK_WIDTH)},{SPARK_HEIGHT}"
    return mark_safe(  # noqa: S308  (the only text, the title, is escaped)
        f'<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(title)}" focusable="false">'
        f"<title>{escape(title)}</title>"
        f'<polygon class="spark-area" points="{area}"/>'
        f'<polyline class="spark-line" points="{points}" vector-effect="non-scaling-stroke"/>'
        "</svg>"
    )
