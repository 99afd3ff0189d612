"""The late-night note on home: after several nights of writing past midnight with nobody logged this week,
Held asks who the writer could tell tomorrow, suggests one person, and can be put away for the week."""

import datetime

import pytest
import time_machine
from django.core import mail

from connections.models import Contact, Kind, Person
from journal.insights_home import late_night_note
from journal.models import Entry
from tests.factories import UserFactory
from tests.insights_fixtures import local

pytestmark = pytest.mark.django_db

HEADING = "You’ve been writing late. Who could you tell tomorrow?"
ZONES = ["America/Los_Angeles", "Pacific/Auckland"]
# Wednesday 15 April 2026; this week began on Monday 13 April.
THURSDAY_NOON = "2026-04-16 12:00"


@pytest.fixture(params=ZONES)
def writer(request):
    return UserFactory(email="sam@example.org", time_zone=request.param)


def written_at(writer, *moments: str) -> None:
    for moment in moments:
        created = local(writer.zone, moment)
        entry = Entry.objects.create(owner=writer, entry_date=created.date() - datetime.timedelta(days=1))
        Entry.objects.filter(pk=entry.pk).update(created_at=created)


def note_at(writer, moment: str = THURSDAY_NOON):
    return late_night_note(writer, now=local(writer.zone, moment))


def home(client, writer, moment: str = THURSDAY_NOON) -> str:
    """The signed-in home page at a local moment (log the client in once, before the first call)."""
    with time_machine.travel(local(writer.zone, moment), tick=False):
        return client.get("/").content.decode()


def test_three_late_nights_and_no_contact_bring_the_note_with_the_quietest_person(client, writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-16 04:59")
    Person.objects.create(owner=writer, name="Jo", last_contact_at=local(writer.zone, "2026-04-10 18:00"))
    Person.objects.create(owner=writer, name="Priya Shah", last_contact_at=local(writer.zone, "2026-03-23 18:00"))
    note = note_at(writer)
    assert note.nights == 3
    assert note.person.name == "Priya Shah"
    assert note.reason == "It has been 24 days since you were last in touch."
    client.force_login(writer)
    html = home(client, writer)
    assert HEADING in html
    assert 'Maybe <a href="/people/' in html
    assert "Priya Shah</a>. It has been 24 days since you were last in touch." in html


def test_two_late_nights_are_not_enough(client, writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-14 03:00")
    Person.objects.create(owner=writer, name="Jo")
    assert note_at(writer) is None
    client.force_login(writer)
    assert HEADING not in home(client, writer)


def test_late_evenings_and_early_mornings_after_five_do_not_count(writer):
    written_at(writer, "2026-04-13 23:59", "2026-04-14 05:00", "2026-04-15 22:30", "2026-04-16 01:00")
    assert note_at(writer) is None


def test_only_this_weeks_nights_count(writer):
    # Saturday and Sunday of last week, and Monday of this one.
    written_at(writer, "2026-04-11 01:00", "2026-04-12 02:00", "2026-04-13 01:00")
    assert note_at(writer) is None
    # The following Wednesday (the 15th) it is still only one night this week.
    assert note_at(writer, "2026-04-15 12:00") is None


def test_a_contact_logged_this_week_means_no_note(writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    person = Person.objects.create(owner=writer, name="Jo")
    Contact.objects.create(owner=writer, person=person, happened_at=local(writer.zone, "2026-04-13 09:00"))
    assert note_at(writer) is None


def test_a_contact_last_week_does_not_hide_the_note(writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    person = Person.objects.create(owner=writer, name="Jo")
    # Sunday 23:30 local, which is already Monday in UTC for Los Angeles.
    Contact.objects.create(owner=writer, person=person, happened_at=local(writer.zone, "2026-04-12 23:30"))
    assert note_at(writer) is not None


def test_entries_in_the_trash_do_not_count(writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    Entry.objects.filter(owner=writer, created_at=local(writer.zone, "2026-04-13 00:40")).update(
        deleted_at=local(writer.zone, "2026-04-15 12:00")
    )
    assert note_at(writer) is None


def test_suggestion_skips_paused_snoozed_and_support_lines_and_prefers_never_contacted(writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    zone = writer.zone
    Person.objects.create(owner=writer, name="Aaron", is_paused=True)
    Person.objects.create(owner=writer, name="Bea", snoozed_until=datetime.date(2026, 4, 20))
    Person.objects.create(owner=writer, name="Crisis line", kind=Kind.HELPLINE)
    Person.objects.create(owner=writer, name="Dee", last_contact_at=local(zone, "2025-01-01 12:00"))
    Person.objects.create(owner=writer, name="Zoe Park")
    Person.objects.create(owner=writer, name="Yan")
    note = note_at(writer)
    # Never contacted comes first; between Yan and Zoe, the name decides.
    assert note.person.name == "Yan"
    assert note.reason == "You haven’t logged a contact with Yan yet."


def test_a_snooze_that_ended_no_longer_hides_someone(writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    Person.objects.create(owner=writer, name="Bea", snoozed_until=datetime.date(2026, 4, 15))
    assert note_at(writer).person.name == "Bea"


def test_with_nobody_in_the_circle_the_note_invites_adding_someone(client, writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    Person.objects.create(owner=writer, name="Away", is_paused=True)
    client.force_login(writer)
    html = home(client, writer)
    assert HEADING in html
    assert 'href="/people/">Add someone to your circle</a>' in html


def test_another_writers_people_are_never_suggested(writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    Person.objects.create(owner=UserFactory(), name="Not yours")
    assert note_at(writer).person is None


def test_not_this_week_hides_it_until_a_later_late_week(client, writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    Person.objects.create(owner=writer, name="Jo")
    client.force_login(writer)
    assert HEADING in home(client, writer)
    with time_machine.travel(local(writer.zone, THURSDAY_NOON), tick=False):
        response = client.post("/journal/insights/late-night/dismiss/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert HEADING not in home(client, writer)
    assert HEADING not in home(client, writer, "2026-04-19 23:00")  # still this week on Sunday night
    # The next week is late again: the note may come back, once.
    written_at(writer, "2026-04-20 01:00", "2026-04-21 01:00", "2026-04-22 01:00")
    assert HEADING in home(client, writer, "2026-04-22 12:00")


def test_dismissing_needs_a_post(client, writer):
    client.force_login(writer)
    assert client.get("/journal/insights/late-night/dismiss/").status_code == 405


def test_a_visitor_cannot_dismiss(client):
    response = client.post("/journal/insights/late-night/dismiss/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_note_is_never_emailed(client, writer):
    written_at(writer, "2026-04-13 00:40", "2026-04-14 01:55", "2026-04-15 02:10")
    Person.objects.create(owner=writer, name="Jo")
    client.force_login(writer)
    assert HEADING in home(client, writer)
    assert mail.outbox == []


def test_the_home_page_asks_a_fixed_number_of_queries_for_the_note(writer, django_assert_max_num_queries):
    written_at(writer, *(f"2026-04-{day} 01:{minute:02d}" for day in (13, 14, 15) for minute in range(20)))
    Person.objects.create(owner=writer, name="Jo")
    with django_assert_max_num_queries(3):
        assert note_at(writer) is not None
