"""When someone is due: the hoped-for rhythm in the writer's own calendar days (connections/rhythm.py)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from connections.rhythm import (
    Standing,
    days_in_words,
    every_in_words,
    last_touch_in_words,
    rhythm_in_words,
    rhythm_state,
    split_into_unit,
)

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def state(now, *, last=None, created=None, ideal=14, too_long=None, snoozed_until=None, paused=False, zone=LONDON):
    return rhythm_state(
        ideal_every_days=ideal,
        too_long_after_days=too_long,
        last_contact_at=last,
        created_at=created or datetime(2026, 1, 1, 12, tzinfo=UTC),
        snoozed_until=snoozed_until,
        is_paused=paused,
        zone=zone,
        now=now,
    )


def test_not_due_before_the_rhythm_comes_round():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    result = state(now, last=now - timedelta(days=13))
    assert result.standing == Standing.NOT_YET
    assert result.days_quiet == 13
    assert result.due_on == date(2026, 3, 11)


def test_due_on_the_day_the_rhythm_comes_round():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    result = state(now, last=now - timedelta(days=14))
    assert result.standing == Standing.DUE
    assert result.is_due
    assert result.days_past_due == 0


def test_too_long_once_the_second_level_is_reached():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    result = state(now, last=now - timedelta(days=30), ideal=14, too_long=30)
    assert result.standing == Standing.TOO_LONG
    assert result.days_past_due == 16


def test_only_too_long_set_means_due_only_when_too_long():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert state(now, last=now - timedelta(days=29), ideal=None, too_long=30).standing == Standing.NOT_YET
    assert state(now, last=now - timedelta(days=30), ideal=None, too_long=30).standing == Standing.TOO_LONG


def test_no_rhythm_is_never_due():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    result = state(now, last=now - timedelta(days=400), ideal=None, too_long=None)
    assert result.standing == Standing.NO_RHYTHM
    assert result.next_due_on is None
    assert not result.is_due


def test_never_contacted_counts_from_the_day_they_were_added():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    result = state(now, last=None, created=now - timedelta(days=20))
    assert result.never_contacted
    assert result.days_quiet == 20
    assert result.standing == Standing.DUE


def test_a_contact_resets_the_clock_not_the_day_the_rhythm_was_set():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    added_long_ago = now - timedelta(days=90)
    result = state(now, last=now - timedelta(days=3), created=added_long_ago)
    assert result.standing == Standing.NOT_YET
    assert result.due_on == date(2026, 3, 21)


def test_paused_people_are_never_due():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    result = state(now, last=now - timedelta(days=100), paused=True)
    assert result.standing == Standing.PAUSED
    assert result.next_due_on is None


def test_snoozed_for_a_day_is_due_again_the_next_local_day():
    last = datetime(2026, 2, 1, 12, tzinfo=UTC)
    monday = datetime(2026, 3, 9, 12, tzinfo=UTC)
    assert state(monday, last=last, snoozed_until=date(2026, 3, 10)).standing == Standing.SNOOZED
    tuesday_early = datetime(2026, 3, 10, 0, 5, tzinfo=UTC)
    assert state(tuesday_early, last=last, snoozed_until=date(2026, 3, 10)).standing == Standing.DUE


def test_next_due_on_waits_for_the_snooze():
    now = datetime(2026, 3, 9, 12, tzinfo=UTC)
    result = state(now, last=now - timedelta(days=20), snoozed_until=date(2026, 3, 16))
    assert result.next_due_on == date(2026, 3, 16)


def test_days_are_the_writers_calendar_days_not_utc():
    # 23:30 in Auckland on 9 March is 10:30 UTC on 9 March; ten minutes after local midnight it is "1 day".
    last = datetime(2026, 3, 9, 23, 30, tzinfo=AUCKLAND)
    now = datetime(2026, 3, 10, 0, 10, tzinfo=AUCKLAND)
    assert state(now, last=last, zone=AUCKLAND).days_quiet == 1
    # Seen from London the same two moments fall on the same day.
    assert state(now, last=last, zone=LONDON).days_quiet == 0


def test_negative_offset_zone_counts_its_own_midnight():
    # 16:30 in Los Angeles on 9 March is already 10 March in UTC.
    last = datetime(2026, 3, 9, 16, 30, tzinfo=LOS_ANGELES)
    now = datetime(2026, 3, 9, 23, 50, tzinfo=LOS_ANGELES)
    assert state(now, last=last, zone=LOS_ANGELES).days_quiet == 0


@pytest.mark.parametrize(
    ("zone", "last", "now"),
    [
        # Spring forward in London (29 March 2026) and fall back (25 October 2026).
        (LONDON, datetime(2026, 3, 15, 12, tzinfo=LONDON), datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)),
        (LONDON, datetime(2026, 10, 11, 12, tzinfo=LONDON), datetime(2026, 10, 25, 0, 30, tzinfo=LONDON)),
        # Auckland's changes go the other way round (5 April and 27 September 2026).
        (AUCKLAND, datetime(2026, 3, 22, 12, tzinfo=AUCKLAND), datetime(2026, 4, 5, 0, 30, tzinfo=AUCKLAND)),
        (AUCKLAND, datetime(2026, 9, 13, 12, tzinfo=AUCKLAND), datetime(2026, 9, 27, 0, 30, tzinfo=AUCKLAND)),
    ],
)
def test_due_on_the_fourteenth_local_day_across_a_clock_change(zone, last, now):
    result = state(now, last=last, zone=zone)
    assert result.days_quiet == 14
    assert result.standing == Standing.DUE
    just_before = state(now - timedelta(hours=1), last=last, zone=zone)
    assert just_before.standing == Standing.NOT_YET


def test_a_contact_logged_ahead_of_local_today_never_counts_negative():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert state(now, last=now + timedelta(days=1)).days_quiet == 0


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "every day"), (3, "every 3 days"), (7, "every week"), (14, "every 2 weeks"), (30, "every 30 days")],
)
def test_rhythms_read_as_people_say_them(days, words):
    assert every_in_words(days) == words


def test_durations_read_as_people_say_them():
    assert [days_in_words(days) for days in (1, 24, 7, 21)] == ["1 day", "24 days", "1 week", "3 weeks"]


def test_the_form_shows_whole_weeks_as_weeks():
    assert split_into_unit(14) == (2, "weeks")
    assert split_into_unit(10) == (10, "days")
    assert split_into_unit(None) == (None, "weeks")


def test_rhythm_summary_and_last_touch_words():
    assert rhythm_in_words(14, 30) == "Ideally every 2 weeks; too long after 30 days"
    assert rhythm_in_words(None, None) == "No reminders"
    assert rhythm_in_words(None, 21) == "Too long after 3 weeks"
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert last_touch_in_words(state(now, last=now)) == "In touch today"
    assert last_touch_in_words(state(now, last=now - timedelta(days=1))) == "Last in touch yesterday"
    assert last_touch_in_words(state(now, last=now - timedelta(days=12))) == "Last in touch 12 days ago"
    assert last_touch_in_words(state(now, created=now - timedelta(days=3))) == "Added 3 days ago"
