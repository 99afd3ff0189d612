"""The insights charts as template context, for the writer's own page and for a practitioner's shared view.

Public API (used by journal/insights_views.py and by sharing):

    from journal.insights_context import chart_options, insights_chart_context

    period, year = chart_options(request.GET)          # ?by=week|month|year and ?year=2025; bad values fall back
    context = insights_chart_context(
        entries,                # an Entry queryset already scoped to what may be seen (no slicing)
        writer,                 # the writer whose entries these are: their time zone decides the days and hours
        contacts=None,          # a Contact queryset, or None to leave out "With people" and "People reached"
        period=period,
        year=year,
    )
    # render with {% include "journal/_insights_charts.html" %}; everything sits under context["insights"].
    # The including page links static/css/insights.css in {% block head %} and provides the <h1>.

The partial's links (week/month/year, the years of the pixel grid) are bare query strings ("?by=week"), so
they reload whichever page includes the partial; that page passes `chart_options(request.GET)` back in.

Reads are two queries whatever the number of entries, one over the entries and one over the contacts.
On PostgreSQL the database sums the entries (journal/insights_sql.py: moods per local day, per tag and per
hour, entries per feeling word) and sends the contacts' local days as arrays, so years of writing reach Python
in two rows; elsewhere they come one row per entry and tag, or per contact, and are summed here.
Titles, bodies and notes are never read. A queryset whose filters join other tables (entries by tag, say)
is narrowed to distinct entries first.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from itertools import zip_longest
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import DateField, F, IntegerField, QuerySet, TextField
from django.db.models.functions import Cast, ExtractHour, TruncDate
from django.http import QueryDict
from django.utils.safestring import SafeString

from journal import insights, insights_sql
from journal import insights_charts as charts
from journal.insights import (
    MIN_DAYS_EACH_SIDE,
    MIN_ENTRIES_PER_TAG,
    MONTHS_SHOWN,
    WEEKS_SHOWN,
    ContactRow,
    MoodSum,
    Period,
)

if TYPE_CHECKING:
    from accounts.models import User

TAGS_SHOWN = 12
FEELINGS_SHOWN = 15
# The key to the pixel colours and the pixel table's column headings: the same on every page, so built once.
LEGEND = charts.legend_items()
EMPTY_SWATCH = charts.empty_swatch()
MONTH_HEADERS = charts.month_headers()


def chart_options(query: QueryDict) -> tuple[Period, int | None]:
    """The period of the mood-over-time chart and the year of the pixels, from a query string.

    Anything unexpected falls back to the default quietly: a hand-edited link shows the page, not an error.
    """
    try:
        period = Period(query.get("by", Period.MONTH))
    except ValueError:
        period = Period.MONTH
    try:
        year = int(query.get("year", ""))
    except ValueError:
        year = None
    return period, year


class EntryFigures(NamedTuple):
    moods: dict[datetime.date, insights.Mood]  # each local day with a mood: the mean of its moods
    tags: list[MoodSum]  # one per tag on entries with a mood
    hours: list[tuple[int, int]]  # (local hour begun, entries)
    feelings: list[tuple[str, int]]  # (feeling word, entries naming it), commonest first


class ContactFigures(NamedTuple):
    days: set[datetime.date]  # local days with at least one logged contact
    months: list[insights.MonthReached]  # the last twelve local months, oldest first
    people: int  # different people with a logged contact over those months


# On PostgreSQL the database sums the rows (journal/insights_sql.py); elsewhere (SQLite for `make run`) the
# rows are read one per entry and summed here. Tests switch this off to check that both give the same figures.
PLAIN_CURSOR_ON_POSTGRESQL = True


def _sums_in_database(queryset: QuerySet) -> bool:
    return PLAIN_CURSOR_ON_POSTGRESQL and connections[queryset.db].vendor == "postgresql"


def _each_entry_once(entries: QuerySet) -> QuerySet:
    """The caller's entries with no ordering, narrowed to distinct entries when its filters joined another
    table (a share by several tags, say), so that no entry counts twice."""
    from journal.models import Entry

    scope = entries.order_by()
    # Joins Django trimmed away (the owner's row behind owner=...) keep their alias with no reference.
    tables = sum(1 for references in scope.query.alias_refcount.values() if references)
    if tables > 1 or scope.query.distinct:
        scope = Entry.objects.filter(pk__in=scope.values("pk")).order_by()
    return scope


def load_entry_figures(entries: QuerySet, zone: ZoneInfo) -> EntryFigures:
    """One read, whatever the number of entries; never a title or a body."""
    scope = _each_entry_once(entries)
    if not _sums_in_database(scope):
        return _entry_figures_from_rows(scope, zone)
    # Plain columns, in the order the statement names them.
    sums = insights_sql.entry_sums(scope.values_list("pk", "entry_date", "mood", "created_at", "feelings"), zone)
    tags: dict[str, MoodSum] = {}
    for name, total, count in sums.tags:
        earlier = tags.get(name, MoodSum(name, 0, 0))
        tags[name] = MoodSum(name, earlier.total + total, earlier.count + count)
    return EntryFigures(
        moods=insights.day_moods_from_sums(zip(sums.days, sums.day_totals, sums.day_counts, strict=True)),
        tags=list(tags.values()),
        hours=sums.hours,
        feelings=insights.feeling_counts_by_word(sums.words),
    )


def _entry_figures_from_rows(scope: QuerySet, zone: ZoneInfo) -> EntryFigures:
    """The same figures from one row per entry and tag (an entry without tags gives one row with no tag):
    day, mood, local hour begun, feeling words as JSON text. Entries are counted once each here; the feeling
    words of all of them are parsed in one go, not once per row."""
    rows = scope.annotate(
        entry_id=F("pk"),
        day=F("entry_date"),
        entry_mood=F("mood"),
        local_hour=Cast(ExtractHour("created_at", tzinfo=zone), IntegerField()),
        feelings_json=Cast("feelings", TextField()),
        tag_name=F("tags__name"),
    ).values_list("entry_id", "day", "entry_mood", "local_hour", "feelings_json", "tag_name")
    day_sums: dict[datetime.date, list[int]] = {}
    tag_sums: dict[str, list[int]] = {}
    hours = [0] * 24
    feelings_json = []
    seen: set[int] = set()
    for entry_id, entry_date, mood, hour, feelings, tag_name in rows:
        if mood is not None and tag_name is not None:
            tag = tag_sums.get(tag_name)
            if tag is None:
                tag_sums[tag_name] = [mood, 1]
            else:
                tag[0] += mood
                tag[1] += 1
        if entry_id in seen:  # the same entry again, for its next tag
            continue
        seen.add(entry_id)
        if mood is not None:
            day = day_sums.get(entry_date)
            if day is None:
                day_sums[entry_date] = [mood, 1]
            else:
                day[0] += mood
                day[1] += 1
        hours[hour] += 1
        feelings_json.append(feelings or "[]")
    return EntryFigures(
        moods=insights.day_moods_from_sums((day, total, count) for day, (total, count) in day_sums.items()),
        tags=[MoodSum(name, total, count) for name, (total, count) in tag_sums.items()],
        hours=[(hour, count) for hour, count in enumerate(hours) if count],
        feelings=insights.feeling_counts(json.loads("[" + ",".join(feelings_json) + "]")),
    )


def load_contact_figures(contacts: QuerySet, zone: ZoneInfo, today: datetime.date) -> ContactFigures:
    """The local days with a contact and the people reached month by month: one read, never a note."""
    contacts = contacts.order_by()
    first = insights.first_month_reached(today)
    if _sums_in_database(contacts):
        sums = insights_sql.contact_sums(contacts.values_list("happened_at", "person_id"), zone, first)
        days, recent = sums.days, sums.recent
    else:
        rows = contacts.annotate(
            local_day=Cast(TruncDate("happened_at", tzinfo=zone), DateField()), contact_person=F("person_id")
        ).values_list("local_day", "contact_person")
        contact_rows: list[ContactRow] = list(rows)  # (day, person id) tuples
        days, recent = insights.contact_days(contact_rows), contact_rows
    return ContactFigures(
        days=days,
        months=insights.people_reached_by_month(recent, today),
        people=insights.people_reached_since(recent, first),
    )


@dataclass(frozen=True)
class Choice:
    label: str
    href: str
    is_current: bool


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG, the same text alternative the SVG carries, and the rows of its data table."""

    svg: SafeString
    desc: str
    rows: list[Any]
    table_body: SafeString  # the table's <tbody> rows (see charts.table_body)


def _query(period: Period, year: int, anchor: str) -> str:
    return "?" + urlencode({"by": period.value, "year": year}) + "#" + anchor


def _mood_over_time(moods: dict, period: Period, today: datetime.date) -> dict[str, Any]:
    points = insights.mood_over_time(moods, period, today)
    reach = {
        Period.WEEK: f"The last {WEEKS_SHOWN} weeks at most, Monday to Sunday.",
        Period.MONTH: f"The last {MONTHS_SHOWN} months at most.",
        Period.YEAR: "Every year you have recorded a mood.",
    }[period]
    if not points:
        return {"chart": None, "reach": reach}
    desc = charts.mood_line_desc(points, period.value)
    svg = charts.mood_line_chart("mood-line", points, title=f"Average mood by {period.value}", desc=desc)
    table = charts.table_body(
        (point.label, point.average_text if point.average is not None else "No mood recorded", point.days)
        for point in points
    )
    return {"chart": Chart(svg=svg, desc=desc, rows=points, table_body=table), "reach": reach}


def _pixels(moods: dict, year: int, today: datetime.date) -> Chart:
    months = insights.year_in_pixels(moods, year, today)
    desc = charts.pixel_desc(year, months)
    svg = charts.pixel_grid("pixels", year, months, desc=desc)
    # The table mirrors the grid: one row per day of the month, one column per month, the mood as a figure.
    columns = [
        [
            ""
            if pixel.is_future or pixel.average is None
            else pixel.mood_step
            if pixel.average.denominator == 1
            else insights.one_decimal(pixel.average)
            for pixel in days
        ]
        for days in months
    ]
    rows = [
        {"day": number, "cells": list(cells)}
        for number, cells in enumerate(zip_longest(*columns, fillvalue=""), start=1)
    ]
    body = charts.figures_table_body((row["day"], row["cells"]) for row in rows)
    return Chart(svg=svg, desc=desc, rows=rows, table_body=body)


def _tags(figures: EntryFigures) -> dict[str, Any]:
    tags, left_out = insights.mood_by_tag(figures.tags)
    shown = tags[:TAGS_SHOWN]
    chart = None
    if shown:
        chart_rows = [
            charts.ChartRow(
                label=tag.name,
                value=float(tag.average),
                value_text=tag.average_text,
                tooltip=f"{tag.name}: {tag.average_text} of 5 over {tag.entries} entries",
            )
            for tag in shown
        ]
        desc = "Average mood of entries with each tag, on a scale of 1 to 5: " + "; ".join(
            f"{tag.name} {tag.average_text} ({tag.entries} entries)" for tag in shown
        )
        svg = charts.mood_dot_chart("tag-moods", chart_rows, title="Mood by tag", desc=desc)
        table = charts.table_body((tag.name, tag.average_text, tag.entries) for tag in tags)
        chart = Chart(svg=svg, desc=desc, rows=tags, table_body=table)
    return {
        "chart": chart,
        "left_out": left_out + max(0, len(tags) - TAGS_SHOWN),
        "min_entries": MIN_ENTRIES_PER_TAG,
        "shown_at_most": TAGS_SHOWN,
    }


def _feelings(figures: EntryFigures) -> dict[str, Any]:
    counts = figures.feelings
    if not counts:
        return {"chart": None}
    shown = counts[:FEELINGS_SHOWN]
    chart_rows = [
        charts.ChartRow(
            label=word,
            value=count,
            value_text=str(count),
            tooltip=f"{word}: {count} {'entry' if count == 1 else 'entries'}",
        )
        for word, count in shown
    ]
    desc = "How many entries name each feeling: " + "; ".join(f"{word} {count}" for word, count in shown)
    svg = charts.count_bar_chart("feelings", chart_rows, title="Feeling words", desc=desc)
    chart = Chart(svg=svg, desc=desc, rows=counts, table_body=charts.table_body(counts))
    return {"chart": chart, "shown_at_most": FEELINGS_SHOWN}


def _hours(figures: EntryFigures) -> dict[str, Any]:
    if not figures.hours:
        return {"chart": None}
    hours = insights.writing_hours(figures.hours)
    parts = insights.parts_of_day(hours)
    desc = "When in the day you begin entries, in your time zone: " + "; ".join(
        f"{count} {when} ({span})" for when, span, count in parts
    )
    svg = charts.column_chart("hours", charts.hour_columns(hours), title="When you write", desc=desc, zero_values=False)
    table = [{"hour": f"{hour:02d}:00 to {hour:02d}:59", "count": count} for hour, count in enumerate(hours)]
    body = charts.table_body((row["hour"], row["count"]) for row in table)
    return {"chart": Chart(svg=svg, desc=desc, rows=table, table_body=body), "parts": parts}


def _with_people(moods: dict, contacts: ContactFigures) -> dict[str, Any]:
    result = insights.with_people(moods, contacts.days)

    def chart_for(comparison: insights.Comparison, chart_id: str, title: str, labels: tuple[str, str]) -> Chart | None:
        """The chart names the two sides briefly (the heading above says which days); the table in full."""
        if not comparison.has_enough_days:
            return None
        groups = (comparison.with_people, comparison.without_people)
        chart_rows = [
            charts.ChartRow(
                label=short,
                value=float(group.average),
                value_text=group.average_text,
                tooltip=f"{label}: {group.average_text} of 5 over {group.days} days",
            )
            for short, label, group in zip(("With people", "On your own"), labels, groups, strict=True)
        ]
        desc = "; ".join(
            f"{label}: {group.average_text} over {group.days} days" for label, group in zip(labels, groups, strict=True)
        )
        svg = charts.mood_dot_chart(chart_id, chart_rows, title=title, desc=desc)
        table = [
            {"label": label, "average": group.average_text, "days": group.days}
            for label, group in zip(labels, groups, strict=True)
        ]
        body = charts.table_body((row["label"], row["average"], row["days"]) for row in table)
        return Chart(svg=svg, desc=desc, rows=table, table_body=body)

    return {
        "result": result,
        "min_days": MIN_DAYS_EACH_SIDE,
        "same_day_chart": chart_for(
            result.same_day,
            "with-people",
            "Mood on days with and without people",
            ("Days with a logged contact", "Days without"),
        ),
        "day_after_chart": chart_for(
            result.day_after,
            "day-after",
            "Mood on the day after",
            ("The day after a contact", "The day after a day without"),
        ),
    }


def _reached(contacts: ContactFigures) -> dict[str, Any]:
    months = contacts.months
    desc = f"People you logged a contact with, per month, from {months[0].label} to {months[-1].label}: " + "; ".join(
        f"{month.label} {month.people}" for month in months
    )
    svg = charts.column_chart("reached", charts.reached_columns(months), title="People reached", desc=desc)
    body = charts.table_body((month.label, month.people, month.contacts) for month in months)
    return {"chart": Chart(svg=svg, desc=desc, rows=months, table_body=body), "total_people": contacts.people}


def insights_chart_context(
    entries: QuerySet,
    writer: User,
    contacts: QuerySet | None = None,
    *,
    period: Period = Period.MONTH,
    year: int | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Everything templates/journal/_insights_charts.html shows, under the key "insights"."""
    zone = writer.zone
    today = today or writer.local_today()
    figures = load_entry_figures(entries, zone)
    moods = figures.moods
    years = insights.years_with_moods(moods, today)
    if year not in years:
        year = today.year
    context: dict[str, Any] = {
        "has_entries": bool(figures.hours),
        "has_moods": bool(moods),
        "period": period.value,
        "period_choices": [
            Choice(label=f"By {choice.value}", href=_query(choice, year, "mood-over-time"), is_current=choice is period)
            for choice in Period
        ],
        "mood_over_time": _mood_over_time(moods, period, today),
        "year": year,
        "year_choices": [
            Choice(label=str(choice), href=_query(period, choice, "year-in-pixels"), is_current=choice == year)
            for choice in years
        ],
        "pixels": _pixels(moods, year, today),
        "month_headers": MONTH_HEADERS,
        "legend": LEGEND,
        "empty_swatch": EMPTY_SWATCH,
        "tags": _tags(figures),
        "feelings": _feelings(figures),
        "hours": _hours(figures),
        "time_zone": writer.time_zone,
        "shows_people": contacts is not None,
    }
    if contacts is not None:
        contact_figures = load_contact_figures(contacts, zone, today)
        context["with_people"] = _with_people(moods, contact_figures)
        context["reached"] = _reached(contact_figures)
    return {"insights": context}
