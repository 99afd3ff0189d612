"""Envelope encryption: a writer's words open only with their own data key, unwrapped by a configured KEK."""

import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.crypto import (
    DecryptionError,
    KeyUnavailableError,
    WriterCipher,
    forget_cached_keys,
    new_key_encryption_key_text,
    parse_key_encryption_keys,
)
from accounts.keyring import cipher_for, cipher_for_user_id
from accounts.models import DataKey
from journal.models import Entry

pytestmark = pytest.mark.django_db

SENTENCE = "I told nobody about the lighthouse letter."


def fresh_kek(key_id: str) -> str:
    return new_key_encryption_key_text(key_id)


@pytest.fixture
def keys(settings):
    """Switch HELD_KEYS within a test and make sure no unwrapped key survives the switch."""

    def use(value: str) -> None:
        settings.HELD_KEYS = value
        forget_cached_keys()

    yield use
    forget_cached_keys()


def test_sealed_text_opens_back_to_the_same_words(writer):
    cipher = cipher_for(writer)
    sealed = cipher.seal(SENTENCE, field="entry.body")
    assert SENTENCE.encode() not in sealed
    assert cipher.open(sealed, field="entry.body") == SENTENCE


def test_the_same_words_seal_differently_each_time(writer):
    cipher = cipher_for(writer)
    assert cipher.seal(SENTENCE, field="entry.body") != cipher.seal(SENTENCE, field="entry.body")


def test_an_entry_saved_and_read_back_keeps_its_title_and_body(writer):
    cipher = cipher_for(writer)
    entry = Entry(owner=writer, entry_date="2026-11-02")
    entry.seal_text(cipher, title="Tuesday", body=SENTENCE)
    entry.save()

    fresh = Entry.objects.get(pk=entry.pk)
    reader = cipher_for_user_id(writer.pk)
    assert (fresh.title(reader), fresh.body(reader)) == ("Tuesday", SENTENCE)


def test_a_wrong_key_encryption_key_fails_loudly_instead_of_showing_ciphertext(writer, keys):
    sealed = cipher_for(writer).seal(SENTENCE, field="entry.body")
    # Same key id, different key: as if the environment were pointed at the wrong secret.
    keys(fresh_kek("test1"))
    with pytest.raises(KeyUnavailableError, match="does not open this data key"):
        cipher_for_user_id(writer.pk).open(sealed, field="entry.body")


def test_a_missing_key_encryption_key_fails_loudly(writer, keys):
    cipher_for(writer)
    keys(fresh_kek("other"))
    with pytest.raises(KeyUnavailableError, match="'test1' is not configured"):
        cipher_for_user_id(writer.pk)


def test_a_data_key_does_not_unwrap_for_another_account(writer, stranger):
    cipher_for(writer)
    stolen = DataKey.objects.get(user=writer)
    # Copy the writer's wrapped key onto the stranger: the wrapping is bound to the account id.
    DataKey.objects.filter(user=stranger).delete()
    DataKey.objects.create(user=stranger, key_id=stolen.key_id, wrapped_key=bytes(stolen.wrapped_key))
    with pytest.raises(KeyUnavailableError):
        cipher_for_user_id(stranger.pk)


def test_tampered_ciphertext_is_refused(writer):
    cipher = cipher_for(writer)
    sealed = bytearray(cipher.seal(SENTENCE, field="entry.body"))
    sealed[20] ^= 0x01
    with pytest.raises(DecryptionError):
        cipher.open(bytes(sealed), field="entry.body")


def test_truncated_or_unknown_format_ciphertext_is_refused(writer):
    cipher = cipher_for(writer)
    sealed = cipher.seal(SENTENCE, field="entry.body")
    with pytest.raises(DecryptionError):
        cipher.open(sealed[:-1], field="entry.body")
    with pytest.raises(DecryptionError, match="Unknown ciphertext format"):
        cipher.open(b"\x02" + sealed[1:], field="entry.body")


def test_another_writers_ciphertext_does_not_open(writer, stranger):
    sealed = cipher_for(writer).seal(SENTENCE, field="entry.body")
    with pytest.raises(DecryptionError):
        cipher_for(stranger).open(sealed, field="entry.body")


def test_ciphertext_moved_to_another_field_does_not_open(writer):
    cipher = cipher_for(writer)
    title = cipher.seal("A private title", field="entry.title")
    with pytest.raises(DecryptionError):
        cipher.open(title, field="person.notes")


def test_the_same_data_key_under_another_account_id_does_not_open(writer):
    cipher = cipher_for(writer)
    sealed = cipher.seal(SENTENCE, field="entry.body")
    impostor = WriterCipher(user_id=writer.pk + 1, data_key=cipher.data_key)
    with pytest.raises(DecryptionError):
        impostor.open(sealed, field="entry.body")


def test_empty_sealed_values_open_as_empty_text(writer):
    assert cipher_for(writer).open(b"", field="entry.title") == ""


def test_search_tokens_match_across_case_and_accents(writer):
    cipher = cipher_for(writer)
    assert cipher.search_tokens("Café") == cipher.search_tokens("cafe") == cipher.search_tokens("CAFÉ")
    assert cipher.search_tokens("Café") != cipher.search_tokens("cafes")


def test_search_tokens_hide_the_word_and_differ_between_writers(writer, stranger):
    token = cipher_for(writer).search_token("lighthouse")
    assert "lighthouse" not in token
    assert token != cipher_for(stranger).search_token("lighthouse")


def test_key_encryption_keys_are_parsed_in_order_and_the_first_is_current():
    first, second = fresh_kek("2027a"), fresh_kek("2026b")
    parsed = parse_key_encryption_keys(f"{first}, {second}")
    assert list(parsed) == ["2027a", "2026b"]
    assert all(len(key) == 32 for key in parsed.values())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "HELD_KEYS is empty"),
        ("no-separator", "id:base64key"),
        ("bad id!:" + base64.urlsafe_b64encode(os.urandom(32)).decode(), "id:base64key"),
        ("short:" + base64.urlsafe_b64encode(os.urandom(16)).decode(), "must be 32 bytes"),
        ("junk:%%%%", "not base64"),
    ],
)
def test_a_malformed_key_configuration_is_refused_with_a_reason(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_key_encryption_keys(value)
