"""Sending a reminder through a real worker and a real SMTP server: once, whatever fails along the way."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from connections.models import Person
from connections.nudges.models import Nudge, ReminderSettings
from connections.nudges.outgoing import outgoing
from connections.nudges.services import (
    LOST_MESSAGE_AFTER,
    MAX_RETRY_COUNTDOWN,
    SENDING_STALE_AFTER,
    nudge_emails_preview,
    nudge_send,
    nudges_send,
    nudges_sweep,
)
from tests.nudges_fixtures import (
    ScriptedSmtp,
    all_day_window,
    due_writer,
    flush_broker,
    kill_worker,
    make_due_now,
    running_smtp,
    silent_listener,
    smtp_mailer,
    start_worker,
    stop_worker,
    wait_until,
)

BROKER = settings.CELERY_BROKER_URL


def status_of(nudge_id: int) -> str:
    return Nudge.objects.get(pk=nudge_id).status


def one_due_writer(email: str = "writer@example.org"):
    now = timezone.now()
    writer = due_writer(email, now=now, **all_day_window())
    make_due_now(writer, now)
    return writer, now


@pytest.fixture
def broker(transactional_db):
    flush_broker(BROKER)
    return BROKER


@pytest.mark.integration
def test_smtp_451_twice_then_250_sends_the_email_exactly_once(broker):
    writer, now = one_due_writer()
    with running_smtp(ScriptedSmtp(script=["451", "451"])) as smtp:
        worker = start_worker(broker_url=broker, smtp_port=smtp.port, name="451")
        try:
            nudge_id = nudges_sweep(now=now).created[0]
            wait_until(lambda: status_of(nudge_id) == "sent", timeout=90, what="the third attempt")
            time.sleep(3)  # a duplicate would arrive now
        finally:
            stop_worker(worker)
    assert smtp.attempts == 3
    assert len(smtp.received) == 1
    assert smtp.received[0]["To"] == writer.email
    nudge = Nudge.objects.get(pk=nudge_id)
    assert nudge.attempts == 3
    assert ReminderSettings.objects.get(writer=writer).consecutive_failures == 0  # a success clears the count


@pytest.mark.integration
def test_smtp_550_fails_the_email_without_retrying(broker):
    _writer, now = one_due_writer()
    with running_smtp(ScriptedSmtp(script=["550"])) as smtp:
        worker = start_worker(broker_url=broker, smtp_port=smtp.port, name="550")
        try:
            nudge_id = nudges_sweep(now=now).created[0]
            wait_until(lambda: status_of(nudge_id) == "failed", timeout=60, what="the refusal")
            # Later sweeps leave a failed email alone.
            nudges_sweep(now=timezone.now() + timedelta(minutes=30))
            time.sleep(4)
        finally:
            stop_worker(worker)
    assert smtp.attempts == 1
    assert smtp.received == []
    nudge = Nudge.objects.get(pk=nudge_id)
    assert (nudge.attempts, nudge.last_error) == (1, "smtp 550")


@pytest.mark.integration
def test_worker_killed_during_smtp_data_sends_no_duplicate_and_records_it(broker):
    _writer, now = one_due_writer()
    with running_smtp(ScriptedSmtp(block_data=True)) as smtp:
        worker = start_worker(broker_url=broker, smtp_port=smtp.port, name="data-kill")
        try:
            nudge_id = nudges_sweep(now=now).created[0]
            assert smtp.data_started.wait(60), "the worker never reached DATA"
            assert status_of(nudge_id) == "sending"
            kill_worker(worker)
        finally:
            stop_worker(worker)
        smtp.release.set()
        smtp.block_data = False

        survivor = start_worker(broker_url=broker, smtp_port=smtp.port, name="data-kill-survivor")
        try:
            later = timezone.now() + SENDING_STALE_AFTER + timedelta(minutes=1)
            report = nudges_sweep(now=later)
            time.sleep(5)  # time for any resend to arrive
        finally:
            stop_worker(survivor)
    assert report.interrupted == 1
    assert report.requeued == 0
    assert len(smtp.received) == 1  # what the server had when the worker died, and nothing more
    nudge = Nudge.objects.get(pk=nudge_id)
    assert nudge.status == "interrupted"
    assert nudge.finished_at is not None


@pytest.mark.integration
def test_worker_killed_before_connecting_to_smtp_sends_exactly_once(broker):
    writer, now = one_due_writer()
    with silent_listener() as (silent_port, connected):
        # This worker reaches a server that accepts the connection and never says hello.
        doomed = start_worker(broker_url=broker, smtp_port=silent_port, name="connect-kill", smtp_timeout=60)
        try:
            nudge_id = nudges_sweep(now=now).created[0]
            assert connected.wait(60), "the worker never tried to connect"
            kill_worker(doomed)
            assert status_of(nudge_id) == "pending"  # never claimed: nothing could have reached a mail server
        finally:
            stop_worker(doomed)

    with running_smtp(ScriptedSmtp()) as smtp:
        worker = start_worker(broker_url=broker, smtp_port=smtp.port, name="connect-kill-next")
        try:
            # Its broker message died with it (unacknowledged, it would come back only after an hour).
            report = nudges_sweep(now=timezone.now() + LOST_MESSAGE_AFTER + timedelta(minutes=1))
            wait_until(lambda: status_of(nudge_id) == "sent", timeout=60, what="the second try")
            nudges_sweep(now=timezone.now() + timedelta(minutes=30))  # and a later sweep changes nothing
            time.sleep(3)
        finally:
            stop_worker(worker)
    assert report.requeued == 1
    assert len(smtp.received) == 1
    assert smtp.received[0]["To"] == writer.email
    assert Nudge.objects.get(pk=nudge_id).attempts == 1


# --- in this process: timeouts and repeated failures ---------------------------------------------------------


@pytest.mark.django_db
def test_an_smtp_timeout_is_retried_soon_never_far_ahead(settings):
    _writer, now = one_due_writer()
    nudge_id = nudges_sweep(now=now).created[0]
    with silent_listener() as (port, _):
        settings.MAILERS = smtp_mailer(port, timeout=1)
        assert nudge_send(nudge_id=nudge_id) == "retry"
    nudge = Nudge.objects.get(pk=nudge_id)
    assert nudge.status == "pending"
    assert nudge.last_error == "timeout"
    assert timezone.now() < nudge.next_attempt_at <= timezone.now() + timedelta(seconds=MAX_RETRY_COUNTDOWN)


@pytest.mark.django_db
def test_five_failures_in_a_row_turn_reminders_off_and_settings_says_why(settings, client):
    writer, now = one_due_writer("bouncing@example.org")
    ReminderSettings.objects.filter(writer=writer).update(every_days=1)
    with running_smtp(ScriptedSmtp(script=["550"] * 5)) as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        for day in range(5):
            moment = now + timedelta(days=day)
            make_due_now(writer, moment)
            created = nudges_sweep(now=moment).created
            assert created, f"no reminder on day {day}"
            assert nudge_send(nudge_id=created[0]) == "failed"
    row = ReminderSettings.objects.get(writer=writer)
    assert (row.enabled, row.off_reason, row.next_nudge_at) == (False, "undeliverable", None)

    client.force_login(writer)
    page = client.get("/settings/").content.decode()
    assert "did not get through" in page
    assert "bouncing@example.org" in page

    # Turning them back on in Settings clears the count and schedules again.
    client.post(
        "/settings/reminders/",
        {
            "enabled": "on",
            "window_start": "00:00",
            "window_end": "23:59",
            "days": [str(d) for d in range(7)],
            "every_days": "1",
        },
    )
    row.refresh_from_db()
    assert (row.enabled, row.off_reason, row.consecutive_failures) == (True, "", 0)
    assert row.next_nudge_at is not None


@pytest.mark.django_db
def test_a_recipient_the_server_refuses_fails_the_email_without_retrying(settings):
    _writer, now = one_due_writer()
    nudge_id = nudges_sweep(now=now).created[0]
    with running_smtp(ScriptedSmtp(refuse_rcpt_with="550 5.1.1 No such mailbox")) as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        assert nudge_send(nudge_id=nudge_id) == "failed"
    nudge = Nudge.objects.get(pk=nudge_id)
    assert (nudge.status, nudge.attempts, nudge.last_error) == ("failed", 1, "smtp 550")
    assert smtp.received == []


@pytest.mark.django_db
def test_a_sender_refused_for_now_is_retried_soon(settings):
    _writer, now = one_due_writer()
    nudge_id = nudges_sweep(now=now).created[0]
    with running_smtp(ScriptedSmtp(refuse_mail_with="451 4.3.0 Try again later")) as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        assert nudge_send(nudge_id=nudge_id) == "retry"
    nudge = Nudge.objects.get(pk=nudge_id)
    assert (nudge.status, nudge.attempts, nudge.last_error) == ("pending", 1, "smtp 451")
    assert timezone.now() < nudge.next_attempt_at <= timezone.now() + timedelta(seconds=MAX_RETRY_COUNTDOWN)
    assert smtp.received == []


@pytest.mark.django_db
def test_an_envelope_taken_back_before_its_claim_delivers_nothing_and_the_connection_goes_on(settings):
    # What a send does when another worker claimed the delivery while MAIL FROM was already said.
    now = timezone.now()
    first, second = (due_writer(f"{name}@example.org", now=now, **all_day_window()) for name in ("first", "second"))
    for writer in (first, second):
        make_due_now(writer, now)
    emails = nudge_emails_preview(nudge_ids=nudges_sweep(now=now).created)
    with running_smtp(ScriptedSmtp()) as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        mailer = mail.mailers.default
        mailer.open()
        taken_back = outgoing(mailer, emails[0])
        taken_back.begin()
        assert taken_back.abandon()
        sent = outgoing(mailer, emails[1])
        sent.begin()
        sent.complete()
        mailer.close()
        received = smtp.wait_for(1)
    assert [message["To"] for message in received] == ["second@example.org"]


@pytest.mark.django_db
def test_one_task_sends_each_writer_their_own_email_once_and_skips_who_was_reached_meanwhile(settings):
    now = timezone.now()
    names = {"sam@example.org": "Sam", "priya@example.org": "Priya", "alex@example.org": "Alex"}
    for address, name in names.items():
        make_due_now(due_writer(address, now=now, names=(name,), **all_day_window()), now)
    created = nudges_sweep(now=now).created
    # Priya was called after the sweep: her writer's email has nobody left to name.
    Person.objects.filter(name="Priya").update(last_contact_at=timezone.now())
    writer_of = dict(Nudge.objects.filter(pk__in=created).values_list("pk", "writer__email"))

    with running_smtp(ScriptedSmtp()) as smtp:
        settings.MAILERS = smtp_mailer(smtp.port)
        outcomes = nudges_send(nudge_ids=created)
        received = smtp.wait_for(2)
        time.sleep(0.5)  # a duplicate would arrive now

    assert outcomes == ["skipped" if writer_of[pk] == "priya@example.org" else "sent" for pk in created]
    assert sorted(message["To"] for message in smtp.received) == ["alex@example.org", "sam@example.org"]
    for message in received:
        assert message["Subject"] == f"It's been a while since you and {names[message['To']]} talked"
