"""Importing Day One's JSON export: entries, dates in their own zone, tags kept, media left out and reported."""

import datetime
import io
import json
import zipfile

import pytest

from accounts.keyring import cipher_for
from accounts.portability.services import import_run, import_start
from journal.models import Entry

pytestmark = pytest.mark.django_db


def dayone_journal(entries: list[dict]) -> bytes:
    return json.dumps({"metadata": {"version": "1.0"}, "entries": entries}, indent=2).encode()


ENTRIES = [
    {
        "uuid": "8F2C5A1B0E6D4F3C9A7B2D1E0F4C6A8B",
        "creationDate": "2025-12-31T23:30:00Z",
        "modifiedDate": "2026-01-01T08:00:00Z",
        "timeZone": "Asia/Tokyo",
        "starred": True,
        "text": "# New Year's morning\n\nWe rang the bell at the temple\\. It was cold\\!\n\n"
        "![](dayone-moment://5E1B2C3D4E5F60718293A4B5C6D7E8F9)\n\nThen noodles.",
        "tags": ["travel", "Family"],
        "photos": [{"identifier": "5E1B2C3D4E5F60718293A4B5C6D7E8F9", "type": "jpeg", "md5": "abc"}],
        "location": {"localityName": "Kyoto", "latitude": 35.0, "longitude": 135.7},
        "weather": {"conditionsDescription": "Clear", "temperatureCelsius": 2},
    },
    {
        "uuid": "11112222333344445555666677778888",
        "creationDate": "2026-02-03T07:15:00Z",
        "timeZone": "Europe/London",
        "text": "Just a line, no heading.",
        "tags": [],
    },
    {"uuid": "99990000AAAABBBBCCCCDDDDEEEEFFFF", "creationDate": "2026-02-04T07:15:00Z", "text": ""},
]


def run(user, data: bytes, name: str):
    job = import_start(user=user, file=io.BytesIO(data), name=name, size=len(data))
    assert import_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    return job


def dayone_zip(**journals: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in journals.items():
            archive.writestr(f"{name}.json", data)
        archive.writestr("photos/5e1b2c3d4e5f60718293a4b5c6d7e8f9.jpeg", b"\xff\xd8not really a jpeg")
    return buffer.getvalue()


def test_day_one_entries_arrive_with_title_date_and_tags(writer):
    job = run(writer, dayone_zip(Journal=dayone_journal(ENTRIES)), "Export-Journal.zip")

    assert job.source == "dayone"
    cipher = cipher_for(writer)
    new_year = Entry.objects.get(owner=writer, entry_date=datetime.date(2026, 1, 1))  # already 1 January in Tokyo
    assert new_year.title(cipher) == "New Year's morning"
    assert new_year.body(cipher) == "We rang the bell at the temple. It was cold!\n\nThen noodles."
    assert sorted(tag.name for tag in new_year.tags.all()) == ["Family", "travel"]
    assert new_year.mood is None
    assert new_year.created_at == datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    plain = Entry.objects.get(owner=writer, entry_date=datetime.date(2026, 2, 3))
    assert (plain.title(cipher), plain.body(cipher)) == ("", "Just a line, no heading.")


def test_what_day_one_keeps_and_held_does_not_is_reported(writer):
    job = run(writer, dayone_zip(Journal=dayone_journal(ENTRIES)), "Export-Journal.zip")
    assert job.report["created"] == {"entry": 2}
    assert job.report["left_out"] == {"photos": 1, "locations": 1, "weather reports": 1, "empty entries": 1}


def test_the_same_day_one_export_twice_adds_nothing(writer):
    data = dayone_zip(Journal=dayone_journal(ENTRIES))
    run(writer, data, "Export-Journal.zip")
    again = run(writer, data, "Export-Journal.zip")
    assert again.report["created"] == {}
    assert again.report["already_here"] == {"entry": 2}
    assert Entry.objects.filter(owner=writer).count() == 2


def test_a_bare_day_one_json_file_imports_too(writer):
    job = run(writer, dayone_journal(ENTRIES[1:2]), "Journal.json")
    assert job.source == "dayone"
    assert Entry.objects.filter(owner=writer).count() == 1


def test_every_journal_in_a_day_one_zip_is_imported(writer):
    data = dayone_zip(Journal=dayone_journal(ENTRIES[:1]), Dreams=dayone_journal(ENTRIES[1:2]))
    job = run(writer, data, "Export-All.zip")
    assert job.report["created"] == {"entry": 2}


def test_imported_day_one_entries_are_found_by_search(writer):
    run(writer, dayone_zip(Journal=dayone_journal(ENTRIES)), "Export-Journal.zip")
    cipher = cipher_for(writer)
    found = Entry.objects.for_owner(writer).matching_all_tokens([cipher.search_token("temple")])
    assert [entry.entry_date for entry in found] == [datetime.date(2026, 1, 1)]


def test_a_day_one_entry_without_a_date_refuses_the_file(writer):
    from accounts.portability.plan import ImportFileError

    broken = dayone_journal([{"uuid": "X", "text": "No date here."}])
    with pytest.raises(ImportFileError, match=r"Journal.json, entry 1: creationDate is missing"):
        import_start(user=writer, file=io.BytesIO(broken), name="Journal.json", size=len(broken))
    assert not Entry.objects.exists()
