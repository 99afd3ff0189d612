"""Sharing's emails: one invitation when a share starts, and an opt-in read notice at most once a day.
Neither carries journal content. The last tests go through a real Celery worker and a real SMTP server."""

import datetime
import re

import pytest
import time_machine
from django.core import mail

from connections.sharing import services
from connections.sharing.models import Share
from tests.sharing_fixtures import (  # noqa: F401 (mailing_worker is a fixture)
    active_share,
    client_for,
    mailing_worker,
    make_entry,
    make_professional,
    pick,
)

SECRET_TITLE = "The thing about my brother"
SECRET_BODY = "Nobody else knows this part."


def shared_with_notices(writer, practitioner, *, notify: bool):
    share = active_share(writer, practitioner, notify_on_read=notify)
    entry = make_entry(writer, title=SECRET_TITLE, body=SECRET_BODY)
    pick(share, entry)
    return share, entry


def open_entry(practitioner, share, entry, callbacks_fixture) -> list:
    """The practitioner opens the entry; returns the on-commit callbacks (queued emails) it caused."""
    with callbacks_fixture() as callbacks:
        client_for(practitioner).get(f"/practice/{share.pk}/entries/{entry.pk}/")
    return callbacks


@pytest.mark.django_db
def test_no_read_notice_unless_the_writer_asked(writer, practitioner, django_capture_on_commit_callbacks):
    share, entry = shared_with_notices(writer, practitioner, notify=False)

    assert open_entry(practitioner, share, entry, django_capture_on_commit_callbacks) == []
    assert services.read_notice_deliver(share_id=share.pk) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_read_notice_is_queued_at_most_once_a_day(writer, practitioner, django_capture_on_commit_callbacks):
    share, entry = shared_with_notices(writer, practitioner, notify=True)

    first = open_entry(practitioner, share, entry, django_capture_on_commit_callbacks)
    again = open_entry(practitioner, share, entry, django_capture_on_commit_callbacks)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)):
        next_day = open_entry(practitioner, share, entry, django_capture_on_commit_callbacks)

    assert (len(first), len(again), len(next_day)) == (1, 0, 1)


@pytest.mark.django_db
def test_the_read_notice_names_the_reader_and_time_but_no_content(writer, practitioner):
    share, entry = shared_with_notices(writer, practitioner, notify=True)
    client_for(practitioner).get(f"/practice/{share.pk}/entries/{entry.pk}/")

    assert services.read_notice_deliver(share_id=share.pk)

    message = mail.outbox[-1]
    assert message.to == [writer.email]
    assert message.subject == "Dr. K read something you share"
    everything = message.subject + message.body + message.alternatives[0].content
    assert SECRET_TITLE not in everything
    assert SECRET_BODY not in everything
    assert f"/shares/{share.pk}/" in message.body


@pytest.mark.django_db
def test_the_stop_link_in_a_read_notice_works_without_logging_in(writer, practitioner, client):
    share, entry = shared_with_notices(writer, practitioner, notify=True)
    client_for(practitioner).get(f"/practice/{share.pk}/entries/{entry.pk}/")
    services.read_notice_deliver(share_id=share.pk)
    off_path = re.search(r"https?://[^/\s]+(/shares/read-notices-off/\S+/)", mail.outbox[-1].body).group(1)

    assert "Stop these emails" in client.get(off_path).text
    client.post(off_path)

    share.refresh_from_db()
    assert share.notify_on_read is False
    assert client.post(off_path.replace(":", ":x", 1)).status_code == 404


@pytest.mark.django_db
def test_no_email_goes_to_the_practitioner_for_scope_agenda_or_accepting(
    writer, practitioner, django_capture_on_commit_callbacks
):
    person = make_professional(writer)
    with django_capture_on_commit_callbacks() as started:
        share = services.share_start(
            writer=writer,
            person=person,
            email=practitioner.email,
            ends_on=writer.local_today() + datetime.timedelta(days=30),
        )
    with django_capture_on_commit_callbacks() as afterwards:
        services.share_accept(share=share, user=practitioner)
        services.share_update_agenda(share=share, agenda="Sleep")
        services.share_update_scope(
            share=share, tags=[], entries_from=None, include_moods=True, ends_on=share.ends_on, notify_on_read=False
        )

    assert len(started) == 1
    assert afterwards == []


# --- through a real worker and a real SMTP server ------------------------------------------------------


@pytest.mark.integration
@pytest.mark.usefixtures("mailing_worker")
@pytest.mark.django_db(transaction=True)
def test_starting_a_share_delivers_one_invitation_through_the_worker(writer, practitioner, smtp_sink):
    person = make_professional(writer, email=practitioner.email)
    make_entry(writer, title=SECRET_TITLE, body=SECRET_BODY)
    ends_on = writer.local_today() + datetime.timedelta(days=30)

    client_for(writer).post(f"/people/{person.pk}/share/", {"email": practitioner.email, "ends_on": ends_on})
    (message,) = smtp_sink.wait_for(1, timeout=30)
    share = Share.objects.get()
    path = re.search(r"https?://[^/\s]+(/shares/invitation/\S+/)", message.get_body(("plain",)).get_content()).group(1)
    client_for(practitioner).post(path)
    client_for(writer).post(f"/shares/{share.pk}/agenda/", {"agenda-agenda": "Talk about sleep"})

    assert message["To"] == practitioner.email
    assert SECRET_TITLE not in message.as_string()
    share.refresh_from_db()
    assert share.status == "active"
    assert len(smtp_sink.wait_for(2, timeout=2)) == 1  # still the one email


@pytest.mark.integration
@pytest.mark.usefixtures("mailing_worker")
@pytest.mark.django_db(transaction=True)
def test_a_read_notice_arrives_through_the_worker(writer, practitioner, smtp_sink):
    share, entry = shared_with_notices(writer, practitioner, notify=True)

    client_for(practitioner).get(f"/practice/{share.pk}/entries/{entry.pk}/")
    (message,) = smtp_sink.wait_for(1, timeout=30)

    assert message["To"] == writer.email
    assert message["Subject"] == "Dr. K read something you share"
    assert SECRET_BODY not in message.as_string()
