"""A bad file gets a clear error on the Settings form and changes nothing."""

import io
import json
import os
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ImportJob, PortableId
from journal.models import Entry, Tag
from tests.privacy_fixtures import export_bytes, held_json_of, write_a_full_life

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str):
    return client.post("/settings/import/", {"file": SimpleUploadedFile(name, data)})


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def minimal_held_json(**overrides) -> bytes:
    document = {
        "format": "held-export",
        "schema_version": 1,
        "entries": [{"id": "e1", "entry_date": "2026-01-02", "title": "", "body": "A quiet morning."}],
        **overrides,
    }
    return json.dumps(document).encode()


@pytest.fixture
def nothing_changes(writer):
    """Assert, after the test, that the writer's account is exactly as it was before."""

    def snapshot():
        return (
            Entry.objects.filter(owner=writer).count(),
            Tag.objects.filter(owner=writer).count(),
            ImportJob.objects.filter(owner=writer).count(),
            PortableId.objects.filter(owner=writer).count(),
        )

    before = snapshot()
    yield
    assert snapshot() == before


def assert_refused(response, message: str) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="field__error"' in page
    assert message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "Import this file" in page  # the form is still there to try another file


def test_a_file_that_is_not_an_export_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, b"Dear diary, this is a letter, not an export.", "letter.txt")
    assert_refused(response, "This file is not one Held can import.")


def test_a_picture_named_zip_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "export.zip")
    assert_refused(response, "This file is not one Held can import.")


def test_a_damaged_zip_is_refused(writer_client, nothing_changes):
    data = zip_of({"held.json": minimal_held_json()})
    response = upload(writer_client, data[: len(data) // 2], "held-export.zip")
    assert_refused(response, "This zip file is damaged or incomplete")


def test_a_damaged_held_json_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, zip_of({"held.json": b'{"format": "held-export", "schema'}), "held-export.zip")
    assert_refused(response, "held.json is damaged: it is not valid JSON")


def test_an_export_from_a_newer_held_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, zip_of({"held.json": minimal_held_json(schema_version=7)}), "held-export.zip")
    assert_refused(response, "This export was made by a newer Held (format version 7)")


def test_fifty_megabytes_of_noise_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, os.urandom(50 * 1024 * 1024), "held-export.zip")
    assert_refused(response, "This file is not one Held can import.")


def test_fifty_megabytes_of_noise_behind_a_zip_signature_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, b"PK\x03\x04" + os.urandom(50 * 1024 * 1024), "held-export.zip")
    assert_refused(response, "This zip file is damaged or incomplete")


@pytest.mark.parametrize("evil", ["../held.json", "entries/../../etc/cron.d/held", "/etc/passwd", "C:/boot.ini"])
def test_a_zip_with_paths_leading_outside_is_refused(writer_client, nothing_changes, evil):
    data = zip_of({"held.json": minimal_held_json(), evil: b"x"})
    response = upload(writer_client, data, "held-export.zip")
    assert_refused(response, "This zip contains a file with an unsafe path")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(writer_client, nothing_changes):
    # 300 MB of zeros deflate to about 300 KB: a thousandfold, where text manages ten.
    buffer = io.BytesIO()
    zeros = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("held.json", "w", force_zip64=True) as member,
    ):
        for _ in range(300):
            member.write(zeros)
    response = upload(writer_client, buffer.getvalue(), "held-export.zip")
    assert_refused(response, "This file unpacks to far more than a journal export could hold")


def test_a_zip_whose_header_lies_about_its_size_is_refused(writer_client, nothing_changes):
    big = b" " * (8 * 1024 * 1024)
    data = bytearray(zip_of({"held.json": big}))
    # Claim 4 KB unpacked, in both the local header and the central directory, so the ratio looks harmless.
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 4096)
    struct.pack_into("<I", data, central + 24, 4096)
    response = upload(writer_client, bytes(data), "held-export.zip")
    assert_refused(response, "This zip file is damaged")


def test_a_file_over_the_size_limit_is_stopped_while_it_arrives(writer_client, nothing_changes, settings):
    settings.HELD_IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(writer_client, zip_of({"held.json": os.urandom(2 * 1024 * 1024)}, zipfile.ZIP_STORED), "x.zip")
    assert_refused(response, "This file is larger than 1 MB")


def test_an_empty_upload_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, b"", "held-export.zip")
    assert_refused(response, "This file is empty.")


def test_choosing_no_file_asks_for_one(writer_client, nothing_changes):
    response = writer_client.post("/settings/import/", {})
    assert_refused(response, "Choose a file to import.")


def test_a_zip_with_nothing_held_can_read_is_refused(writer_client, nothing_changes):
    response = upload(writer_client, zip_of({"photos/a.jpg": b"\xff\xd8" + os.urandom(100)}), "export.zip")
    assert_refused(response, "This file is not one Held can import.")


def test_a_damaged_record_names_where_it_is(writer_client, writer, nothing_changes):
    write_a_full_life(writer)
    document = held_json_of(export_bytes(writer))
    document["entries"][1]["mood"] = "very good"
    Entry.objects.filter(owner=writer).delete()  # the file's entries would otherwise be "already here"
    Tag.objects.filter(owner=writer).delete()
    response = upload(writer_client, zip_of({"held.json": json.dumps(document).encode()}), "held-export.zip")
    assert_refused(response, "entries, item 2: mood must be a whole number from 1 to 5")


def test_a_refused_file_never_echoes_its_contents(writer_client, nothing_changes):
    secret = b"My most private sentence about the attic."
    response = upload(writer_client, zip_of({"held.json": b"{ " + secret}), "held-export.zip")
    assert response.status_code == 400
    assert b"attic" not in response.content
