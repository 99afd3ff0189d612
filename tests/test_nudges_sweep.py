"""The minute sweep: claimed in PostgreSQL, one email per writer per window, however many sweeps run at once."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from connections.models import Contact, Person
from connections.nudges.models import DUE_INDEX_NAME, Nudge, ReminderSettings
from connections.nudges.services import nudge_send, nudges_sweep
from connections.nudges.tasks import sweep_due_nudges
from connections.nudges.tokens import Purpose, make_token
from connections.services import contact_log
from tests.nudges_fixtures import (
    OwnRedis,
    ScriptedSmtp,
    all_day_window,
    celery_publishing_to,
    due_writer,
    flush_broker,
    make_due_now,
    make_person,
    running_smtp,
    start_worker,
    stop_worker,
    wait_until,
)


def names_in(nudge: Nudge) -> list[str]:
    people = Person.objects.in_bulk(nudge.person_ids)
    return [people[person_id].first_name for person_id in nudge.person_ids]


# --- who is named ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_writer_who_logged_a_contact_with_sam_is_not_nudged_about_sam():
    now = timezone.now()
    writer = due_writer("writer@example.org", now=now, names=("Sam", "Priya"), **all_day_window())
    contact_log(user=writer, person=Person.objects.get(owner=writer, name="Sam"), outcome=Contact.Outcome.ATTEMPT)
    make_due_now(writer, now)

    nudge = Nudge.objects.get(pk=nudges_sweep(now=now).created[0])
    assert names_in(nudge) == ["Priya"]


@pytest.mark.django_db
def test_someone_reached_between_the_sweep_and_the_send_is_left_out_of_the_email(mailoutbox):
    now = timezone.now()
    writer = due_writer("writer@example.org", now=now, names=("Sam",), **all_day_window())
    make_due_now(writer, now)
    nudge_id = nudges_sweep(now=now).created[0]
    contact_log(user=writer, person=Person.objects.get(owner=writer), outcome=Contact.Outcome.CONNECTION)

    assert nudge_send(nudge_id=nudge_id) == "skipped"
    assert mailoutbox == []


@pytest.mark.django_db
def test_logging_a_contact_with_the_only_due_person_cancels_the_upcoming_reminder():
    now = timezone.now()
    writer = due_writer("writer@example.org", now=now, names=("Sam",))
    assert ReminderSettings.objects.get(writer=writer).next_nudge_at is not None
    contact_log(user=writer, person=Person.objects.get(owner=writer), outcome=Contact.Outcome.CONNECTION)
    upcoming = ReminderSettings.objects.get(writer=writer).next_nudge_at
    # Sam hoped for every 7 days: the next reminder is a week away, not today.
    assert upcoming.astimezone(writer.zone).date() >= writer.local_today() + timedelta(days=7)


@pytest.mark.django_db
def test_paused_people_and_people_without_a_rhythm_are_never_named():
    now = timezone.now()
    writer = due_writer("writer@example.org", now=now, names=("Sam",), **all_day_window())
    paused = make_person(writer, "Robin", now=now)
    Person.objects.filter(pk=paused.pk).update(is_paused=True)
    free = make_person(writer, "Kit", now=now)
    Person.objects.filter(pk=free.pk).update(ideal_every_days=None)
    make_due_now(writer, now)
    assert names_in(Nudge.objects.get(pk=nudges_sweep(now=now).created[0])) == ["Sam"]


@pytest.mark.django_db
def test_a_late_sweep_outside_the_window_waits_for_the_next_window_instead_of_sending():
    evening = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)  # 20:00 in London; the window is 09:00-10:00
    writer = due_writer("writer@example.org", now=evening, time_zone="Europe/London")
    make_due_now(writer, evening - timedelta(hours=10))

    assert nudges_sweep(now=evening).created == []
    upcoming = ReminderSettings.objects.get(writer=writer).next_nudge_at
    assert upcoming.astimezone(writer.zone).replace(tzinfo=None) == datetime(2026, 6, 2, 9, 0)


@pytest.mark.django_db
def test_reminders_turned_off_mean_no_email_and_nothing_scheduled():
    now = timezone.now()
    writer = due_writer("writer@example.org", now=now, enabled=False, **all_day_window())
    make_due_now(writer, now)
    report = nudges_sweep(now=now)
    assert (report.claimed, report.created) == (1, [])
    assert ReminderSettings.objects.get(writer=writer).next_nudge_at is None


@pytest.mark.django_db
def test_a_second_email_in_the_same_window_is_impossible():
    now = timezone.now()
    writer = due_writer("writer@example.org", now=now, **all_day_window())
    make_due_now(writer, now)
    assert len(nudges_sweep(now=now).created) == 1
    make_due_now(writer, now)  # as if a reschedule had put the same window back
    assert nudges_sweep(now=now + timedelta(minutes=1)).created == []
    assert Nudge.objects.filter(writer=writer).count() == 1


# --- the claim query ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweeps_claim_query_uses_the_partial_index_named_for_it():
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (email, password, display_name, time_zone, country, is_active, is_staff,
                                       is_superuser, date_joined)
            SELECT 'bulk' || n || '@example.org', '', '', 'UTC', '', true, false, false, now()
            FROM generate_series(1, 20000) AS n
            """
        )
        # One writer in a hundred has something scheduled, as in a real population.
        cursor.execute(
            """
            INSERT INTO nudges_remindersettings (writer_id, enabled, off_reason, window_start, window_end,
                days_of_week, every_days, consecutive_failures, next_nudge_at, updated_at)
            SELECT id, true, '', '09:00', '10:00', 127, 3, 0,
                   CASE WHEN id % 100 = 0 THEN now() - interval '1 minute' ELSE NULL END, now()
            FROM accounts_user WHERE email LIKE 'bulk%%'
            """
        )
        cursor.execute("ANALYZE nudges_remindersettings")
    claim = (
        ReminderSettings.objects.due(now).select_for_update(skip_locked=True, of=("self",)).select_related("writer")
    )[:500]
    plan = claim.explain()
    assert DUE_INDEX_NAME in plan, plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [DUE_INDEX_NAME])
        assert "sweep_due_nudges" in cursor.fetchone()[0]


# --- concurrency -------------------------------------------------------------------------------------------


@pytest.mark.integration
def test_four_sweepers_in_parallel_and_a_duplicated_beat_tick_send_one_email_per_writer(transactional_db):
    flush_broker(settings.CELERY_BROKER_URL)
    now = timezone.now()
    writers = [due_writer(f"w{n}@example.org", now=now, **all_day_window()) for n in range(30)]
    for writer in writers:
        make_due_now(writer, now)

    with running_smtp(ScriptedSmtp()) as smtp:
        worker = start_worker(broker_url=settings.CELERY_BROKER_URL, smtp_port=smtp.port, name="parallel")
        try:
            # The same beat tick, delivered twice, races the four sweepers below inside the worker.
            sweep_due_nudges.delay()
            sweep_due_nudges.delay()
            start = threading.Barrier(4)
            errors: list[BaseException] = []

            def sweeper() -> None:
                try:
                    start.wait()
                    nudges_sweep(now=now, batch_size=4)
                except BaseException as error:
                    errors.append(error)
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=sweeper) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert errors == []
            smtp.wait_for(len(writers), timeout=90)
            time.sleep(3)  # any duplicate would arrive now
        finally:
            stop_worker(worker)

    recipients = sorted(str(message["To"]) for message in smtp.received)
    assert recipients == sorted(writer.email for writer in writers)
    assert len({message["Message-ID"] for message in smtp.received}) == len(writers)
    assert Nudge.objects.count() == len(writers)
    assert set(Nudge.objects.values_list("status", flat=True)) == {"sent"}


# --- Redis down --------------------------------------------------------------------------------------------


@pytest.fixture
def own_redis():
    redis = OwnRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.mark.integration
def test_redis_stopped_for_two_sweeps_then_every_due_nudge_is_delivered_once(transactional_db, own_redis):
    now = timezone.now()
    first = [due_writer(f"first{n}@example.org", now=now, **all_day_window()) for n in range(3)]
    second = due_writer("second@example.org", now=now, **all_day_window())
    for writer in first:
        make_due_now(writer, now)
    make_due_now(second, now + timedelta(minutes=1))  # due at the second sweep

    with running_smtp(ScriptedSmtp()) as smtp, celery_publishing_to(own_redis.url):
        worker = start_worker(broker_url=own_redis.url, smtp_port=smtp.port, name="redis-down")
        try:
            own_redis.stop()
            # Two sweeps while the broker is down: deliveries are written, nothing is lost, nothing raises.
            assert len(nudges_sweep(now=now).created) == 3
            report = nudges_sweep(now=now + timedelta(minutes=1))
            assert (len(report.created), report.requeued) == (1, 0)

            # Meanwhile the writer keeps using Held: settings, logging a contact, an email link.
            writer_client = Client()
            writer_client.force_login(second)
            saved = writer_client.post(
                "/settings/reminders/",
                {
                    "enabled": "on",
                    "window_start": "00:00",
                    "window_end": "23:59",
                    "days": [str(d) for d in range(7)],
                    "every_days": "2",
                },
            )
            assert saved.status_code == 302
            assert writer_client.get("/settings/").status_code == 200
            sam = Person.objects.get(owner=first[0])
            contact_log(user=first[0], person=sam, outcome=Contact.Outcome.CONNECTION)
            pause = make_token(Purpose.PAUSE, nudge_id=Nudge.objects.get(writer=first[1]).pk)
            assert Client().post(f"/n/{pause}/pause/").status_code == 200

            own_redis.start()
            report = nudges_sweep(now=now + timedelta(minutes=2))
            assert report.requeued == 3  # the paused writer's email was dropped when they paused
            wait_until(lambda: len(smtp.received) >= 2, timeout=90, what="the emails after Redis came back")
            time.sleep(3)
        finally:
            stop_worker(worker)

    assert sorted(str(message["To"]) for message in smtp.received) == sorted([first[2].email, second.email])
    assert Nudge.objects.get(writer=first[0]).status == "skipped"  # Sam was reached before it could go
    assert Nudge.objects.get(writer=first[1]).status == "skipped"  # paused before it could go


@pytest.mark.django_db
def test_a_lost_broker_message_is_put_back_by_a_later_sweep():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    now = timezone.now()
    writer = due_writer("writer@example.org", now=now, **all_day_window())
    make_due_now(writer, now)
    nudge_id = nudges_sweep(now=now).created[0]
    Nudge.objects.filter(pk=nudge_id).update(enqueued_at=now)  # it reached the broker... and was lost there

    assert nudges_sweep(now=now + timedelta(minutes=5)).requeued == 0  # still waiting its turn
    assert broker.llen("celery") == 0
    assert nudges_sweep(now=now + timedelta(minutes=11)).requeued == 1
    assert broker.llen("celery") == 1
    broker.flushdb()
