"""Every page that shows journal content, notes or the export is sent with Cache-Control: no-store."""

import datetime

import pytest
from django.test import Client

from accounts.models import ImportJob
from connections.sharing.models import Share
from connections.sharing.services import share_accept
from journal.models import Draft, Entry
from tests.factories import UserFactory
from tests.privacy_fixtures import write_a_full_life

pytestmark = pytest.mark.django_db


@pytest.fixture
def life(writer):
    return write_a_full_life(writer)


def writer_pages(life) -> list[str]:
    entry = life.entries[0]
    draft = Draft.objects.filter(owner=entry.owner).first()
    share = Share.objects.get(writer=entry.owner)
    job = ImportJob.objects.create(owner=entry.owner, source="held", total=1)
    return [
        "/",
        "/journal/",
        "/journal/?q=reservoir",
        "/journal/?tag=walks",
        "/journal/?mood=4",
        "/journal/?from=2026-03-01&to=2026-03-31",
        f"/journal/{entry.pk}/",
        f"/journal/{entry.pk}/edit/",
        f"/journal/{entry.pk}/edit/?draft={draft.pk}",
        "/journal/new/",
        "/journal/drafts/",
        "/journal/trash/",
        "/journal/calendar/",
        "/journal/calendar/?month=2026-03",
        "/journal/prompts/",
        "/journal/insights/",
        "/people/",
        f"/people/{life.person.pk}/",
        f"/people/{life.person.pk}/edit/",
        "/reach-out/",
        "/help/",
        "/help/plan/",
        "/shares/",
        f"/shares/{share.pk}/",
        f"/shares/{share.pk}/preview/",
        "/settings/",
        f"/settings/import/{job.pk}/",
        f"/settings/import/{job.pk}/status/",
    ]


def assert_no_store(response, url: str) -> None:
    assert response.status_code == 200, url
    assert "no-store" in response.get("Cache-Control", ""), url


def test_every_page_with_journal_content_is_never_stored(writer_client, life):
    for url in writer_pages(life):
        assert_no_store(writer_client.get(url), url)


def test_the_export_download_is_never_stored(writer_client, life):
    assert_no_store(writer_client.post("/settings/export/"), "/settings/export/")


def test_a_practitioners_view_of_shared_entries_is_never_stored(life, writer):
    practitioner = UserFactory(email="dr.k@example.org")
    share = Share.objects.get(writer=writer)
    share_accept(share=share, user=practitioner)
    entry = Entry.objects.get(owner=writer, entry_date=datetime.date(2026, 3, 14))  # tagged "walks": in scope
    browser = Client()
    browser.force_login(practitioner)
    for url in ["/practice/", f"/practice/{share.pk}/", f"/practice/{share.pk}/entries/{entry.pk}/"]:
        assert_no_store(browser.get(url), url)
