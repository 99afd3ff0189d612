"""Autosave and drafts: kept sealed on the server, listed, resumable, discardable."""

import datetime

import pytest
import time_machine
from django.db import connection

from accounts.keyring import cipher_for
from journal.models import Draft
from tests.journal_fixtures import write_entry

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 12, 4, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_autosave_keeps_a_sealed_draft_and_says_when_in_the_writers_time(writer_client, writer):
    writer.time_zone = "America/New_York"
    writer.save()

    response = writer_client.post(
        "/journal/drafts/autosave/",
        {"title": "Half", "body": "A thought about Sam", "mood": "3", "feelings": ["calm", "nope"], "tags": "x"},
    )

    assert response.status_code == 200
    assert response.json()["saved_at"] == "07:04"
    draft = Draft.objects.get(pk=response.json()["draft"])
    assert draft.body(cipher_for(writer)) == "A thought about Sam"
    assert draft.fields["mood"] == "3"
    assert draft.fields["feelings"] == ["calm"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT body_sealed FROM journal_draft")
        assert b"Sam" not in bytes(cursor.fetchone()[0])


def test_autosave_updates_the_same_draft(writer_client, writer):
    first = writer_client.post("/journal/drafts/autosave/", {"body": "one"}).json()["draft"]
    second = writer_client.post("/journal/drafts/autosave/", {"body": "one two", "draft": first}).json()["draft"]

    assert first == second
    assert Draft.objects.get(pk=first).body(cipher_for(writer)) == "one two"


def test_autosave_signed_out_answers_401_so_the_page_keeps_the_text(client):
    response = client.post("/journal/drafts/autosave/", {"body": "still mine"})

    assert response.status_code == 401
    assert response.json() == {"status": "signed_out"}
    assert not Draft.objects.exists()


def test_autosave_for_a_draft_already_saved_or_discarded_does_not_bring_it_back(writer_client, writer):
    draft_id = writer_client.post("/journal/drafts/autosave/", {"body": "one"}).json()["draft"]
    writer_client.post(f"/journal/drafts/{draft_id}/discard/")

    response = writer_client.post("/journal/drafts/autosave/", {"body": "late", "draft": draft_id})

    assert response.status_code == 410
    assert not Draft.objects.filter(owner=writer).exists()


def test_drafts_are_listed_resumable_and_discardable(writer_client, writer):
    entry = write_entry(writer, title="Saved one", entry_date=datetime.date(2026, 11, 1))
    new_draft = writer_client.post("/journal/drafts/autosave/", {"title": "Unsent letter", "body": "Dear"}).json()
    edit_draft = writer_client.post(
        "/journal/drafts/autosave/", {"entry": entry.pk, "body": "More to say", "version": "1"}
    ).json()

    page = writer_client.get("/journal/drafts/").content.decode()
    assert "Unsent letter" in page
    assert "More to say" in page
    assert "Changes to the entry of 1 Nov 2026" in page
    assert f"/journal/new/?draft={new_draft['draft']}" in page
    assert f"/journal/{entry.pk}/edit/?draft={edit_draft['draft']}" in page

    resumed = writer_client.get(f"/journal/new/?draft={new_draft['draft']}").content.decode()
    assert 'value="Unsent letter"' in resumed
    assert "Draft saved 12:04" in resumed

    writer_client.post(f"/journal/drafts/{new_draft['draft']}/discard/")
    assert "Unsent letter" not in writer_client.get("/journal/drafts/").content.decode()


def test_resuming_a_draft_that_is_gone_says_so_and_offers_a_blank_page(writer_client):
    response = writer_client.get("/journal/new/?draft=999999")

    assert response.status_code == 200
    assert "That draft was already saved or discarded." in response.content.decode()


def test_a_draft_keeps_text_beyond_the_entry_limit_so_nothing_is_cut_while_typing(writer_client, writer):
    body = "y" * 150_000
    draft_id = writer_client.post("/journal/drafts/autosave/", {"body": body}).json()["draft"]
    assert Draft.objects.get(pk=draft_id).body(cipher_for(writer)) == body


def test_a_draft_too_long_even_for_a_draft_is_refused_whole_never_cut(writer_client, writer):
    draft_id = writer_client.post("/journal/drafts/autosave/", {"body": "kept"}).json()["draft"]

    response = writer_client.post("/journal/drafts/autosave/", {"body": "z" * 200_001, "draft": draft_id})

    assert response.status_code == 413
    assert Draft.objects.get(pk=draft_id).body(cipher_for(writer)) == "kept"


def test_drafts_say_when_they_were_last_typed_in_the_writers_time(writer_client, writer):
    writer.time_zone = "Asia/Kolkata"  # 12:04 UTC is 17:34 there
    writer.save()
    writer_client.post("/journal/drafts/autosave/", {"body": "late afternoon"})

    assert "last typed 27 Nov, 17:34" in writer_client.get("/journal/drafts/").content.decode()
