"""Insights as pure arithmetic over plain rows: no database, no request, no templates.

Everything here works on plain rows (days with their moods, tags with their moods, feeling words, local
hours, contact days: never an entry's title or body), so every figure on the insights page can be checked
by hand in a test. The loader in journal/insights_context.py lets the database do the grouping that is
simple SQL (moods per day, per tag and per hour, entries per feeling word) and hands over the small results.

How the figures are defined (the page says the same in plain words):
- A day is the writer's local day: `entry_date` already is one; the hour an entry was begun and the day a
  contact happened are the writer's local ones. The loader (journal/insights_context.py) has the database
  convert `created_at` and `happened_at` with the writer's zone (Django's `tzinfo=`), which is what keeps
  the page quick over years of rows; the tests pin it in zones on both sides of UTC, across DST changes.
  The late-night note converts its few timestamps here, with `zoneinfo`.
- A day's mood is the mean of the moods of that day's entries (entries without a mood are left out),
  and every longer average (a week, a month, a year, days with people) is the mean of day moods, so a
  day with three entries counts as much as a day with one.
- A period with no mood at all is a gap (`average is None`), never a zero.
- "With people" compares the moods of days with at least one logged contact (an attempt or a
  conversation) against days without, and the day after each. A comparison is shown only when both
  sides have at least `MIN_DAYS_EACH_SIDE` days with a mood.
"""

from __future__ import annotations

import calendar
import datetime
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

MOOD_WORDS = {1: "very low", 2: "low", 3: "okay", 4: "good", 5: "very good"}
MOOD_MIN, MOOD_MAX = 1, 5

# Below this many days on either side, a comparison says "not enough days yet" instead of a number.
MIN_DAYS_EACH_SIDE = 5
# A tag's average is shown once at least this many entries with that tag have a mood.
MIN_ENTRIES_PER_TAG = 3
# How far back the week and month views of mood over time reach; the year view shows every year.
WEEKS_SHOWN = 26
MONTHS_SHOWN = 24
# People reached: the last twelve months, this one included.
REACHED_MONTHS_SHOWN = 12
# Late nights: writing between midnight and 5 a.m. local time on at least this many nights of one week.
LATE_NIGHT_HOURS = range(0, 5)
LATE_NIGHTS_NEEDED = 3

ONE_DAY = datetime.timedelta(days=1)
# English names without strftime (which follows the process locale, and is slow over a year of days).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SHORT_MONTH_NAMES = tuple(name[:3] for name in MONTH_NAMES)


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


# Tuples rather than dataclasses: thousands are made per page, and NamedTuple is the cheapest to build.
class MoodSum(NamedTuple):
    """The moods of the entries of one local day (or of one tag): their sum and how many there are."""

    key: datetime.date | str
    total: int
    count: int


@dataclass(frozen=True)
class EntryRow:
    """One entry as insights may know it (never its title or body), for callers that hold entry rows
    rather than the grouped sums the insights page loads; see `day_moods_of_entries`."""

    entry_date: datetime.date
    mood: int | None
    feelings: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    created_at: datetime.datetime | None = None


class ContactRow(NamedTuple):
    """A contact as insights may know it (never its note). Plain (day, person id) tuples work too."""

    local_day: datetime.date  # the day it happened, in the writer's zone
    person_id: int


# An exact mood: an int for most days (one entry), a Fraction where several entries are averaged.
Mood = int | Fraction


# --- numbers as the page shows them ------------------------------------------------------------------


def mean_of_total(total: Mood, count: int) -> Fraction | None:
    """The exact mean of `count` moods that add up to `total`, or None when there are none.

    Callers sum with `sum()` (whole moods as ints, the few averaged days as Fractions): exact, and summed in C.
    """
    return Fraction(total, count) if count else None


def one_decimal(value: Mood) -> str:
    """3.65 -> '3.7': rounded half up, the way people round by hand (not banker's rounding)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def nearest_mood(value: Mood) -> int:
    """The 1-5 step a day's average is drawn as (3.5 -> 4)."""
    if isinstance(value, int):
        return value
    return int(value + Fraction(1, 2))


def local_date(moment: datetime.datetime, zone: ZoneInfo) -> datetime.date:
    return moment.astimezone(zone).date()


def start_of_local_day(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    """The aware moment a local day begins (midnight local, whatever DST did that night)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


# --- days --------------------------------------------------------------------------------------------


def day_moods_from_sums(days: Iterable[tuple[datetime.date, int, int]]) -> dict[datetime.date, Mood]:
    """Each local day that has at least one mood, with the mean of that day's moods, from
    (day, sum of its moods, how many moods) triples."""
    return {day: total if count == 1 else Fraction(total, count) for day, total, count in days if count}


def day_moods(entries: Iterable[EntryRow]) -> dict[datetime.date, Mood]:
    """The same from one row per entry: sums the moods of each day first."""
    sums: dict[datetime.date, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        if entry.mood is not None:
            day = sums[entry.entry_date]
            day[0] += entry.mood
            day[1] += 1
    return day_moods_from_sums((day, total, count) for day, (total, count) in sums.items())


def contact_days(contacts: Iterable[ContactRow]) -> set[datetime.date]:
    return {local_day for local_day, _person_id in contacts}


# --- mood over time ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodMood:
    start: datetime.date
    period: Period
    average: Fraction | None  # None is a gap: no mood recorded in this period
    days: int  # days with a mood in this period

    @property
    def label(self) -> str:
        start = self.start
        if self.period is Period.WEEK:
            return f"Week of {start.day} {SHORT_MONTH_NAMES[start.month - 1]} {start.year}"
        if self.period is Period.MONTH:
            return f"{MONTH_NAMES[start.month - 1]} {start.year}"
        return str(start.year)

    @property
    def short_label(self) -> str:
        start = self.start
        if self.period is Period.WEEK:
            return f"{start.day} {SHORT_MONTH_NAMES[start.month - 1]}"
        if self.period is Period.MONTH:
            return f"{SHORT_MONTH_NAMES[start.month - 1]} {start.year % 100:02d}"
        return str(start.year)

    @property
    def average_text(self) -> str:
        return one_decimal(self.average) if self.average is not None else ""


def period_start(day: datetime.date, period: Period) -> datetime.date:
    if period is Period.WEEK:
        return day - datetime.timedelta(days=day.weekday())  # ISO weeks begin on Monday
    if period is Period.MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_period_start(start: datetime.date, period: Period) -> datetime.date:
    if period is Period.WEEK:
        return start + datetime.timedelta(weeks=1)
    if period is Period.MONTH:
        return (start + datetime.timedelta(days=32)).replace(day=1)
    return start.replace(year=start.year + 1)


def periods_back(end_start: datetime.date, period: Period, count: int) -> datetime.date:
    """The start of the period `count - 1` periods before the one starting at `end_start`."""
    if period is Period.WEEK:
        return end_start - datetime.timedelta(weeks=count - 1)
    if period is Period.MONTH:
        months = end_start.year * 12 + end_start.month - 1 - (count - 1)
        return datetime.date(months // 12, months % 12 + 1, 1)
    return end_start.replace(year=end_start.year - (count - 1))


def mood_over_time(moods: dict[datetime.date, Mood], period: Period, today: datetime.date) -> list[PeriodMood]:
    """Average day mood per week, month or year, from the first period with a mood up to today's.

    Weeks reach back at most WEEKS_SHOWN weeks and months MONTHS_SHOWN months; years go back to the
    first year with a mood. Periods in between with no mood are kept as gaps.
    """
    # The days in order (nearly free when they come sorted): each period's days are then one slice, found by
    # bisection and summed in C, rather than a Python step for every day of years of writing.
    days = sorted(moods)
    if not days or days[0] > today:
        return []
    last = period_start(today, period)
    first = period_start(days[0], period)
    if period is Period.WEEK:
        first = max(first, periods_back(last, period, WEEKS_SHOWN))
    elif period is Period.MONTH:
        first = max(first, periods_back(last, period, MONTHS_SHOWN))
    low, end = bisect_left(days, first), bisect_right(days, today)
    result = []
    start = first
    while start <= last:
        following = next_period_start(start, period)
        high = bisect_left(days, following, low, end)
        total = sum(map(moods.__getitem__, days[low:high]))
        result.append(PeriodMood(start=start, period=period, average=mean_of_total(total, high - low), days=high - low))
        low, start = high, following
    return result


# --- year in pixels ----------------------------------------------------------------------------------


class PixelDay(NamedTuple):
    day: datetime.date
    average: Mood | None  # None: no mood that day
    is_future: bool
    mood_step: int | None  # the 1-5 step it is drawn as

    @property
    def label(self) -> str:
        if self.is_future:
            return f"{day_name(self.day)}: still to come"
        return day_label(self.day, self.average)


def day_name(day: datetime.date) -> str:
    """'Monday 2 March 2026'."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def day_label(day: datetime.date, average: Mood | None) -> str:
    """A past day and its mood in words: 'Monday 2 March 2026: mood 4 of 5, good'."""
    if average is None:
        return f"{day_name(day)}: no mood recorded"
    step = nearest_mood(average)
    if average.denominator == 1:
        return f"{day_name(day)}: mood {step} of 5, {MOOD_WORDS[step]}"
    return f"{day_name(day)}: mood {one_decimal(average)} of 5 on average, about {MOOD_WORDS[step]}"


def year_in_pixels(moods: dict[datetime.date, Mood], year: int, today: datetime.date) -> list[list[PixelDay]]:
    """Twelve lists (January to December), one PixelDay per day of that month."""
    return [
        [
            PixelDay(day, average, day > today, None if average is None else nearest_mood(average))
            for day, average in zip(days, map(moods.get, days), strict=True)
        ]
        for days in days_of_months(year)
    ]


@lru_cache(maxsize=16)
def days_of_months(year: int) -> tuple[tuple[datetime.date, ...], ...]:
    """The dates of each month of a year: the same for every writer, so made once."""
    return tuple(
        tuple(datetime.date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1))
        for month in range(1, 13)
    )


def years_with_moods(moods: dict[datetime.date, Mood], today: datetime.date) -> list[int]:
    """Years that can be shown as pixels: those with a mood, plus this year; oldest first."""
    years = {today.year}
    # Year by year through the sorted days, jumping to the next year's first day rather than visiting each.
    days = sorted(moods)
    index = 0
    while index < len(days):
        year = days[index].year
        years.add(year)
        index = bisect_left(days, datetime.date(year + 1, 1, 1), index)
    return sorted(years)


# --- mood by tag, feelings, time of day ----------------------------------------------------------------


@dataclass(frozen=True)
class TagMood:
    name: str
    average: Fraction
    entries: int  # entries with this tag and a mood

    @property
    def average_text(self) -> str:
        return one_decimal(self.average)


def mood_by_tag(tags: Iterable[MoodSum], min_entries: int = MIN_ENTRIES_PER_TAG) -> tuple[list[TagMood], int]:
    """Average mood of the entries carrying each tag (one MoodSum per tag), most-used tags first.

    Returns the tags with at least `min_entries` entries with a mood, and how many tags were left out
    for having fewer.
    """
    tags = [tag for tag in tags if tag.count]
    shown = [
        TagMood(name=name, average=Fraction(total, count), entries=count)
        for name, total, count in tags
        if count >= min_entries
    ]
    # The name as written breaks a tie between two names that fold alike, so the order never depends on
    # the order rows came in.
    shown.sort(key=lambda tag: (-tag.entries, tag.name.casefold(), tag.name))
    return shown, len(tags) - len(shown)


def feeling_counts(feelings_per_entry: list[list[str]]) -> list[tuple[str, int]]:
    """How many entries name each feeling word (a word twice in one entry counts once), commonest first.

    Spelling variants ("Calm", " calm") are one word. The journal stores its vocabulary's lower-case
    words, so the exact per-entry folding is needed only when variants exist; counting the plain words
    first keeps years of entries cheap.
    """
    words: list[str] = []
    for feelings in feelings_per_entry:
        if feelings.__class__ is list:  # anything else in the JSON is not a list of words
            words.extend({word for word in feelings if word.__class__ is str})
    counts: Counter[str] = Counter()
    spellings = 0
    for word, count in Counter(words).items():
        key = word.strip().casefold()
        if key:
            counts[key] += count
            spellings += 1
    if spellings != len(counts):
        counts = Counter()
        for feelings in feelings_per_entry:
            if feelings.__class__ is list:
                counts.update({key for word in feelings if word.__class__ is str and (key := word.strip().casefold())})
    return _commonest_first(counts)


def feeling_counts_by_word(words: Iterable[tuple[str, int, Collection[int] | None]]) -> list[tuple[str, int]]:
    """The same counts from words the database has already counted: (word, entries naming it, their ids).

    The ids matter only where spellings fold together (an entry naming "Calm" and "calm" counts once), so a
    loader may send None instead when every word is its own folded form; then no two words can meet.
    """
    counts: Counter[str] = Counter()
    entries_naming: dict[str, set[int]] = defaultdict(set)
    for word, entries, entry_ids in words:
        key = word.strip().casefold()
        if not key:
            continue
        if entry_ids is None:
            counts[key] += entries
        else:
            entries_naming[key].update(entry_ids)
    counts.update({key: len(entry_ids) for key, entry_ids in entries_naming.items()})
    return _commonest_first(counts)


def _commonest_first(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def writing_hours(entries_per_hour: Iterable[tuple[int, int]]) -> list[int]:
    """Twenty-four counts from (local hour, entries begun in it) pairs, 00:00-00:59 first."""
    hours = [0] * 24
    for hour, count in entries_per_hour:
        hours[hour] += count
    return hours


PARTS_OF_DAY = (
    ("at night", range(0, 6)),
    ("in the morning", range(6, 12)),
    ("in the afternoon", range(12, 18)),
    ("in the evening", range(18, 24)),
)


def parts_of_day(hours: list[int]) -> list[tuple[str, str, int]]:
    """(when, hours as text, count) for night, morning, afternoon and evening."""
    return [
        (name, f"{span.start:02d}:00 to {span.stop - 1:02d}:59", sum(hours[hour] for hour in span))
        for name, span in PARTS_OF_DAY
    ]


# --- with people, and on your own ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupMood:
    average: Fraction | None
    days: int

    @property
    def average_text(self) -> str:
        return one_decimal(self.average) if self.average is not None else ""


@dataclass(frozen=True)
class Comparison:
    with_people: GroupMood
    without_people: GroupMood
    min_days: int

    @property
    def has_enough_days(self) -> bool:
        return self.with_people.days >= self.min_days and self.without_people.days >= self.min_days

    @property
    def difference(self) -> Fraction | None:
        """With minus without, or None when there are not enough days to say."""
        if not self.has_enough_days:
            return None
        return self.with_people.average - self.without_people.average

    @property
    def difference_text(self) -> str:
        difference = self.difference
        return one_decimal(abs(difference)) if difference is not None else ""

    @property
    def direction(self) -> str:
        """'higher', 'lower' or 'same', comparing the figures as shown (to one decimal)."""
        if self.difference is None:
            return ""
        shown = Decimal(self.with_people.average_text) - Decimal(self.without_people.average_text)
        return "higher" if shown > 0 else "lower" if shown < 0 else "same"


@dataclass(frozen=True)
class WithPeople:
    same_day: Comparison
    day_after: Comparison
    days_with_contact: int  # local days with at least one logged contact, with or without a mood

    @property
    def min_days(self) -> int:
        return self.same_day.min_days


def with_people(
    moods: dict[datetime.date, Mood], days_with_contact: set[datetime.date], min_days: int = MIN_DAYS_EACH_SIDE
) -> WithPeople:
    """Mood on days with a logged contact against days without; and on the day after each kind of day."""
    # Sets and sums rather than a Python step per day: this runs over years of days. "Without" is all the
    # days less those with, and its sum the total less theirs (exact: moods are whole numbers and fractions).
    total, days = sum(moods.values()), len(moods)

    def compare(days_with: set[datetime.date]) -> Comparison:
        total_with, count = sum(map(moods.__getitem__, days_with)), len(days_with)
        return Comparison(
            GroupMood(mean_of_total(total_with, count), count),
            GroupMood(mean_of_total(total - total_with, days - count), days - count),
            min_days,
        )

    return WithPeople(
        same_day=compare(moods.keys() & days_with_contact),
        day_after=compare(moods.keys() & {day + ONE_DAY for day in days_with_contact}),
        days_with_contact=len(days_with_contact),
    )


# --- people reached -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthReached:
    start: datetime.date
    people: int  # different people with at least one logged contact that month
    contacts: int

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"

    @property
    def short_label(self) -> str:
        return SHORT_MONTH_NAMES[self.start.month - 1]


def first_month_reached(today: datetime.date, months: int = REACHED_MONTHS_SHOWN) -> datetime.date:
    """The first day of the first of the `months` months shown, this one the last."""
    return periods_back(today.replace(day=1), Period.MONTH, months)


def people_reached_by_month(
    contacts: Iterable[ContactRow], today: datetime.date, months: int = REACHED_MONTHS_SHOWN
) -> list[MonthReached]:
    """Per local month, oldest first, the last `months` months up to this one (a month with nobody is 0)."""
    last = today.replace(day=1)
    first = first_month_reached(today, months)
    people_contacted: dict[datetime.date, list[int]] = defaultdict(list)  # per month, one person per contact
    for local_day, person_id in contacts:
        if local_day < first:  # most of a long history: skip it before any date arithmetic
            continue
        month = local_day.replace(day=1)
        if month <= last:
            people_contacted[month].append(person_id)
    result = []
    month = first
    while month <= last:
        contacted = people_contacted.get(month, ())
        result.append(MonthReached(start=month, people=len(set(contacted)), contacts=len(contacted)))
        month = next_period_start(month, Period.MONTH)
    return result


def people_reached_since(contacts: Iterable[ContactRow], first_day: datetime.date) -> int:
    """Different people with a logged contact on or after `first_day` (a local day)."""
    return len({person_id for local_day, person_id in contacts if local_day >= first_day})


# --- late nights --------------------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """Monday of the week `day` is in: "this week" for the late-night note."""
    return day - datetime.timedelta(days=day.weekday())


def late_nights(created_ats: Iterable[datetime.datetime], zone: ZoneInfo, since: datetime.date) -> set[datetime.date]:
    """Local days on or after `since` on which something was written between midnight and 5 a.m."""
    nights = set()
    for moment in created_ats:
        local = moment.astimezone(zone)
        if local.date() >= since and local.hour in LATE_NIGHT_HOURS:
            nights.add(local.date())
    return nights
