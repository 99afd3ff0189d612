"""Key rotation: `manage.py rotate_keys` re-wraps data keys so an old key-encryption key can be retired."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.crypto import KeyUnavailableError, forget_cached_keys, new_key_encryption_key_text
from accounts.keyring import cipher_for_user_id
from accounts.models import DataKey
from journal.models import Entry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = new_key_encryption_key_text("2026a")
NEW = new_key_encryption_key_text("2027a")
WRITERS = 20
ENTRIES_PER_WRITER = 500  # 10,000 entries in all


@pytest.fixture
def use_keys(settings):
    def use(*keys: str) -> None:
        settings.HELD_KEYS = ",".join(keys)
        forget_cached_keys()

    yield use
    forget_cached_keys()


def title_for(writer_index: int, n: int) -> str:
    return f"Day {n} of writer {writer_index}"


def body_for(writer_index: int, n: int) -> str:
    return f"Writer {writer_index} walked to the river on day {n} and thought about Ana."


def write_journals(writers: int, entries_each: int) -> list[int]:
    """Writers whose entries are all sealed under the key-encryption key configured now."""
    owner_ids = []
    for index in range(writers):
        owner = UserFactory()
        cipher = cipher_for_user_id(owner.pk)
        entries = []
        for n in range(entries_each):
            entry = Entry(owner=owner, entry_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365))
            entry.seal_text(cipher, title=title_for(index, n), body=body_for(index, n))
            entries.append(entry)
        Entry.objects.bulk_create(entries, batch_size=1000)
        owner_ids.append(owner.pk)
    return owner_ids


def read_everything(owner_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    texts = {}
    for owner_id in owner_ids:
        cipher = cipher_for_user_id(owner_id)
        rows = Entry.objects.filter(owner_id=owner_id).order_by("id")
        texts[owner_id] = [(entry.title(cipher), entry.body(cipher)) for entry in rows]
    return texts


def sealed_fingerprint() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(md5(title_sealed) || md5(body_sealed), '' ORDER BY id)) FROM journal_entry"
        )
        return cursor.fetchone()[0]


def test_ten_thousand_entries_still_read_after_rotating_and_dropping_the_old_key(use_keys):
    use_keys(OLD)
    owner_ids = write_journals(WRITERS, ENTRIES_PER_WRITER)
    expected = {
        owner_id: [(title_for(i, n), body_for(i, n)) for n in range(ENTRIES_PER_WRITER)]
        for i, owner_id in enumerate(owner_ids)
    }
    assert sum(len(texts) for texts in expected.values()) == 10_000
    before = sealed_fingerprint()

    use_keys(NEW, OLD)
    out = StringIO()
    call_command("rotate_keys", batch_size=7, stdout=out)

    assert f"Re-wrapped {WRITERS} data keys with '2027a' in 3 batches." in out.getvalue()
    assert "older keys can be removed" in out.getvalue()
    assert set(DataKey.objects.values_list("key_id", flat=True)) == {"2027a"}
    use_keys(NEW)
    assert read_everything(owner_ids) == expected
    # Envelope encryption: only the data keys were re-wrapped, not one entry was rewritten.
    assert sealed_fingerprint() == before


def test_without_rotation_dropping_the_old_key_makes_entries_unreadable(use_keys):
    use_keys(OLD)
    owner_ids = write_journals(1, 3)
    use_keys(NEW)
    with pytest.raises(KeyUnavailableError):
        read_everything(owner_ids)


def test_rotating_twice_rewraps_nothing_the_second_time(use_keys):
    use_keys(OLD)
    write_journals(3, 1)
    use_keys(NEW, OLD)
    call_command("rotate_keys", stdout=StringIO())
    first = dict(DataKey.objects.values_list("user_id", "wrapped_key"))

    out = StringIO()
    call_command("rotate_keys", stdout=out)

    assert "Re-wrapped 0 data keys" in out.getvalue()
    assert {user_id: bytes(key) for user_id, key in DataKey.objects.values_list("user_id", "wrapped_key")} == {
        user_id: bytes(key) for user_id, key in first.items()
    }


def test_keys_under_an_unconfigured_key_are_reported_and_left_alone(use_keys):
    lost = new_key_encryption_key_text("lost")
    use_keys(lost)
    [stranded] = write_journals(1, 1)
    use_keys(OLD)
    [movable] = write_journals(1, 1)
    use_keys(NEW, OLD)

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 data keys are still wrapped by older keys"):
        call_command("rotate_keys", stdout=out, stderr=err)

    assert "1 data keys are wrapped by 'lost', which is not in HELD_KEYS" in err.getvalue()
    assert DataKey.objects.get(user_id=movable).key_id == "2027a"
    assert DataKey.objects.get(user_id=stranded).key_id == "lost"
    use_keys(NEW, lost)
    assert read_everything([stranded, movable])[stranded] == [(title_for(0, 0), body_for(0, 0))]


def test_check_reports_how_many_data_keys_each_key_wraps_without_changing_any(use_keys):
    use_keys(OLD)
    write_journals(2, 1)
    use_keys(NEW, OLD)
    out = StringIO()
    call_command("rotate_keys", check=True, stdout=out)
    assert "2026a: 2 data keys" in out.getvalue()
    assert set(DataKey.objects.values_list("key_id", flat=True)) == {"2026a"}


def test_new_key_prints_a_key_that_held_keys_accepts(use_keys):
    out = StringIO()
    call_command("new_key", "2028a", stdout=out)
    text = out.getvalue().strip()
    assert text.startswith("2028a:")
    use_keys(text)
    [owner_id] = write_journals(1, 1)
    assert read_everything([owner_id])[owner_id] == [(title_for(0, 0), body_for(0, 0))]
