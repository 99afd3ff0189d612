"""Deletion that is real: the data key goes first, then every row and every session of the account."""

import datetime

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db.models.signals import pre_delete
from django.test import Client

from accounts.crypto import DecryptionError, KeyUnavailableError, forget_cached_keys, new_key_encryption_key_text
from accounts.keyring import cipher_for, cipher_for_user_id
from accounts.models import DataKey, User
from accounts.services import account_delete
from connections.models import Person
from connections.services import contact_log, person_save
from journal.models import Draft, Entry
from journal.services import entry_create
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SENTENCE = "The orchard gate still squeaks the way it did that summer."


def write_a_life(user: User) -> Entry:
    entry = entry_create(
        user=user,
        title="Orchard",
        body=SENTENCE,
        entry_date=datetime.date(2026, 10, 1),
        mood=4,
        feelings=["peaceful"],
        tag_names=["home"],
    )
    draft = Draft(owner=user)
    draft.seal_text(cipher_for(user), title="", body="half a thought")
    draft.save()
    person = person_save(user=user, person=Person(name="June"), notes="Likes pears.", topic_names=["home"])
    contact_log(user=user, person=person, outcome="attempt", note="Left a voicemail.")
    return entry


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def logged_in_client(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_deleting_destroys_the_data_key_before_any_other_row():
    writer = UserFactory()
    write_a_life(writer)
    order: list[str] = []

    def note(sender, **kwargs):
        order.append(sender._meta.label)

    watched = [DataKey, User, Entry, Person, Draft]
    for model in watched:
        pre_delete.connect(note, sender=model, weak=False)
    try:
        account_delete(user=writer)
    finally:
        for model in watched:
            pre_delete.disconnect(note, sender=model)

    assert order[0] == "accounts.DataKey"
    assert {"accounts.User", "journal.Entry", "connections.Person", "journal.Draft"} <= set(order[1:])


def test_a_backup_of_sealed_rows_cannot_be_opened_after_deletion():
    writer = UserFactory()
    entry = write_a_life(writer)
    user_id = writer.pk
    backup = bytes(Entry.objects.get(pk=entry.pk).body_sealed)
    assert cipher_for_user_id(user_id).open(backup, field="entry.body") == SENTENCE

    account_delete(user=writer)

    assert not DataKey.objects.filter(user_id=user_id).exists()
    # Whatever key the server could make for that account id now is a new one: the backup stays sealed.
    with pytest.raises(DecryptionError):
        cipher_for_user_id_without_saving(user_id).open(backup, field="entry.body")


def cipher_for_user_id_without_saving(user_id: int):
    """A fresh data key for a deleted account id (the row cannot be saved: the account is gone)."""
    import os

    from accounts.crypto import WriterCipher

    return WriterCipher(user_id=user_id, data_key=os.urandom(32))


def test_a_backup_holding_the_wrapped_data_key_is_unreadable_once_its_key_encryption_key_is_retired(settings):
    old, new = new_key_encryption_key_text("2026a"), new_key_encryption_key_text("2027a")
    settings.HELD_KEYS = old
    forget_cached_keys()
    writer = UserFactory()
    entry = write_a_life(writer)
    user_id = writer.pk
    backed_up_key = DataKey.objects.values_list("key_id", "wrapped_key").get(user_id=user_id)
    backup = bytes(Entry.objects.get(pk=entry.pk).body_sealed)

    account_delete(user=writer)
    # The operator's routine (README, Privacy): rotate, then remove the old key once backups made under it expire.
    settings.HELD_KEYS = f"{new},{old}"
    forget_cached_keys()
    from django.core.management import call_command

    call_command("rotate_keys", verbosity=0)
    settings.HELD_KEYS = new
    forget_cached_keys()

    from accounts.crypto import unwrap_data_key

    with pytest.raises(KeyUnavailableError):
        unwrap_data_key(backed_up_key[0], bytes(backed_up_key[1]), user_id=user_id)
    assert backup  # the sealed bytes exist; nothing configured can open them
    forget_cached_keys()


def test_the_data_key_is_gone_even_if_removing_the_rest_fails():
    writer = UserFactory()
    entry = write_a_life(writer)

    def refuse(sender, **kwargs):
        raise RuntimeError("database went away")

    pre_delete.connect(refuse, sender=User, weak=False)
    try:
        with pytest.raises(RuntimeError):
            account_delete(user=writer)
    finally:
        pre_delete.disconnect(refuse, sender=User)

    assert User.objects.filter(pk=writer.pk).exists()
    assert not DataKey.objects.filter(user_id=writer.pk).exists()
    with pytest.raises(DecryptionError):
        # The row survived the failure; its words did not.
        Entry.objects.get(pk=entry.pk).body(cipher_for_user_id(writer.pk))


def test_deleting_removes_every_row_the_account_had_and_leaves_others_alone():
    stranger = UserFactory(email="stays@example.org")
    kept_entry = write_a_life(stranger)
    baseline = row_counts()
    writer = UserFactory(email="leaves@example.org")
    write_a_life(writer)
    logged_in_client(writer)
    assert row_counts() != baseline

    account_delete(user=writer)

    after = row_counts()
    assert {label: (baseline[label], after[label]) for label in after if after[label] != baseline[label]} == {}
    assert Entry.objects.get(pk=kept_entry.pk).body(cipher_for(stranger)) == SENTENCE


def test_deleting_from_one_browser_ends_the_session_in_every_other_browser():
    writer = UserFactory()
    phone, laptop = logged_in_client(writer), logged_in_client(writer)
    assert laptop.get("/settings/").status_code == 200
    laptop_session = laptop.cookies["sessionid"].value

    response = phone.post("/settings/delete/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=laptop_session).exists()
    assert laptop.get("/settings/")["Location"].startswith("/accounts/login/")
