"""The insights page keeps its figures per process, and any change to what they are made of is seen at once.

The journal stamp (journal.models.JournalStamp) is changed by PostgreSQL triggers, so these tests change entries,
tags and the contact log the way Held does and behind its back (queryset updates), and check the next page is
the page a fresh reading gives.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connections import services
from connections.models import Contact
from journal.insights_views import kept_figures
from journal.models import Entry, Tag
from tests.insights_fixtures import noon_today
from tests.reach_out_fixtures import add_contact, add_entry, add_person

pytestmark = pytest.mark.django_db

URL = "/journal/insights/"


def page(client, writer) -> str:
    """The insights page as the writer sees it, without the per-request tokens."""
    with time_machine.travel(noon_today(writer.time_zone), tick=False):
        html = client.get(URL).content.decode()
    return re.sub(r'(nonce|value)="[^"]*"', "", html)


def fresh_page(client, writer) -> str:
    kept_figures.forget_all()
    return page(client, writer)


def data_reads(client, writer) -> list[str]:
    with time_machine.travel(noon_today(writer.time_zone), tick=False), CaptureQueriesContext(connection) as captured:
        client.get(URL)
    return [query["sql"] for query in captured if 'FROM "journal_entry"' in query["sql"]]


@pytest.fixture
def journal(writer, writer_client):
    today = writer.local_today()
    for days_ago, mood in ((1, 2), (2, 4), (3, 5), (9, 3)):
        add_entry(writer, day=today - timedelta(days=days_ago), mood=mood, tags=["work"])
    sam = add_person(writer, "Sam")
    add_contact(writer, sam, timezone.now() - timedelta(days=2))
    kept_figures.forget_all()
    return {"sam": sam, "today": today}


def test_a_second_visit_reuses_the_figures_and_reads_only_the_stamp(writer_client, writer, journal):
    assert len(data_reads(writer_client, writer)) == 1
    assert data_reads(writer_client, writer) == []


def write_an_entry(writer, journal):
    add_entry(writer, day=journal["today"], mood=1, tags=["rest"])


def change_a_mood_behind_helds_back(writer, journal):
    Entry.objects.filter(owner=writer, mood=5).update(mood=1)


def move_an_entry_to_trash(writer, journal):
    Entry.objects.filter(owner=writer, mood=4).update(deleted_at=timezone.now())


def tag_an_entry(writer, journal):
    entry = Entry.objects.filter(owner=writer, mood=2).get()
    entry.tags.add(Tag.objects.create(owner=writer, name="family"))


def rename_a_tag(writer, journal):
    Tag.objects.filter(owner=writer, name="work").update(name="job")


def log_a_contact(writer, journal):
    add_contact(writer, journal["sam"], timezone.now() - timedelta(days=1))


def delete_a_contact(writer, journal):
    services.contact_delete(user=writer, contact=Contact.objects.get(owner=writer))


def move_to_another_time_zone(writer, journal):
    writer.time_zone = "Pacific/Auckland"
    writer.save(update_fields=["time_zone"])


CHANGES = [
    write_an_entry,
    change_a_mood_behind_helds_back,
    move_an_entry_to_trash,
    tag_an_entry,
    rename_a_tag,
    log_a_contact,
    delete_a_contact,
    move_to_another_time_zone,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_every_change_to_the_figures_is_seen_on_the_next_visit(writer_client, writer, journal, change):
    before = page(writer_client, writer)
    change(writer, journal)
    after = page(writer_client, writer)
    assert after == fresh_page(writer_client, writer)
    assert after != before


def test_a_new_day_is_worked_out_afresh(writer_client, writer, journal):
    page(writer_client, writer)
    tomorrow = noon_today(writer.time_zone) + timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False), CaptureQueriesContext(connection) as captured:
        writer_client.get(URL)
    assert any('FROM "journal_entry"' in query["sql"] for query in captured)


def test_a_rolled_back_change_never_makes_its_figures_look_current(writer_client, writer, journal):
    before = page(writer_client, writer)

    def failing_request():
        with transaction.atomic():
            Entry.objects.filter(owner=writer).update(mood=1)
            assert page(writer_client, writer) != before
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert page(writer_client, writer) == before == fresh_page(writer_client, writer)
