"""Server-rendered SVG for the insights charts: no JavaScript, no inline styles, colours from CSS classes.

Each builder returns safe markup for one chart. Every chart carries a <title> and <desc> (its text
alternative, referenced with aria-labelledby); the page puts a data table beside each one. Colours come
from classes styled in static/css/insights.css with the custom properties of static/css/held.css, so the
same markup reads in the light and the dark theme (presentation attributes would not follow the theme,
and style="" is forbidden by the Content-Security-Policy).

Two kinds of geometry. The pixel grid is drawn in a viewBox and scales as a whole (squares stay square).
The other charts are fluid: x positions are percentages of the chart's width and y positions are pixels,
so the text stays the same readable size on a 360 px phone and on a desktop, and only the spacing grows.

The markup is built as strings rather than with template loops: a year of pixels is hundreds of
elements, and the page must stay quick with years of entries. Every piece of text is escaped here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.utils.safestring import SafeString, mark_safe

from journal.insights import (
    MONTH_NAMES,
    MOOD_MAX,
    MOOD_MIN,
    MOOD_WORDS,
    MonthReached,
    Mood,
    PeriodMood,
    PixelDay,
    day_label,
    nearest_mood,
)

# The pixel grid, in viewBox units.
PIXEL_CELL, PIXEL_STEP, PIXEL_LEFT, PIXEL_TOP = 20, 23, 26, 22
# Fluid charts: x in percent of the width, y in pixels.
LINE_HEIGHT, LINE_TOP, LINE_BOTTOM, LINE_LEFT, LINE_RIGHT = 214, 12, 180, 6.0, 97.0
ROW_HEIGHT, ROWS_TOP = 32, 22
ROW_LABEL_RIGHT, TRACK_LEFT, TRACK_RIGHT, VALUE_LEFT = 34.0, 37.0, 84.0, 88.0
BAR_LONGEST = 48.0
COLUMNS_HEIGHT, COLUMNS_TOP, COLUMNS_BOTTOM, COLUMNS_LEFT, COLUMNS_RIGHT = 190, 24, 160, 2.0, 98.0


def _text(value: object) -> str:
    if value.__class__ is int:
        return str(value)
    return escape(str(value), quote=True)


@lru_cache(maxsize=4096)
def _number(value: float) -> str:
    """Coordinates with at most two decimals: shorter markup, no visible difference.

    Remembered: the same few hundred positions are drawn on every page."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _pc(value: float) -> str:
    return _number(value) + "%"


def _open_svg(
    chart_id: str, title: str, desc: str, css_class: str, role: str, *, view_box: str = "", height: int = 0
) -> str:
    size = f'viewBox="{view_box}"' if view_box else f'width="100%" height="{height}"'
    return (
        f'<svg class="chart {css_class}" {size} role="{role}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{_text(title)}</title><desc id="{chart_id}-desc">{_text(desc)}</desc>'
    )


# --- mood over time: a line with gaps ----------------------------------------------------------------


def _mood_y(value: float) -> float:
    return LINE_BOTTOM - (value - MOOD_MIN) / (MOOD_MAX - MOOD_MIN) * (LINE_BOTTOM - LINE_TOP)


def mood_line_chart(chart_id: str, points: Sequence[PeriodMood], *, title: str, desc: str) -> SafeString:
    """Average mood per period on a 1-5 scale; a period with no mood breaks the line (a gap, not a zero)."""
    parts = [_open_svg(chart_id, title, desc, "chart--line", "img", height=LINE_HEIGHT)]
    for mood in range(MOOD_MIN, MOOD_MAX + 1):
        y = _number(_mood_y(mood))
        parts.append(f'<line class="chart-grid" x1="{_pc(LINE_LEFT)}" x2="{_pc(LINE_RIGHT)}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text class="chart-axis-label" x="0" y="{y}" dominant-baseline="middle">{mood}</text>')
    count = len(points)
    inset = 2.0  # keeps the first and last points off the axis
    span = LINE_RIGHT - LINE_LEFT - 2 * inset
    tick_every = max(1, -(-count // 6))  # about six labels, whatever the number of periods

    def x_of(index: int) -> str:
        return _pc(LINE_LEFT + inset + (index * span / (count - 1) if count > 1 else span / 2))

    previous: tuple[str, str] | None = None
    for index, point in enumerate(points):
        if point.average is None:
            previous = None
            continue
        here = (x_of(index), _number(_mood_y(float(point.average))))
        if previous:
            parts.append(
                f'<line class="chart-line" x1="{previous[0]}" y1="{previous[1]}" x2="{here[0]}" y2="{here[1]}"/>'
            )
        previous = here
    for index, point in enumerate(points):
        x = x_of(index)
        if point.average is not None:
            days = "day" if point.days == 1 else "days"
            parts.append(
                f'<circle class="chart-point" cx="{x}" cy="{_number(_mood_y(float(point.average)))}" r="4.5">'
                f"<title>{_text(point.label)}: {point.average_text} ({point.days} {days} with a mood)</title></circle>"
            )
        else:
            # A short mark under the axis shows the gap, so "no mood" never looks like "mood 1".
            parts.append(
                f'<line class="chart-gap" x1="{x}" x2="{x}" y1="{LINE_BOTTOM + 4}" y2="{LINE_BOTTOM + 10}">'
                f"<title>{_text(point.label)}: no mood recorded</title></line>"
            )
        if index % tick_every == 0:
            parts.append(
                f'<text class="chart-axis-label" x="{x}" y="{LINE_BOTTOM + 26}" text-anchor="middle">'
                f"{_text(point.short_label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


def mood_line_desc(points: Sequence[PeriodMood], unit: str) -> str:
    """The line chart in one or two sentences, for people who cannot see it."""
    with_mood = [point for point in points if point.average is not None]
    if not with_mood:
        return "No moods recorded yet."
    highest = max(with_mood, key=lambda point: (point.average, point.start))
    lowest = min(with_mood, key=lambda point: (point.average, point.start))
    gaps = len(points) - len(with_mood)
    text = (
        f"Average mood by {unit}, from {points[0].label} to {points[-1].label}, on a scale of 1 (very low) "
        f"to 5 (very good). Highest: {highest.average_text} ({highest.label}). "
        f"Lowest: {lowest.average_text} ({lowest.label})."
    )
    if gaps:
        text += f" {gaps} {unit}{'s' if gaps != 1 else ''} with no mood recorded, shown as gaps."
    return text


# --- year in pixels ------------------------------------------------------------------------------------


_SQUARE_SIZE = f'width="{PIXEL_CELL}" height="{PIXEL_CELL}" rx="3"'
_FUTURE_SQUARES = {day: f'<rect y="{PIXEL_TOP + (day - 1) * PIXEL_STEP}" {_SQUARE_SIZE}/>' for day in range(1, 32)}


@lru_cache(maxsize=8192)
def _pixel_square(day: datetime.date, average: Mood | None) -> tuple[str, str]:
    """The square of one past day (with its spoken label) and the digit drawn on it.

    Pure formatting of a date and a mood, remembered because the same year is drawn again on every visit
    to the page (and switching views reloads it). The label is day and month names and figures only:
    nothing to escape.
    """
    y = PIXEL_TOP + (day.day - 1) * PIXEL_STEP
    step = None if average is None else nearest_mood(average)
    css = f"pixel mood-{step}" if step else "pixel pixel--empty"
    square = f'<rect class="{css}" y="{y}" {_SQUARE_SIZE} role="img"><title>{day_label(day, average)}</title></rect>'
    middle = PIXEL_CELL // 2
    digit = f'<text class="pixel-digit--{step}" x="{middle}" y="{y + middle}">{step}</text>' if step else ""
    return square, digit


def pixel_grid(chart_id: str, year: int, months: Sequence[Sequence[PixelDay]], *, desc: str) -> SafeString:
    """One square per day: months across, days down. Each square names its day and mood; the digit
    inside repeats the mood so it never rests on colour alone."""
    width = PIXEL_LEFT + 12 * PIXEL_STEP
    height = PIXEL_TOP + 31 * PIXEL_STEP
    title = f"Year in pixels, {year}"
    parts = [_open_svg(chart_id, title, desc, "chart--pixels", "group", view_box=f"0 0 {width} {height}")]
    for month_index in range(12):
        x = PIXEL_LEFT + month_index * PIXEL_STEP + PIXEL_CELL / 2
        parts.append(
            f'<text class="chart-axis-label" x="{_number(x)}" y="14" text-anchor="middle" aria-hidden="true">'
            f"{datetime.date(year, month_index + 1, 1):%b}</text>"
        )
    for day_number in range(1, 32):
        y = PIXEL_TOP + (day_number - 1) * PIXEL_STEP + PIXEL_CELL / 2
        parts.append(
            f'<text class="chart-axis-label" x="{PIXEL_LEFT - 6}" y="{_number(y)}" text-anchor="end" '
            f'dominant-baseline="middle" aria-hidden="true">{day_number}</text>'
        )
    # Per month: a group shifted to its column, so each square needs only its row. The digits sit in a
    # group hidden from assistive technology (each square's title already says the mood).
    for month_index, days in enumerate(months):
        x = PIXEL_LEFT + month_index * PIXEL_STEP
        squares, digits, future = [], [], []
        for pixel in days:
            if pixel.is_future:
                future.append(_FUTURE_SQUARES[pixel.day.day])
                continue
            square, digit = _pixel_square(pixel.day, pixel.average)
            squares.append(square)
            if digit:
                digits.append(digit)
        parts.append(f'<g transform="translate({x} 0)">{"".join(squares)}')
        if digits:
            parts.append(f'<g class="pixel-digits" aria-hidden="true">{"".join(digits)}</g>')
        if future:
            parts.append(f'<g class="pixel pixel--future" aria-hidden="true">{"".join(future)}</g>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


def pixel_desc(year: int, months: Sequence[Sequence[PixelDay]]) -> str:
    counts = dict.fromkeys(range(MOOD_MIN, MOOD_MAX + 1), 0)
    recorded = 0
    for days in months:
        for pixel in days:
            if pixel.mood_step:
                counts[pixel.mood_step] += 1
                recorded += 1
    if not recorded:
        return f"No moods recorded in {year} yet."
    spread = ", ".join(f"{counts[step]} {MOOD_WORDS[step]}" for step in range(MOOD_MAX, MOOD_MIN - 1, -1))
    return f"{recorded} days of {year} have a mood: {spread}. Each square names its day and mood."


def table_body(rows: Iterable[Sequence[object]]) -> SafeString:
    """<tbody> rows for a chart's data table: the first cell heads its row. Built here rather than in a
    template loop because the tables together hold hundreds of cells."""
    parts = []
    for header, *cells in rows:
        tds = "".join(f"<td>{_text(cell)}</td>" for cell in cells)
        parts.append(f'<tr><th scope="row">{_text(header)}</th>{tds}</tr>')
    return mark_safe("".join(parts))  # noqa: S308 (every cell is escaped)


def figures_table_body(rows: Iterable[tuple[int, Sequence[int | str]]]) -> SafeString:
    """The same for a table of figures only (the pixel table's 372 cells): (row number, cells), each cell a
    whole number, a figure such as "3.5" made by `one_decimal`, or empty. Nothing in it needs escaping."""
    return mark_safe(  # noqa: S308 (numbers only)
        "".join(
            f'<tr><th scope="row">{number}</th>{"".join([f"<td>{cell}</td>" for cell in cells])}</tr>'
            for number, cells in rows
        )
    )


def mood_swatch(step: int) -> SafeString:
    """A small square in a mood's colour, with its digit, for the legend."""
    return mark_safe(  # noqa: S308 (no text from outside)
        f'<svg class="swatch" viewBox="0 0 20 20" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg"><rect class="pixel mood-{step}" width="20" height="20" rx="3"/>'
        f'<text class="pixel-digit pixel-digit--{step}" x="10" y="10" text-anchor="middle" '
        f'dominant-baseline="central">{step}</text></svg>'
    )


def legend_items() -> SafeString:
    """The key to the pixel colours as list items, very good first."""
    items = [f"<li>{mood_swatch(step)} {step}, {MOOD_WORDS[step]}</li>" for step in range(MOOD_MAX, MOOD_MIN - 1, -1)]
    return mark_safe("".join(items))  # noqa: S308 (no text from outside)


def month_headers() -> SafeString:
    """The pixel table's column headings: each month's short name, its full name in an <abbr>."""
    return mark_safe(  # noqa: S308 (no text from outside)
        "".join(f'<th scope="col"><abbr title="{name}">{name[:3]}</abbr></th>' for name in MONTH_NAMES)
    )


def empty_swatch() -> SafeString:
    return mark_safe(
        '<svg class="swatch" viewBox="0 0 20 20" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg"><rect class="pixel pixel--empty" x="1" y="1" width="18" height="18" '
        'rx="3"/></svg>'
    )


# --- rows: dots on a 1-5 scale, or bars of counts --------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: float
    value_text: str
    tooltip: str


def _short(label: str, limit: int = 14) -> str:
    """Long names are cut in the chart (a third of a phone's width); the tooltip and table have them whole."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def mood_dot_chart(chart_id: str, rows: Sequence[ChartRow], *, title: str, desc: str) -> SafeString:
    """One row per group, a dot at its average on a 1-5 track, the figure printed beside it.

    Dots rather than bars: a mood scale has no zero, and a bar from zero would exaggerate differences.
    """
    height = ROWS_TOP + len(rows) * ROW_HEIGHT
    parts = [_open_svg(chart_id, title, desc, "chart--dots", "img", height=height)]

    def x_of(value: float) -> str:
        return _pc(TRACK_LEFT + (value - MOOD_MIN) / (MOOD_MAX - MOOD_MIN) * (TRACK_RIGHT - TRACK_LEFT))

    for mood in range(MOOD_MIN, MOOD_MAX + 1):
        x = x_of(mood)
        parts.append(f'<line class="chart-grid" x1="{x}" x2="{x}" y1="{ROWS_TOP - 4}" y2="{height - 4}"/>')
        parts.append(f'<text class="chart-axis-label" x="{x}" y="11" text-anchor="middle">{mood}</text>')
    for index, row in enumerate(rows):
        y = _number(ROWS_TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2)
        parts.append(
            f'<text class="chart-row-label" x="{_pc(ROW_LABEL_RIGHT)}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{_text(_short(row.label))}</text>'
        )
        parts.append(f'<line class="chart-track" x1="{_pc(TRACK_LEFT)}" x2="{_pc(TRACK_RIGHT)}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<circle class="chart-dot" cx="{x_of(row.value)}" cy="{y}" r="7">'
            f"<title>{_text(row.tooltip)}</title></circle>"
        )
        parts.append(
            f'<text class="chart-value" x="{_pc(VALUE_LEFT)}" y="{y}" dominant-baseline="middle">'
            f"{_text(row.value_text)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


def count_bar_chart(chart_id: str, rows: Sequence[ChartRow], *, title: str, desc: str) -> SafeString:
    """Horizontal bars from zero for counts (feeling words), the count printed at the end of each bar."""
    height = 8 + len(rows) * ROW_HEIGHT
    parts = [_open_svg(chart_id, title, desc, "chart--bars", "img", height=height)]
    largest = max((row.value for row in rows), default=0) or 1
    for index, row in enumerate(rows):
        top = 4 + index * ROW_HEIGHT
        middle = _number(top + ROW_HEIGHT / 2)
        length = row.value / largest * BAR_LONGEST
        parts.append(
            f'<text class="chart-row-label" x="{_pc(ROW_LABEL_RIGHT)}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle">{_text(_short(row.label))}</text>'
        )
        parts.append(
            f'<rect class="chart-bar" x="{_pc(TRACK_LEFT)}" y="{top + 7}" width="{_pc(length)}" '
            f'height="{ROW_HEIGHT - 14}" rx="2"><title>{_text(row.tooltip)}</title></rect>'
        )
        parts.append(
            f'<text class="chart-value" x="{_pc(TRACK_LEFT + length)}" dx="6" y="{middle}" '
            f'dominant-baseline="middle">{_text(row.value_text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


@dataclass(frozen=True)
class Column:
    label: str  # shown under the column when not empty
    value: int
    tooltip: str


def column_chart(
    chart_id: str, columns: Sequence[Column], *, title: str, desc: str, zero_values: bool = True
) -> SafeString:
    """Vertical bars from zero for counts over a sequence (hours of the day, months), each count printed
    above its bar (`zero_values=False` leaves out the zeros where columns are narrow)."""
    parts = [_open_svg(chart_id, title, desc, "chart--columns", "img", height=COLUMNS_HEIGHT)]
    slot = (COLUMNS_RIGHT - COLUMNS_LEFT) / max(len(columns), 1)
    largest = max((column.value for column in columns), default=0) or 1
    plot = COLUMNS_BOTTOM - COLUMNS_TOP
    parts.append(
        f'<line class="chart-baseline" x1="{_pc(COLUMNS_LEFT)}" x2="{_pc(COLUMNS_RIGHT)}" '
        f'y1="{COLUMNS_BOTTOM}" y2="{COLUMNS_BOTTOM}"/>'
    )
    for index, column in enumerate(columns):
        left = COLUMNS_LEFT + index * slot
        centre = _pc(left + slot / 2)
        height = column.value / largest * plot
        if column.value:
            parts.append(
                f'<rect class="chart-bar" x="{_pc(left + slot * 0.15)}" y="{_number(COLUMNS_BOTTOM - height)}" '
                f'width="{_pc(slot * 0.7)}" height="{_number(height)}" rx="2">'
                f"<title>{_text(column.tooltip)}</title></rect>"
            )
        if column.value or zero_values:
            parts.append(
                f'<text class="chart-value" x="{centre}" y="{_number(COLUMNS_BOTTOM - height - 6)}" '
                f'text-anchor="middle">{column.value}</text>'
            )
        if column.label:
            parts.append(
                f'<text class="chart-axis-label" x="{centre}" y="{COLUMNS_BOTTOM + 20}" text-anchor="middle">'
                f"{_text(column.label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


def hour_columns(hours: Sequence[int]) -> list[Column]:
    columns = []
    for hour, count in enumerate(hours):
        entries = "entry" if count == 1 else "entries"
        columns.append(
            Column(
                label=f"{hour:02d}:00" if hour % 6 == 0 else "",
                value=count,
                tooltip=f"{hour:02d}:00 to {hour:02d}:59: {count} {entries}",
            )
        )
    return columns


def reached_columns(months: Sequence[MonthReached]) -> list[Column]:
    # Every other month is named, ending with this one: twelve names do not fit under a phone-wide chart.
    last = len(months) - 1
    return [
        Column(
            label=month.short_label if (last - index) % 2 == 0 else "",
            value=month.people,
            tooltip=f"{month.label}: {month.people} {'person' if month.people == 1 else 'people'}",
        )
        for index, month in enumerate(months)
    ]
