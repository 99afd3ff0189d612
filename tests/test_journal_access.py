"""Only the writer: a stranger gets 404 on every entry and draft URL with every method, and journal pages
are never cached."""

import pytest

from journal.models import Entry
from tests.journal_fixtures import write_entry

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]
ENTRY_PATHS = ["/journal/{id}/", "/journal/{id}/edit/", "/journal/{id}/delete/"]
TRASH_PATHS = ["/journal/{id}/restore/", "/journal/{id}/delete-forever/"]


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger)
    return client


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ENTRY_PATHS + TRASH_PATHS)
def test_stranger_gets_404_for_a_live_entry(stranger_client, writer, method, path):
    entry = write_entry(writer, title="Private")
    response = getattr(stranger_client, method)(path.format(id=entry.pk))
    assert response.status_code == 404
    assert Entry.objects.for_owner(writer).filter(pk=entry.pk, version=1).exists()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ENTRY_PATHS + TRASH_PATHS)
def test_stranger_gets_404_for_an_entry_in_trash(stranger_client, writer, method, path):
    entry = write_entry(writer, title="Private")
    Entry.objects.filter(pk=entry.pk).update(deleted_at="2026-11-01T00:00:00Z")
    response = getattr(stranger_client, method)(path.format(id=entry.pk))
    assert response.status_code == 404
    assert Entry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("method", METHODS)
def test_stranger_gets_404_for_a_draft(stranger_client, writer_client, client, writer, stranger, method):
    draft_id = writer_client.post("/journal/drafts/autosave/", {"body": "mine"}).json()["draft"]
    client.force_login(stranger)
    assert getattr(client, method)(f"/journal/drafts/{draft_id}/discard/").status_code == 404


def test_stranger_cannot_autosave_into_a_writers_draft_or_entry(writer_client, client, writer, stranger):
    draft_id = writer_client.post("/journal/drafts/autosave/", {"body": "mine"}).json()["draft"]
    entry = write_entry(writer)
    client.force_login(stranger)

    into_draft = client.post("/journal/drafts/autosave/", {"body": "theirs", "draft": draft_id})
    into_entry = client.post("/journal/drafts/autosave/", {"body": "theirs", "entry": entry.pk})

    assert into_draft.status_code == 410  # to them, it does not exist
    assert into_entry.status_code == 404


def test_resuming_someone_elses_draft_shows_a_blank_page(writer_client, client, stranger):
    draft_id = writer_client.post("/journal/drafts/autosave/", {"title": "Letter to Mum"}).json()["draft"]
    client.force_login(stranger)
    page = client.get(f"/journal/new/?draft={draft_id}").content.decode()
    assert "Letter to Mum" not in page


def test_the_writers_own_post_only_urls_refuse_other_methods(writer_client, writer):
    entry = write_entry(writer)
    assert writer_client.get(f"/journal/{entry.pk}/delete/").status_code == 405
    assert Entry.objects.for_owner(writer).filter(pk=entry.pk).exists()


def test_visitors_are_sent_to_log_in(client, writer):
    entry = write_entry(writer)
    response = client.get(f"/journal/{entry.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "path", ["/journal/", "/journal/new/", "/journal/{id}/", "/journal/{id}/edit/", "/journal/trash/",
             "/journal/drafts/", "/journal/calendar/", "/journal/?q=quiet"],
)  # fmt: skip
def test_journal_pages_are_never_cached(writer_client, writer, path):
    entry = write_entry(writer)
    response = writer_client.get(path.format(id=entry.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
