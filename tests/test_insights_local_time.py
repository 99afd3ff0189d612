"""Local days and late nights across clock changes, on both sides of UTC (pure functions, no database)."""

import datetime
from zoneinfo import ZoneInfo

from journal.insights import late_nights, local_date, start_of_local_day, week_start

LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # clocks go forward at 2 a.m. on Sunday 8 March 2026
AUCKLAND = ZoneInfo("Pacific/Auckland")  # clocks go back at 3 a.m. on Sunday 5 April 2026


def at(zone: ZoneInfo, text: str, fold: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)


def test_the_week_begins_on_monday():
    assert week_start(datetime.date(2026, 3, 8)) == datetime.date(2026, 3, 2)  # a Sunday
    assert week_start(datetime.date(2026, 3, 9)) == datetime.date(2026, 3, 9)  # a Monday


def test_a_local_day_begins_at_local_midnight_even_on_the_night_the_clocks_change():
    assert start_of_local_day(datetime.date(2026, 3, 8), LOS_ANGELES).astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 8, 8, tzinfo=datetime.UTC
    )
    assert start_of_local_day(datetime.date(2026, 3, 9), LOS_ANGELES).astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 9, 7, tzinfo=datetime.UTC
    )
    assert start_of_local_day(datetime.date(2026, 4, 5), AUCKLAND).astimezone(datetime.UTC) == datetime.datetime(
        2026, 4, 4, 11, tzinfo=datetime.UTC
    )


def test_one_utc_moment_is_a_different_local_day_on_each_side_of_utc():
    moment = datetime.datetime(2026, 3, 10, 11, 30, tzinfo=datetime.UTC)
    assert local_date(moment, LOS_ANGELES) == datetime.date(2026, 3, 10)
    assert local_date(moment, AUCKLAND) == datetime.date(2026, 3, 11)


def test_late_nights_across_the_spring_clock_change_in_los_angeles():
    written = [
        at(LOS_ANGELES, "2026-03-08 01:30"),  # before the jump
        at(LOS_ANGELES, "2026-03-08 03:30"),  # after it: the same night
        at(LOS_ANGELES, "2026-03-08 05:30"),  # morning, not late
        at(LOS_ANGELES, "2026-03-07 23:50"),  # before midnight, not late
        at(LOS_ANGELES, "2026-03-03 00:05"),
    ]
    utc = [moment.astimezone(datetime.UTC) for moment in written]
    assert late_nights(utc, LOS_ANGELES, datetime.date(2026, 3, 2)) == {
        datetime.date(2026, 3, 3),
        datetime.date(2026, 3, 8),
    }


def test_late_nights_across_the_autumn_clock_change_in_auckland():
    written = [
        at(AUCKLAND, "2026-04-05 02:30", fold=0),  # 2:30 the first time round
        at(AUCKLAND, "2026-04-05 02:30", fold=1),  # and the second
        at(AUCKLAND, "2026-04-01 04:59"),
        at(AUCKLAND, "2026-03-29 01:00"),  # the Sunday before: last week
    ]
    utc = [moment.astimezone(datetime.UTC) for moment in written]
    assert late_nights(utc, AUCKLAND, datetime.date(2026, 3, 30)) == {
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 5),
    }
