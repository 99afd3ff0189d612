"""The sweep's SQL says exactly what connections.rhythm says: who is due, from when, and whom an email names."""

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from connections.models import Person
from connections.nudges import services, sweep_sql
from connections.nudges.models import Nudge, ReminderSettings
from connections.rhythm import rhythm_state_of
from tests.factories import UserFactory
from tests.nudges_fixtures import all_day_window

pytestmark = pytest.mark.django_db

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles"]
MOMENTS = [
    datetime(2026, 3, 8, 6, 30, tzinfo=UTC),  # New York springs forward this morning
    datetime(2026, 3, 29, 0, 45, tzinfo=UTC),  # London springs forward at 01:00 UTC
    datetime(2026, 4, 4, 13, 30, tzinfo=UTC),  # Auckland falls back tonight
    datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # New York falls back at 06:00 UTC
    datetime(2026, 6, 15, 23, 50, tzinfo=UTC),  # just before midnight UTC; already tomorrow in the east
]


def build_circles(now: datetime, rng: random.Random) -> None:
    """Writers in zones both sides of UTC, each with people in every standing, some on a local-midnight edge."""
    for number in range(40):
        writer = UserFactory(email=f"sql{number}@example.org", time_zone=ZONES[number % len(ZONES)])
        ReminderSettings.objects.create(writer=writer, **all_day_window(), every_days=1)
        zone = ZoneInfo(writer.time_zone)
        for person_number in range(rng.randint(0, 9)):
            ideal = rng.choice([None, 1, 3, 7, 14, 30])
            too_long = rng.choice([None, None, (ideal or 5) + rng.choice([0, 3, 20])])
            if ideal is None and too_long is None:
                too_long = rng.choice([None, 10])
            local_now = now.astimezone(zone)
            days_ago = rng.choice([0, 1, 2, 3, 6, 7, 8, 13, 14, 15, 29, 30, 31, 60])
            # Contacts at 00:05 or 23:55 local: the local date is not the UTC date.
            minute = rng.choice([5, 23 * 60 + 55, 12 * 60])
            contact_local = datetime.combine(local_now.date() - timedelta(days=days_ago), datetime.min.time(), zone)
            contact_at = (contact_local + timedelta(minutes=minute)).astimezone(UTC)
            never = rng.random() < 0.2
            person = Person.objects.create(
                owner=writer,
                name=rng.choice(["Sam", "priya", "Alex", "Zoë", "ana", "Bo"]) + f" {person_number}",
                ideal_every_days=ideal,
                too_long_after_days=too_long,
                is_paused=rng.random() < 0.1,
                snoozed_until=rng.choice([None, None, local_now.date(), local_now.date() + timedelta(days=1)]),
            )
            Person.objects.filter(pk=person.pk).update(
                created_at=contact_at - timedelta(days=rng.choice([0, 5, 40])) if never else now - timedelta(days=400),
                last_contact_at=None if never else contact_at,
            )
    ReminderSettings.objects.update(next_nudge_at=now - timedelta(minutes=1), last_nudged_at=None)


def decisions(now: datetime, *, in_sql: bool) -> dict[int, tuple]:
    """Per writer: (first due date, next nudge time, names), made by one path and then rolled back."""
    with transaction.atomic():
        batch = services._claim_due(now=now, batch_size=1000)
        if in_sql:
            services._write_deliveries(batch, now=now)
            first_due = {row.writer_id: sweep_sql.read_circle(row.circle)[0] for row in batch}
        else:
            services._write_deliveries_in_python(batch, now=now)
            first_due = {}
            for row in batch:
                people = Person.objects.filter(owner_id=row.writer_id, is_paused=False)
                states = [rhythm_state_of(person, zone=row.time_zone, now=now) for person in people]
                first_due[row.writer_id] = services._first_due_on(states)
        named = dict(Nudge.objects.values_list("writer_id", "person_ids"))
        result = {
            row.writer_id: (first_due[row.writer_id], row.next_nudge_at, named.get(row.writer_id)) for row in batch
        }
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("now", MOMENTS, ids=lambda moment: moment.strftime("%Y-%m-%dT%H%M"))
def test_sql_and_python_agree_on_who_is_due_and_whom_to_name(now):
    build_circles(now, random.Random(now.toordinal()))
    in_sql = decisions(now, in_sql=True)
    in_python = decisions(now, in_sql=False)

    assert in_sql == in_python
    named = [names for _, _, names in in_sql.values() if names]
    assert len(named) >= 10, "the data should name people for many writers"
    assert any(len(names) == 3 for names in named)
    assert any(first_due and first_due > now.date() for first_due, _, _ in in_sql.values())


def test_a_person_due_tomorrow_in_auckland_is_not_due_today_in_sql():
    now = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # 22:00 in Auckland
    writer = UserFactory(email="nz@example.org", time_zone="Pacific/Auckland")
    ReminderSettings.objects.create(writer=writer, **all_day_window())
    sam = Person.objects.create(owner=writer, name="Sam", ideal_every_days=7)
    # Last in touch at 00:30 Auckland time, 6 days ago by the local calendar (still 7 days ago in UTC).
    last = datetime(2026, 6, 9, 0, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
    Person.objects.filter(pk=sam.pk).update(last_contact_at=last)
    ReminderSettings.objects.update(next_nudge_at=now - timedelta(minutes=1))

    verdict = decisions(now, in_sql=True)[writer.pk]
    assert verdict[0] == date(2026, 6, 16)
    assert verdict[2] is None
