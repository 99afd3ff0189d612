"""Export: Settings gives a zip with one Markdown file per entry and held.json with everything the writer owns."""

import io
import json
import zipfile

import pytest

from accounts.portability.schema import FORMAT, SCHEMA_VERSION
from tests.privacy_fixtures import front_matter, write_a_full_life

pytestmark = pytest.mark.django_db


@pytest.fixture
def life(writer):
    return write_a_full_life(writer)


def download(client) -> tuple[object, zipfile.ZipFile]:
    response = client.post("/settings/export/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(io.BytesIO(data))


def test_export_is_a_streamed_zip_download_that_is_never_cached(writer_client, life):
    response = writer_client.post("/settings/export/")

    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="held-export-')
    assert "no-store" in response["Cache-Control"]
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None


def test_export_has_one_markdown_file_per_entry_with_front_matter(writer_client, life):
    _response, archive = download(writer_client)
    names = archive.namelist()

    entries = sorted(name for name in names if name.startswith("entries/"))
    assert len(entries) == 2
    assert [name for name in names if name.startswith("trash/")] == [next(n for n in names if "gone" in n)]
    first = next(name for name in entries if "2026-03-14" in name)
    assert first.startswith("entries/2026/2026-03-14-she-said-stay-")
    fields, body = front_matter(archive.read(first).decode())
    assert fields == {
        "date": "2026-03-14",
        "title": 'She said: "stay"',
        "mood": 4,
        "feelings": ["grateful", "tender"],
        "tags": ["Family", "walks"],
        "prompt": "Who would you tell about today?",
    }
    assert body == "We walked the long way round the reservoir.\n\nI didn't want it to end.\n"
    untitled = next(name for name in entries if "2026-03-15" in name)
    fields, body = front_matter(archive.read(untitled).decode())
    assert (fields["title"], fields["mood"]) == ("", None)
    assert "emoji 🌧" in body


def test_held_json_holds_everything_the_writer_owns(writer_client, life):
    _response, archive = download(writer_client)
    document = json.loads(archive.read("held.json"))

    assert (document["format"], document["schema_version"]) == (FORMAT, SCHEMA_VERSION)
    assert document["account"]["email"] == "writer@example.org"
    assert len(document["entries"]) == 3
    first = next(entry for entry in document["entries"] if entry["entry_date"] == "2026-03-14")
    assert first["title"] == 'She said: "stay"'
    assert first["tags"] == ["Family", "walks"]
    assert next(entry for entry in document["entries"] if entry["title"] == "Gone")["deleted_at"]
    bodies = {draft["body"] for draft in document["drafts"]}
    assert bodies == {"A better ending, maybe.", "Something I haven't finished."}
    assert next(d for d in document["drafts"] if d["entry"])["entry"] == first["id"]
    assert {tag["name"] for tag in document["tags"]} == {"Family", "walks", "unused tag"}
    assert [prompt["text"] for prompt in document["prompts"]] == ["What did Ana notice that I missed?"]
    ana = next(person for person in document["people"] if person["name"] == "Ana Ruiz")
    assert (ana["notes"], ana["topics"], ana["ideal_every_days"]) == ("Ask about her mother's hip.", ["Family"], 14)
    assert {contact["note"] for contact in document["contacts"]} == {"She laughed at my story.", ""}
    assert next(c for c in document["contacts"] if c["note"])["person"] == ana["id"]
    assert document["safety_plan"]["coping"] == "Long shower, then the park."
    assert document["safety_plan"]["help_people"] == [ana["id"]]
    assert document["reminders"]["window_start"] == "18:00"
    assert document["reminders"]["every_days"] == 5
    [share] = document["shares"]
    assert (share["practitioner_name"], share["agenda"], share["tags"]) == (
        "Dr. K",
        "Talk about the reservoir walk.",
        ["walks"],
    )


def test_shares_are_exported_without_their_secrets(writer_client, life, writer):
    from connections.nudges.models import ReminderSettings
    from connections.sharing.models import Share

    share = Share.objects.get(writer=writer)
    ReminderSettings.objects.filter(writer=writer).update(feed_token="calendar-secret-token-0123456789")
    _response, archive = download(writer_client)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()

    assert share.invitation_nonce not in everything
    assert "calendar-secret-token" not in everything
    assert "nonce" not in json.loads(archive.read("held.json"))["shares"][0]


def test_export_holds_nothing_of_another_writer(writer_client, life, stranger):
    from journal.services import entry_create

    entry_create(user=stranger, title="Not yours", body="A stranger's sentence.", entry_date="2026-03-14")
    _response, archive = download(writer_client)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "stranger's sentence" not in everything
    assert "Not yours" not in everything


def test_export_needs_a_signed_in_post(client, writer_client):
    assert writer_client.get("/settings/export/").status_code == 405
    writer_client.logout()
    response = client.post("/settings/export/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_settings_offers_the_export(writer_client):
    page = writer_client.get("/settings/").content.decode()
    assert 'action="/settings/export/"' in page
    assert "Download my export (.zip)" in page


def test_an_empty_journal_exports_a_valid_file(writer_client):
    _response, archive = download(writer_client)
    document = json.loads(archive.read("held.json"))
    assert document["entries"] == []
    assert document["safety_plan"] is None
    assert [name for name in archive.namelist() if name.endswith(".md")] == []


def test_each_entry_record_is_exactly_what_json_dumps_would_write(writer, life):
    from accounts.keyring import cipher_for
    from accounts.portability.export import entry_files, exported_entries

    for entry in exported_entries(writer, cipher_for(writer)):
        _path, _markdown, record = entry_files(entry)
        assert record.decode() == json.dumps(entry.record(), ensure_ascii=False)


def test_ids_of_entries_written_in_held_name_the_row_and_its_moment(writer, life):
    from accounts.portability.ids import derived_id

    entry = life.entries[0]
    micros = int(entry.created_at.timestamp()) * 1_000_000 + entry.created_at.microsecond
    assert derived_id("entry", entry.pk, entry.created_at) == f"entry-{entry.pk}-{micros}"


def test_two_exports_give_the_same_ids(writer_client, life):
    first = json.loads(download(writer_client)[1].read("held.json"))
    second = json.loads(download(writer_client)[1].read("held.json"))
    assert [entry["id"] for entry in first["entries"]] == [entry["id"] for entry in second["entries"]]
    assert first["entries"] == second["entries"]
