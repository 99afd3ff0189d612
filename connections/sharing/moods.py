"""The shared mood chart: the Insights arithmetic and SVG, fed only with entries in the share's scope."""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from connections.sharing.models import Share
from connections.sharing.querysets import entries_in_scope
from journal.insights import EntryRow, Period, PeriodMood, day_moods, mood_over_time
from journal.insights_charts import mood_line_chart, mood_line_desc


@dataclass(frozen=True)
class MoodChart:
    period: Period
    points: list[PeriodMood]
    svg: SafeString | None  # None when no shared entry has a mood
    description: str


def mood_chart_for(share: Share, period: Period = Period.WEEK) -> MoodChart:
    # Dates and moods only: nothing sealed is opened for a chart.
    rows = entries_in_scope(share).filter(mood__isnull=False).values_list("entry_date", "mood", "created_at")
    entries = [
        EntryRow(entry_date=entry_date, mood=mood, feelings=(), tags=(), created_at=created_at)
        for entry_date, mood, created_at in rows
    ]
    points = mood_over_time(day_moods(entries), period, share.writer.local_today())
    unit = "week" if period is Period.WEEK else "month"
    description = mood_line_desc(points, unit)
    svg = (
        mood_line_chart("shared-mood", points, title=f"Mood by {unit}, from shared entries", desc=description)
        if points
        else None
    )
    return MoodChart(period=period, points=points, svg=svg, description=description)
