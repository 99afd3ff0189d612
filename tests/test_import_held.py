"""Importing held.json: export, import into a new account, export again gives the same content; twice adds nothing."""

import io
import json

import pytest

from accounts.keyring import cipher_for
from accounts.models import ImportJob
from accounts.portability.plan import ImportFileError
from accounts.portability.services import import_run, import_start
from connections.models import Contact, Person, SafetyPlan
from journal.models import Draft, Entry
from tests.factories import UserFactory
from tests.privacy_fixtures import comparable, export_bytes, held_json_of, write_a_full_life

pytestmark = pytest.mark.django_db


def import_file(user, data: bytes, name: str = "held-export.zip") -> ImportJob:
    """Start an import as Settings does, then run it as the worker does."""
    job = import_start(user=user, file=io.BytesIO(data), name=name, size=len(data))
    assert import_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    return job


def row_counts(user) -> dict[str, int]:
    return {
        "entries": Entry.objects.filter(owner=user).count(),
        "drafts": Draft.objects.filter(owner=user).count(),
        "people": Person.objects.filter(owner=user).count(),
        "contacts": Contact.objects.filter(owner=user).count(),
        "tags": user.journal_tags.count(),
        "prompts": user.journal_prompts.count(),
    }


def test_export_import_export_gives_the_same_content(writer):
    write_a_full_life(writer)
    first = held_json_of(export_bytes(writer))
    newcomer = UserFactory(email="new-home@example.org")

    job = import_file(newcomer, export_bytes(writer))
    second = held_json_of(export_bytes(newcomer))

    # Shares are the one thing that does not travel: a file must never grant a practitioner access.
    assert second["shares"] == []
    assert job.report["left_out"] == {"shares (start them again from a person's page)": 1}
    first["shares"] = []
    assert comparable(second) == comparable(first)


def test_importing_the_same_file_twice_creates_no_duplicates(writer):
    write_a_full_life(writer)
    data = export_bytes(writer)
    newcomer = UserFactory()
    import_file(newcomer, data)
    counts = row_counts(newcomer)

    again = import_file(newcomer, data)

    assert row_counts(newcomer) == counts
    assert again.report["created"] == {}
    assert again.report["already_here"]["entry"] == 3


def test_importing_an_export_into_its_own_account_adds_nothing(writer):
    write_a_full_life(writer)
    counts = row_counts(writer)
    job = import_file(writer, export_bytes(writer))
    assert row_counts(writer) == counts
    assert job.report["already_here"]["entry"] == 3
    assert job.report["already_here"]["safety_plan"] == 1


def test_an_entry_deleted_after_import_comes_back_when_imported_again(writer):
    write_a_full_life(writer)
    data = export_bytes(writer)
    newcomer = UserFactory()
    import_file(newcomer, data)
    Entry.objects.filter(owner=newcomer, entry_date="2026-03-15").delete()

    job = import_file(newcomer, data)

    assert job.report["created"] == {"entry": 1}
    assert Entry.objects.filter(owner=newcomer).count() == 3


def test_imported_text_is_sealed_for_the_new_owner_and_found_by_search(writer):
    write_a_full_life(writer)
    newcomer = UserFactory()
    import_file(newcomer, export_bytes(writer))

    cipher = cipher_for(newcomer)
    entry = Entry.objects.get(owner=newcomer, entry_date="2026-03-14")
    assert b"reservoir" not in bytes(entry.body_sealed)
    assert "reservoir" in entry.body(cipher)
    for word in ["reservoir", "grateful", "walks", "stay"]:
        found = Entry.objects.for_owner(newcomer).matching_all_tokens([cipher.search_token(word)])
        assert list(found) == [entry], word
    assert Person.objects.get(owner=newcomer, name="Ana Ruiz").notes(cipher) == "Ask about her mother's hip."
    plan = SafetyPlan.objects.get(owner=newcomer)
    assert [person.name for person in plan.help_people.all()] == ["Ana Ruiz"]


def test_a_file_from_a_newer_held_is_refused_and_changes_nothing(writer):
    document = held_json_of(export_bytes(writer))
    document["schema_version"] = 2
    document["entries"] = [{"id": "x", "entry_date": "2026-01-01", "body": "From the future."}]
    data = json.dumps(document).encode()

    with pytest.raises(ImportFileError, match=r"newer Held \(format version 2\).*Nothing was imported"):
        import_start(user=writer, file=io.BytesIO(data), name="held.json", size=len(data))
    assert not Entry.objects.exists()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["entries"][0].update(mood=9), "entries, item 1: mood must be a whole number from 1 to 5"),
        (lambda d: d["entries"][0].update(entry_date="yesterday"), "entries, item 1: entry_date must be a date"),
        (lambda d: d["contacts"][0].update(person="nobody"), "contacts, item 1: person names nobody"),
        (lambda d: d["people"][0].update(kind="wizard"), "people, item 1: kind must be one of"),
        (lambda d: d["entries"].append(dict(d["entries"][0])), "entries, item 4: id appears twice"),
        (lambda d: d.update(entries="lots"), "held.json: entries must be a list"),
    ],
)
def test_a_damaged_record_refuses_the_whole_file_with_where_and_why(writer, change, message):
    write_a_full_life(writer)
    document = held_json_of(export_bytes(writer))
    change(document)
    data = json.dumps(document).encode()
    newcomer = UserFactory()

    with pytest.raises(ImportFileError, match=message):
        import_start(user=newcomer, file=io.BytesIO(data), name="held.json", size=len(data))
    assert row_counts(newcomer) == dict.fromkeys(row_counts(newcomer), 0)


def test_a_held_json_on_its_own_imports_too(writer):
    write_a_full_life(writer)
    data = json.dumps(held_json_of(export_bytes(writer))).encode()
    newcomer = UserFactory()
    job = import_file(newcomer, data, name="held.json")
    assert job.source == "held"
    assert job.report["created"]["entry"] == 3


def test_feeling_words_held_does_not_offer_are_left_out_and_reported(writer):
    write_a_full_life(writer)
    document = held_json_of(export_bytes(writer))
    document["entries"][0]["feelings"] = ["grateful", "flabbergasted"]
    data = json.dumps(document).encode()
    newcomer = UserFactory()

    job = import_file(newcomer, data, name="held.json")

    assert job.report["left_out"]["feeling words Held does not offer"] == 1
    assert Entry.objects.get(owner=newcomer, entry_date=document["entries"][0]["entry_date"]).feelings == ["grateful"]


def test_reminder_settings_a_writer_already_chose_are_kept(writer):
    from datetime import time

    from connections.nudges.models import ReminderSettings
    from connections.nudges.services import reminder_settings_save

    write_a_full_life(writer)
    newcomer = UserFactory()
    reminder_settings_save(user=newcomer, row=ReminderSettings(writer=newcomer, window_start=time(7, 0)))

    job = import_file(newcomer, export_bytes(writer))

    assert ReminderSettings.objects.get(writer=newcomer).window_start == time(7, 0)
    assert job.report["already_here"]["reminders"] == 1
