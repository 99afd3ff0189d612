"""When a writer's next reminder email may go out: pure local-time maths, no database and no clock.

Everything here thinks in the writer's own wall clock (their IANA time zone, through zoneinfo) and answers in
UTC, which is what the database stores and the sweep compares against. The rules:

- A reminder goes out only on a chosen day of the week, inside the preferred window (say 09:00-10:00), and
  never inside quiet hours (which may cross midnight, say 22:00-07:00).
- At most one email every N days, counted in local calendar days: nudged on Monday with N=3, the next one
  can come on Thursday, whatever the clocks did in between.
- Nothing before the first local day someone in the circle is due, nor before the end of a pause.
- On the day the clocks spring forward, a window that starts in the missing hour starts when the clock
  reaches it (02:30 that does not exist becomes 03:30); on the day they fall back, a time that happens twice
  is taken the first time. Either way a day has exactly one slot.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
ALL_DAYS = frozenset(range(7))  # Monday is 0, as date.weekday() counts
DEFAULT_EVERY_DAYS = 3
MIN_EVERY_DAYS = 1
MAX_EVERY_DAYS = 60


@dataclass(frozen=True)
class ReminderPlan:
    """What the writer chose in Settings, plus their time zone."""

    time_zone: str
    window_start: time = time(9, 0)
    window_end: time = time(10, 0)
    days_of_week: frozenset[int] = ALL_DAYS
    quiet_start: time | None = None
    quiet_end: time | None = None
    every_days: int = DEFAULT_EVERY_DAYS
    paused_until: date | None = None  # a local date: reminders may come again from this day on


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _subtract(intervals: list[tuple[int, int]], cut_start: int, cut_end: int) -> list[tuple[int, int]]:
    kept = []
    for start, end in intervals:
        if cut_end <= start or cut_start >= end:
            kept.append((start, end))
            continue
        if start < cut_start:
            kept.append((start, cut_start))
        if cut_end < end:
            kept.append((cut_end, end))
    return kept


def allowed_minutes(plan: ReminderPlan) -> list[tuple[int, int]]:
    """The parts of a local day (minutes from midnight, [start, end)) inside the window and outside quiet hours."""
    return list(_allowed(plan.window_start, plan.window_end, plan.quiet_start, plan.quiet_end))


@lru_cache(maxsize=1024)
def _allowed(
    window_start: time, window_end: time, quiet_start: time | None, quiet_end: time | None
) -> tuple[tuple[int, int], ...]:
    start, end = _minutes(window_start), _minutes(window_end)
    if end <= start:
        return ()
    intervals = [(start, end)]
    if quiet_start is None or quiet_end is None or quiet_start == quiet_end:
        return tuple(intervals)
    quiet_from, quiet_until = _minutes(quiet_start), _minutes(quiet_end)
    if quiet_from < quiet_until:
        return tuple(_subtract(intervals, quiet_from, quiet_until))
    # Quiet hours across midnight are two cuts: the late evening and the early morning.
    return tuple(_subtract(_subtract(intervals, quiet_from, MINUTES_PER_DAY), 0, quiet_until))


def has_any_slot(plan: ReminderPlan) -> bool:
    """False when the choices leave no moment at all (no day ticked, or quiet hours cover the window)."""
    return bool(plan.days_of_week) and bool(allowed_minutes(plan))


def local_moment(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The instant a local wall-clock time happens on `day`, resolving DST gaps forward and folds to the first."""
    wall = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=zone)
    # In a gap, fold=0 reads the wall time with the offset from before the change: 02:30 becomes 03:30 DST.
    # Round-tripping through UTC gives the real instant, which is what we store.
    return wall.astimezone(UTC)


def next_nudge_at(
    plan: ReminderPlan,
    *,
    now: datetime,
    first_due_on: date | None,
    last_nudged_at: datetime | None,
) -> datetime | None:
    """The first moment at or after `now` (UTC) a reminder may go out, or None when nothing will be due.

    `first_due_on` is the first local date someone in the circle is due (from connections.rhythm).
    When `now` itself is allowed, `now` is returned: the caller may send straight away.
    """
    if first_due_on is None or not has_any_slot(plan):
        return None
    zone = ZoneInfo(plan.time_zone)
    first_day = max(now.astimezone(zone).date(), first_due_on)
    if last_nudged_at is not None:
        every_days = max(plan.every_days, MIN_EVERY_DAYS)
        first_day = max(first_day, last_nudged_at.astimezone(zone).date() + timedelta(days=every_days))
    if plan.paused_until is not None:
        first_day = max(first_day, plan.paused_until)
    return _first_slot(plan, now, first_day)


@lru_cache(maxsize=4096)
def _first_slot(plan: ReminderPlan, now: datetime, first_day: date) -> datetime | None:
    """The first allowed moment on or after `first_day`, and not before `now`.

    Cached: a sweep asks this for hundreds of writers at one `now`, and most share their choices and zone.
    """
    zone = ZoneInfo(plan.time_zone)
    intervals = _allowed(plan.window_start, plan.window_end, plan.quiet_start, plan.quiet_end)
    # Eight days always reach every ticked weekday, including the first day's own weekday a week on.
    for offset in range(8):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in plan.days_of_week:
            continue
        for start, end in intervals:
            opens, closes = local_moment(day, start, zone), local_moment(day, end, zone)
            if now < opens:
                return opens
            if now < closes:
                return now.astimezone(UTC)
    return None


def is_allowed_now(
    plan: ReminderPlan, *, now: datetime, first_due_on: date | None, last_nudged_at: datetime | None
) -> bool:
    """May a reminder go out at exactly `now`?"""
    moment = next_nudge_at(plan, now=now, first_due_on=first_due_on, last_nudged_at=last_nudged_at)
    return moment is not None and moment <= now


def days_from_mask(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))


def mask_from_days(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << int(day)
    return mask
