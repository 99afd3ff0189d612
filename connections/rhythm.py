"""When a person is due: the writer's hoped-for rhythm, counted in the writer's own days.

Pure: no database and no clock of its own (the caller passes `now`). Reach out ranks with it and the
Nudges part decides who is due for an email with it, so "due" means exactly the same in both places.

The rules, each one tested in tests/test_people_rhythm.py:

- Days are calendar days in the writer's time zone, from the local date of the last contact (or of the day
  the person was added, if there has been no contact yet) to the local date of `now`. A call at 23:50
  yesterday is "1 day ago" at 00:10 today, whatever UTC says.
- "Ideally every N days": due once at least N days have passed. "Too long after M days": too long once at
  least M days have passed. Either may be unset; with neither there are no reminders ("no rhythm").
- Logging a contact resets the clock: everything counts from the last contact, never from the day the
  rhythm was set.
- A paused person (a rupture, a bereavement) is never due.
- A snoozed person is not due before `snoozed_until`, a local date: snoozed "for a day" on Monday, they can
  be due again on Tuesday.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

# A rhythm is between a day and two years: 0 days means nothing, 10,000 days is a typo.
MIN_RHYTHM_DAYS = 1
MAX_RHYTHM_DAYS = 730


class Standing(StrEnum):
    NO_RHYTHM = "no_rhythm"
    PAUSED = "paused"
    SNOOZED = "snoozed"
    NOT_YET = "not_yet"
    DUE = "due"
    TOO_LONG = "too_long"


class RhythmState(NamedTuple):
    """Where one person stands. A named tuple rather than a dataclass: Reach out and the nudge sweep make
    one for every person in a circle, and a tuple is built in a fraction of the time."""

    standing: Standing
    # Local calendar days since the last contact, or since the person was added when never contacted.
    days_quiet: int
    never_contacted: bool
    ideal_every_days: int | None
    too_long_after_days: int | None
    # The local date the ideal rhythm comes round, and the date it becomes too long (None without one).
    due_on: date | None
    too_long_on: date | None
    # The first local date this person counts as due, after any snooze (None: never, e.g. no rhythm or paused).
    next_due_on: date | None

    @property
    def is_due(self) -> bool:
        return self.standing in (Standing.DUE, Standing.TOO_LONG)

    @property
    def days_past_due(self) -> int:
        """How many days past the first threshold the writer set (0 when not due)."""
        if not self.is_due:
            return 0
        threshold = self.ideal_every_days or self.too_long_after_days or 0
        return max(self.days_quiet - threshold, 0)


class HasRhythm(Protocol):
    """What `rhythm_state_of` reads: a connections.models.Person fits, and so does any snapshot of one."""

    ideal_every_days: int | None
    too_long_after_days: int | None
    last_contact_at: datetime | None
    created_at: datetime
    snoozed_until: date | None
    is_paused: bool


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def rhythm_state(
    *,
    ideal_every_days: int | None,
    too_long_after_days: int | None,
    last_contact_at: datetime | None,
    created_at: datetime,
    snoozed_until: date | None,
    is_paused: bool,
    zone: ZoneInfo | str,
    now: datetime,
) -> RhythmState:
    """Where a person stands against the writer's hoped-for rhythm at `now` (an aware datetime)."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    today = local_date(now, zone)
    never_contacted = last_contact_at is None
    anchor = local_date(created_at if last_contact_at is None else last_contact_at, zone)
    # A contact logged "later today" in another zone must never make the count negative.
    days_quiet = max((today - anchor).days, 0)

    due_on = anchor + timedelta(days=ideal_every_days) if ideal_every_days else None
    too_long_on = anchor + timedelta(days=too_long_after_days) if too_long_after_days else None
    first_due_on = due_on or too_long_on
    snoozed = snoozed_until is not None and today < snoozed_until

    if first_due_on is None:
        standing, next_due_on = Standing.NO_RHYTHM, None
    elif is_paused:
        standing, next_due_on = Standing.PAUSED, None
    else:
        next_due_on = max(first_due_on, snoozed_until) if snoozed_until else first_due_on
        if today < first_due_on:
            standing = Standing.NOT_YET
        elif snoozed:
            standing = Standing.SNOOZED
        elif too_long_on is not None and today >= too_long_on:
            standing = Standing.TOO_LONG
        else:
            standing = Standing.DUE

    return RhythmState(
        standing=standing,
        days_quiet=days_quiet,
        never_contacted=never_contacted,
        ideal_every_days=ideal_every_days,
        too_long_after_days=too_long_after_days,
        due_on=due_on,
        too_long_on=too_long_on,
        next_due_on=next_due_on,
    )


def rhythm_state_of(person: HasRhythm, *, zone: ZoneInfo | str, now: datetime) -> RhythmState:
    return rhythm_state(
        ideal_every_days=person.ideal_every_days,
        too_long_after_days=person.too_long_after_days,
        last_contact_at=person.last_contact_at,
        created_at=person.created_at,
        snoozed_until=person.snoozed_until,
        is_paused=person.is_paused,
        zone=zone,
        now=now,
    )


# --- words ------------------------------------------------------------------------------------------


def days_in_words(days: int) -> str:
    """'1 day', '24 days', '2 weeks' (whole weeks read as weeks, as people say them)."""
    if days >= 7 and days % 7 == 0:
        weeks = days // 7
        return "1 week" if weeks == 1 else f"{weeks} weeks"
    return "1 day" if days == 1 else f"{days} days"


def every_in_words(days: int) -> str:
    """'every day', 'every 3 days', 'every week', 'every 2 weeks'."""
    if days == 1:
        return "every day"
    if days == 7:
        return "every week"
    return f"every {days_in_words(days)}"


def split_into_unit(days: int | None) -> tuple[int | None, str]:
    """A stored number of days as the form shows it: (2, 'weeks') for 14, (10, 'days') for 10."""
    if days is None:
        return None, "weeks"
    if days % 7 == 0:
        return days // 7, "weeks"
    return days, "days"


def last_touch_in_words(state: RhythmState) -> str:
    """'In touch today', 'Last in touch yesterday', 'Last in touch 12 days ago', 'Added 3 days ago'."""
    if state.never_contacted:
        if state.days_quiet == 0:
            return "Added today"
        return "Added yesterday" if state.days_quiet == 1 else f"Added {days_in_words(state.days_quiet)} ago"
    if state.days_quiet == 0:
        return "In touch today"
    if state.days_quiet == 1:
        return "Last in touch yesterday"
    return f"Last in touch {days_in_words(state.days_quiet)} ago"


def rhythm_in_words(ideal_every_days: int | None, too_long_after_days: int | None) -> str:
    """'Ideally every 2 weeks; too long after 30 days', or 'No reminders'."""
    parts = []
    if ideal_every_days:
        parts.append(f"Ideally {every_in_words(ideal_every_days)}")
    if too_long_after_days:
        parts.append(f"too long after {days_in_words(too_long_after_days)}")
    if not parts:
        return "No reminders"
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
