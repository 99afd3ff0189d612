"""When a reminder may go out: in the writer's own day, across clock changes, quiet hours and time zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from connections.nudges.models import Nudge, ReminderSettings
from connections.nudges.schedule import ALL_DAYS, ReminderPlan, allowed_minutes, next_nudge_at
from connections.nudges.services import nudges_sweep, reminders_reschedule
from tests.factories import UserFactory
from tests.nudges_fixtures import make_person

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


def daily_nine(zone: str, **choices) -> ReminderPlan:
    return ReminderPlan(time_zone=zone, window_start=time(9), window_end=time(10), every_days=1, **choices)


def nudge_after(plan: ReminderPlan, *, nudged_at: datetime) -> datetime | None:
    """The next reminder once one went out at `nudged_at` and someone is still due."""
    return next_nudge_at(plan, now=nudged_at, first_due_on=date(2020, 1, 1), last_nudged_at=nudged_at)


# --- the pure schedule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day_before", "change_day", "utc_of_nine"),
    [
        # Spring forward: 09:00 EDT is 13:00 UTC (it was 14:00 the day before).
        ("America/New_York", date(2026, 3, 7), date(2026, 3, 8), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
        # Fall back: 09:00 EST is 14:00 UTC (it was 13:00 the day before).
        ("America/New_York", date(2026, 10, 31), date(2026, 11, 1), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
        ("Europe/London", date(2026, 3, 28), date(2026, 3, 29), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
        ("Europe/London", date(2026, 10, 24), date(2026, 10, 25), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
        # Auckland is ahead of UTC: 09:00 there is the evening before in UTC (+13 in summer, +12 in winter).
        ("Pacific/Auckland", date(2026, 4, 4), date(2026, 4, 5), datetime(2026, 4, 4, 21, 0, tzinfo=UTC)),
        ("Pacific/Auckland", date(2026, 9, 26), date(2026, 9, 27), datetime(2026, 9, 26, 20, 0, tzinfo=UTC)),
    ],
)
def test_nine_oclock_reminder_stays_at_nine_local_on_the_day_the_clocks_change(
    zone, day_before, change_day, utc_of_nine
):
    plan = daily_nine(zone)
    yesterday_at_nine = local(zone, day_before.year, day_before.month, day_before.day, 9, 0)

    upcoming = nudge_after(plan, nudged_at=yesterday_at_nine)

    assert upcoming == utc_of_nine
    assert upcoming.astimezone(ZoneInfo(zone)).time() == time(9, 0)
    assert upcoming.astimezone(ZoneInfo(zone)).date() == change_day


def test_kolkata_half_hour_offset_without_daylight_saving():
    plan = daily_nine("Asia/Kolkata")
    upcoming = nudge_after(plan, nudged_at=local("Asia/Kolkata", 2026, 3, 7, 9, 0))
    assert upcoming == datetime(2026, 3, 8, 3, 30, tzinfo=UTC)


def test_a_window_starting_in_the_missing_hour_starts_when_the_clock_gets_there():
    plan = ReminderPlan(time_zone="America/New_York", window_start=time(2, 30), window_end=time(4, 0), every_days=1)
    upcoming = nudge_after(plan, nudged_at=local("America/New_York", 2026, 3, 7, 2, 30))
    # 02:30 does not exist on 8 March 2026 in New York; the first moment after it is 03:30 EDT (07:30 UTC).
    assert upcoming == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_a_time_that_happens_twice_is_taken_the_first_time():
    plan = ReminderPlan(time_zone="America/New_York", window_start=time(1, 30), window_end=time(1, 45), every_days=1)
    upcoming = nudge_after(plan, nudged_at=local("America/New_York", 2026, 10, 31, 1, 30))
    assert upcoming == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not 01:30 EST an hour later


def test_quiet_hours_across_midnight_hold_back_an_early_window():
    plan = ReminderPlan(
        time_zone="Europe/London", window_start=time(6), window_end=time(9), quiet_start=time(22), quiet_end=time(7)
    )
    assert allowed_minutes(plan) == [(7 * 60, 9 * 60)]
    upcoming = next_nudge_at(
        plan, now=local("Europe/London", 2026, 6, 1, 5, 0), first_due_on=date(2026, 6, 1), last_nudged_at=None
    )
    assert upcoming.astimezone(LONDON) == local("Europe/London", 2026, 6, 1, 7, 0)


def test_quiet_hours_across_midnight_cut_a_late_window_short():
    plan = ReminderPlan(
        time_zone="Europe/London", window_start=time(21), window_end=time(23), quiet_start=time(22), quiet_end=time(6)
    )
    late = local("Europe/London", 2026, 6, 1, 22, 15)
    upcoming = next_nudge_at(plan, now=late, first_due_on=date(2026, 6, 1), last_nudged_at=None)
    assert upcoming.astimezone(LONDON) == local("Europe/London", 2026, 6, 2, 21, 0)


def test_quiet_hours_covering_the_whole_window_mean_no_reminder_at_all():
    plan = ReminderPlan(
        time_zone="Europe/London", window_start=time(9), window_end=time(10), quiet_start=time(8), quiet_end=time(11)
    )
    now = local("Europe/London", 2026, 6, 1, 5, 0)
    assert next_nudge_at(plan, now=now, first_due_on=date(2026, 6, 1), last_nudged_at=None) is None


def test_at_most_one_email_every_three_days_counted_in_local_days():
    plan = ReminderPlan(time_zone="Europe/London", every_days=3)
    upcoming = nudge_after(plan, nudged_at=local("Europe/London", 2026, 6, 1, 9, 40))  # a Monday
    assert upcoming.astimezone(LONDON) == local("Europe/London", 2026, 6, 4, 9, 0)  # Thursday


def test_only_on_the_chosen_days_of_the_week():
    plan = ReminderPlan(time_zone="Europe/London", days_of_week=frozenset({5}), every_days=1)  # Saturdays
    upcoming = nudge_after(plan, nudged_at=local("Europe/London", 2026, 6, 1, 9, 0))
    assert upcoming.astimezone(LONDON) == local("Europe/London", 2026, 6, 6, 9, 0)


def test_nothing_before_a_pause_ends():
    plan = ReminderPlan(time_zone="Europe/London", paused_until=date(2026, 6, 20))
    now = local("Europe/London", 2026, 6, 1, 12, 0)
    upcoming = next_nudge_at(plan, now=now, first_due_on=date(2026, 5, 1), last_nudged_at=None)
    assert upcoming.astimezone(LONDON) == local("Europe/London", 2026, 6, 20, 9, 0)


def test_nothing_before_someone_is_due_and_nothing_when_nobody_will_be():
    plan = ReminderPlan(time_zone="Europe/London")
    now = local("Europe/London", 2026, 6, 1, 12, 0)
    upcoming = next_nudge_at(plan, now=now, first_due_on=date(2026, 6, 10), last_nudged_at=None)
    assert upcoming.astimezone(LONDON) == local("Europe/London", 2026, 6, 10, 9, 0)
    assert next_nudge_at(plan, now=now, first_due_on=None, last_nudged_at=None) is None


def test_inside_the_window_the_reminder_may_go_now():
    plan = ReminderPlan(time_zone="Europe/London", days_of_week=ALL_DAYS)
    now = local("Europe/London", 2026, 6, 1, 9, 20).astimezone(UTC)
    assert next_nudge_at(plan, now=now, first_due_on=date(2026, 5, 1), last_nudged_at=None) == now


def test_the_same_choices_follow_a_writer_who_moves_time_zone():
    nudged = local("Europe/London", 2026, 6, 1, 9, 0)
    in_london = nudge_after(ReminderPlan(time_zone="Europe/London", every_days=1), nudged_at=nudged)
    in_new_york = nudge_after(ReminderPlan(time_zone="America/New_York", every_days=1), nudged_at=nudged)
    assert in_london == datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
    assert in_new_york == datetime(2026, 6, 2, 13, 0, tzinfo=UTC)


# --- the real sweep over PostgreSQL, minute by minute through a clock change --------------------------------


def sweep_through(start: datetime, end: datetime, *, every: timedelta, fine_around: list[datetime]) -> None:
    moments = set()
    moment = start
    while moment <= end:
        moments.add(moment)
        moment += every
    for centre in fine_around:
        moments.update(centre + timedelta(minutes=offset) for offset in range(-5, 6))
    for moment in sorted(moments):
        nudges_sweep(now=moment)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "change_day"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("Europe/London", date(2026, 3, 29)),
        ("Europe/London", date(2026, 10, 25)),
        ("Asia/Kolkata", date(2026, 3, 8)),
        ("Pacific/Auckland", date(2026, 4, 5)),
        ("Pacific/Auckland", date(2026, 9, 27)),
    ],
)
def test_daily_nine_oclock_reminder_fires_once_at_nine_local_through_a_clock_change(zone, change_day):
    tz = ZoneInfo(zone)
    start = datetime.combine(change_day - timedelta(days=1), time(0, 0), tzinfo=tz).astimezone(UTC)
    writer = UserFactory(email="dst@example.org", time_zone=zone)
    ReminderSettings.objects.create(writer=writer, every_days=1)
    make_person(writer, "Sam", now=start)
    reminders_reschedule(user_id=writer.pk, now=start)

    days = [change_day - timedelta(days=1), change_day, change_day + timedelta(days=1)]
    nines = [datetime.combine(day, time(9, 0), tzinfo=tz) for day in days]
    sweep_through(start, start + timedelta(days=3), every=timedelta(minutes=20), fine_around=nines)

    sent = list(Nudge.objects.filter(writer=writer).order_by("scheduled_for"))
    assert [nudge.window_date for nudge in sent] == days
    assert [nudge.scheduled_for.astimezone(tz).time() for nudge in sent] == [time(9, 0)] * 3


@pytest.mark.django_db
def test_a_writer_who_moves_to_new_york_gets_the_next_reminder_at_nine_in_new_york():
    now = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    writer = UserFactory(email="mover@example.org", time_zone="Europe/London")
    ReminderSettings.objects.create(writer=writer, every_days=1)
    make_person(writer, "Sam", now=now)
    reminders_reschedule(user_id=writer.pk, now=now)
    assert ReminderSettings.objects.get(writer=writer).next_nudge_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

    writer.time_zone = "America/New_York"
    with time_machine.travel(now, tick=False):
        writer.save()  # the account's own save: the schedule follows through a signal
    upcoming = ReminderSettings.objects.get(writer=writer).next_nudge_at
    assert upcoming.astimezone(NEW_YORK).time() == time(9, 0)
    assert upcoming > now
