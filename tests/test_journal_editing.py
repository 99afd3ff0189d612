"""Editing safely: a stale tab never silently overwrites a newer save, and nothing typed is lost."""

import datetime

import pytest
import time_machine

from accounts.keyring import cipher_for
from journal import services
from journal.models import Draft, Entry
from tests.journal_fixtures import entry_form, write_entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_edit_page_shows_the_entry_with_its_version(writer_client, writer):
    entry = write_entry(writer, title="Before", body="First words.", tags=["family"], mood=2)

    page = writer_client.get(f"/journal/{entry.pk}/edit/").content.decode()

    assert 'value="Before"' in page
    assert "First words." in page
    assert 'name="version" value="1"' in page
    assert 'value="family"' in page


def test_saving_an_edit_moves_the_version_on_and_reindexes(writer_client, writer):
    entry = write_entry(writer, title="Before", body="lighthouse")

    response = writer_client.post(
        f"/journal/{entry.pk}/edit/", entry_form(title="After", body="harbour", version="1", entry_date="2026-11-20")
    )

    entry.refresh_from_db()
    assert response["Location"] == f"/journal/{entry.pk}/"
    assert entry.version == 2
    assert entry.title(cipher_for(writer)) == "After"
    assert "After" in writer_client.get("/journal/?q=harbour").content.decode()
    assert "After" not in writer_client.get("/journal/?q=lighthouse").content.decode()


def test_a_stale_save_gets_the_conflict_page_with_both_versions(writer_client, writer):
    entry = write_entry(writer, title="Original", body="Original words.")
    # Another tab saves first.
    writer_client.post(f"/journal/{entry.pk}/edit/", entry_form(title="Tab A", body="Words from tab A.", version="1"))

    response = writer_client.post(
        f"/journal/{entry.pk}/edit/", entry_form(title="Tab B", body="Words from tab B.", version="1")
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "This entry changed while you were editing" in page
    assert "Words from tab A." in page
    assert "Words from tab B." in page
    entry.refresh_from_db()
    assert entry.title(cipher_for(writer)) == "Tab A"  # nothing overwritten
    # Tab B's version is kept as a draft until the writer chooses.
    draft = Draft.objects.get(owner=writer, entry=entry)
    assert draft.body(cipher_for(writer)) == "Words from tab B."


def test_choosing_your_version_on_the_conflict_page_saves_it(writer_client, writer):
    entry = write_entry(writer, body="Original words.")
    writer_client.post(f"/journal/{entry.pk}/edit/", entry_form(body="Tab A.", version="1"))
    writer_client.post(f"/journal/{entry.pk}/edit/", entry_form(body="Tab B.", version="1"))
    draft = Draft.objects.get(owner=writer, entry=entry)

    response = writer_client.post(
        f"/journal/{entry.pk}/edit/", entry_form(body="Tab B, with a line from A.", version="2", draft=str(draft.pk))
    )

    entry.refresh_from_db()
    assert response.status_code == 302
    assert entry.body(cipher_for(writer)) == "Tab B, with a line from A."
    assert entry.version == 3
    assert not Draft.objects.filter(owner=writer).exists()


def test_keeping_the_saved_version_discards_the_other_and_returns_to_the_entry(writer_client, writer):
    entry = write_entry(writer, body="Original words.")
    writer_client.post(f"/journal/{entry.pk}/edit/", entry_form(body="Tab A.", version="1"))
    writer_client.post(f"/journal/{entry.pk}/edit/", entry_form(body="Tab B.", version="1"))
    draft = Draft.objects.get(owner=writer, entry=entry)

    response = writer_client.post(f"/journal/drafts/{draft.pk}/discard/", {"then": "entry"})

    assert response["Location"] == f"/journal/{entry.pk}/"
    entry.refresh_from_db()
    assert entry.body(cipher_for(writer)) == "Tab A."
    assert not Draft.objects.filter(owner=writer).exists()


def test_the_version_check_and_write_are_one_step(writer):
    entry = write_entry(writer, body="one")
    stale_copy = Entry.objects.get(pk=entry.pk)
    services.entry_update(user=writer, entry=entry, expected_version=1, body="two", entry_date=entry.entry_date)

    with pytest.raises(services.StaleVersionError) as refused:
        services.entry_update(
            user=writer, entry=stale_copy, expected_version=1, body="three", entry_date=entry.entry_date
        )

    assert refused.value.current.version == 2
    entry.refresh_from_db()
    assert entry.body(cipher_for(writer)) == "two"


def test_resuming_unsaved_changes_offers_them_on_the_edit_page(writer_client, writer):
    entry = write_entry(writer, body="Saved words.")
    draft_id = writer_client.post(
        "/journal/drafts/autosave/", {"entry": entry.pk, "body": "Unsaved words.", "version": "1"}
    ).json()["draft"]

    plain = writer_client.get(f"/journal/{entry.pk}/edit/").content.decode()
    resumed = writer_client.get(f"/journal/{entry.pk}/edit/?draft={draft_id}").content.decode()

    assert "You have unsaved changes to this entry" in plain
    assert f"?draft={draft_id}" in plain
    assert "Unsaved words." in resumed
    assert 'name="version" value="1"' in resumed


def test_a_draft_based_on_an_old_version_leads_to_the_conflict_page_not_an_overwrite(writer_client, writer):
    entry = write_entry(writer, body="v1")
    draft_id = writer_client.post(
        "/journal/drafts/autosave/", {"entry": entry.pk, "body": "typed on v1", "version": "1"}
    ).json()["draft"]
    services.entry_update(user=writer, entry=entry, expected_version=1, body="v2", entry_date=entry.entry_date)

    resumed = writer_client.get(f"/journal/{entry.pk}/edit/?draft={draft_id}").content.decode()
    assert 'name="version" value="1"' in resumed
    response = writer_client.post(
        f"/journal/{entry.pk}/edit/", entry_form(body="typed on v1", version="1", draft=str(draft_id))
    )
    assert response.status_code == 409
