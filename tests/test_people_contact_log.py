"""The contact log: "I reached out" in one click, "We talked" with a date and a note, and the clock it resets."""

import html
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from connections.models import Contact, Person
from connections.services import NotYoursError, contact_log
from tests.reach_out_fixtures import add_contact, add_person

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_contact_log_resets_the_persons_clock(writer):
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        person = add_person(writer, "Sam", ideal_every_days=14)
    with time_machine.travel(NOW, tick=False):
        assert person.rhythm(zone=writer.zone, now=timezone.now()).is_due
        contact = contact_log(user=writer, person=person, outcome="attempt", channel="text")
        assert person.last_contact_at == NOW
        assert not person.rhythm(zone=writer.zone, now=timezone.now()).is_due
    assert Person.objects.get(pk=person.pk).last_contact_at == NOW
    assert (contact.outcome, contact.channel) == ("attempt", "text")


def test_a_contact_logged_late_for_an_earlier_day_never_moves_the_clock_back(writer):
    person = add_person(writer, "Sam")
    add_contact(writer, person, NOW)
    add_contact(writer, person, NOW - timedelta(days=10))
    person.refresh_from_db()
    assert person.last_contact_at == NOW
    assert Contact.objects.filter(person=person).count() == 2


def test_logging_a_contact_ends_a_snooze(writer):
    person = add_person(writer, "Sam", snoozed_until=date(2026, 12, 31))
    add_contact(writer, person, timezone.now())
    person.refresh_from_db()
    assert person.snoozed_until is None


def test_contact_notes_are_sealed(writer):
    person = add_person(writer, "Sam")
    contact = contact_log(user=writer, person=person, outcome="connection", note="We talked about Dad.")
    stored = Contact.objects.get(pk=contact.pk)
    assert b"Dad" not in bytes(stored.note_sealed)
    from accounts.keyring import cipher_for

    assert stored.note(cipher_for(writer)) == "We talked about Dad."


def test_contact_log_refuses_someone_elses_person(writer, stranger):
    person = add_person(writer, "Sam")
    with pytest.raises(NotYoursError):
        contact_log(user=stranger, person=person, outcome="attempt")
    assert not Contact.objects.exists()


def test_i_reached_out_is_one_click_and_returns_to_the_page(writer_client, writer):
    person = add_person(writer, "Sam", ideal_every_days=7)
    response = writer_client.post(f"/people/{person.pk}/reached-out/", {"next": "/reach-out/", "channel": "call"})
    assert response.status_code == 302
    assert response["Location"] == "/reach-out/"
    contact = Contact.objects.get(person=person)
    assert (contact.outcome, contact.channel) == ("attempt", "call")
    page = writer_client.get("/reach-out/").content.decode()
    assert "Noted: you reached out to Sam today." in page


def test_i_reached_out_never_redirects_off_site(writer_client, writer):
    person = add_person(writer, "Sam")
    response = writer_client.post(f"/people/{person.pk}/reached-out/", {"next": "https://evil.example/"})
    assert response["Location"] == "/reach-out/"


def test_i_reached_out_needs_a_post(writer_client, writer):
    person = add_person(writer, "Sam")
    assert writer_client.get(f"/people/{person.pk}/reached-out/").status_code == 405
    assert not Contact.objects.exists()


def test_we_talked_with_a_date_channel_and_note(writer_client, writer):
    person = add_person(writer, "Sam")
    day = writer.local_today() - timedelta(days=3)
    response = writer_client.post(
        f"/people/{person.pk}/log/",
        {"outcome": "connection", "channel": "in_person", "day": day.isoformat(), "note": "Coffee by the river."},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(person=person)
    assert contact.happened_at.astimezone(writer.zone).date() == day
    page = writer_client.get(f"/people/{person.pk}/").content.decode()
    assert "We talked" in page
    assert "In person" in page
    assert "Coffee by the river." in page
    assert "Last in touch 3 days ago" in page


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda today: today + timedelta(days=1), "That date hasn't come yet."),
        (lambda today: today - timedelta(days=4000), "more than ten years ago"),
    ],
)
def test_a_bad_date_is_explained_and_the_note_kept(writer_client, writer, day, message):
    person = add_person(writer, "Sam")
    response = writer_client.post(
        f"/people/{person.pk}/log/",
        {
            "outcome": "connection",
            "channel": "call",
            "day": day(writer.local_today()).isoformat(),
            "note": "Long call.",
        },
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert message in page
    assert "Long call." in page
    assert not Contact.objects.exists()


def test_removing_a_mistaken_contact_puts_the_clock_back(writer_client, writer):
    person = add_person(writer, "Sam")
    earlier = add_contact(writer, person, NOW - timedelta(days=9))
    mistake = add_contact(writer, person, NOW)
    writer_client.post(f"/people/{person.pk}/contacts/{mistake.pk}/delete/")
    person.refresh_from_db()
    assert person.last_contact_at == earlier.happened_at
    writer_client.post(f"/people/{person.pk}/contacts/{earlier.pk}/delete/")
    person.refresh_from_db()
    assert person.last_contact_at is None


def test_a_stranger_cannot_remove_someone_elses_contact(client, writer, stranger):
    person = add_person(writer, "Sam")
    contact = add_contact(writer, person, NOW)
    other = add_person(stranger, "Their own")
    client.force_login(stranger)
    assert client.post(f"/people/{other.pk}/contacts/{contact.pk}/delete/").status_code == 404
    assert client.post(f"/people/{person.pk}/contacts/{contact.pk}/delete/").status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_snooze_for_a_day_or_a_week_only(writer_client, writer):
    person = add_person(writer, "Sam", ideal_every_days=7)
    writer_client.post(f"/people/{person.pk}/snooze/", {"days": "7"})
    person.refresh_from_db()
    assert person.snoozed_until == writer.local_today() + timedelta(days=7)
    response = writer_client.post(f"/people/{person.pk}/snooze/", {"days": "365"}, follow=True)
    assert "Snooze for a day or a week." in response.content.decode()
    person.refresh_from_db()
    assert person.snoozed_until == writer.local_today() + timedelta(days=7)
