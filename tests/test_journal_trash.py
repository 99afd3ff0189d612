"""Trash: deleting moves an entry there for 30 days, it can be restored, and a periodic task empties it."""

import datetime
import time

import pytest
import time_machine
from django.utils import timezone

from journal import services
from journal.models import Entry, EntrySearchToken
from journal.tasks import empty_trash
from tests.journal_fixtures import write_entry

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_delete_moves_the_entry_to_trash_and_out_of_the_journal(writer_client, writer):
    entry = write_entry(writer, title="Regret")

    response = writer_client.post(f"/journal/{entry.pk}/delete/", follow=True)

    assert "Moved to Trash. You can restore it from there for 30 days." in response.content.decode()
    assert "Regret" not in writer_client.get("/journal/").content.decode()
    assert writer_client.get(f"/journal/{entry.pk}/").status_code == 404
    trash = writer_client.get("/journal/trash/").content.decode()
    assert "Regret" in trash
    assert not Entry.objects.for_owner(writer).exists()


@pytest.mark.django_db
def test_trash_says_when_each_entry_will_be_deleted_for_good(writer_client, writer):
    entry = write_entry(writer, title="Regret")
    with time_machine.travel(NOW, tick=False):
        writer_client.post(f"/journal/{entry.pk}/delete/")
        page = writer_client.get("/journal/trash/").content.decode()
    assert "Deleted for good on 27 December" in page


@pytest.mark.django_db
def test_trash_dates_are_the_writers_own(writer_client, writer):
    writer.time_zone = "Pacific/Auckland"  # 23:30 UTC on 1 Nov is already 2 Nov there
    writer.save()
    entry = write_entry(writer, title="Late")
    with time_machine.travel(datetime.datetime(2026, 11, 1, 23, 30, tzinfo=datetime.UTC), tick=False):
        writer_client.post(f"/journal/{entry.pk}/delete/")
    assert "Deleted for good on 2 December" in writer_client.get("/journal/trash/").content.decode()


@pytest.mark.django_db
def test_restore_brings_the_entry_back_as_it_was(writer_client, writer):
    entry = write_entry(writer, title="Second thoughts", tags=["family"], mood=3)
    writer_client.post(f"/journal/{entry.pk}/delete/")

    response = writer_client.post(f"/journal/{entry.pk}/restore/")

    assert response["Location"] == f"/journal/{entry.pk}/"
    assert "Second thoughts" in writer_client.get("/journal/?tag=family").content.decode()
    assert "Second thoughts" in writer_client.get("/journal/?q=thoughts").content.decode()
    assert "Trash is empty." in writer_client.get("/journal/trash/").content.decode()


@pytest.mark.django_db
def test_delete_now_removes_it_for_good(writer_client, writer):
    entry = write_entry(writer, title="Gone")
    writer_client.post(f"/journal/{entry.pk}/delete/")
    writer_client.post(f"/journal/{entry.pk}/delete-forever/")
    assert not Entry.objects.filter(pk=entry.pk).exists()
    assert not EntrySearchToken.objects.filter(entry_id=entry.pk).exists()


@pytest.mark.django_db
def test_emptying_trash_deletes_only_entries_older_than_30_days(writer):
    old = write_entry(writer, title="old")
    recent = write_entry(writer, title="recent")
    live = write_entry(writer, title="live")
    with time_machine.travel(NOW - datetime.timedelta(days=30, minutes=1), tick=False):
        services.entry_move_to_trash(user=writer, entry=old)
    with time_machine.travel(NOW - datetime.timedelta(days=29), tick=False):
        services.entry_move_to_trash(user=writer, entry=recent)

    with time_machine.travel(NOW, tick=False):
        deleted = services.trash_empty()

    assert deleted == 1
    assert set(Entry.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}


@pytest.mark.integration
def test_the_periodic_task_empties_trash_in_a_real_worker(celery_worker_process, writer):
    old = write_entry(writer, title="old")
    kept = write_entry(writer, title="kept")
    Entry.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=31))
    Entry.objects.filter(pk=kept.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=2))

    empty_trash.delay()

    deadline = time.monotonic() + 30
    while Entry.objects.filter(pk=old.pk).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(Entry.objects.values_list("pk", flat=True)) == [kept.pk]
