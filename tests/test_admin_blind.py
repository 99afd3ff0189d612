"""Operators are blind: the admin serves accounts and operations but never shows a writer's words."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse

from accounts.keyring import cipher_for
from accounts.models import DataKey, User
from connections.models import Person
from connections.services import contact_log, person_save
from journal.models import Draft, Entry
from journal.services import entry_create
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SECRET_WORDS = ["wolfsbane", "harbourmaster", "clarinet", "birchbark", "larkspur"]
TITLE = "Wolfsbane afternoon"
BODY = "The harbourmaster gave me Ellery's old clarinet."
NOTES = "Carved a birchbark canoe with me."


@pytest.fixture
def operator_client(client):
    operator = User.objects.create_superuser("operator@held.example", PASSWORD)
    client.force_login(operator)
    return client


@pytest.fixture
def writer_with_words():
    writer = UserFactory(email="private@example.org")
    entry = entry_create(
        user=writer, title=TITLE, body=BODY, entry_date=datetime.date(2026, 9, 9), mood=2, tag_names=["larkspur"]
    )
    draft = Draft(owner=writer)
    draft.seal_text(cipher_for(writer), title=TITLE, body=BODY)
    draft.save()
    person = person_save(user=writer, person=Person(name="Ellery"), notes=NOTES, topic_names=["larkspur"])
    contact_log(user=writer, person=person, outcome="attempt", note=NOTES)
    return writer, entry


def admin_pages_for(writer: User) -> list[str]:
    """Every admin page an operator could open: index, app pages, each registered model's list, and its
    rows belonging to the writer (change, history and delete confirmation views)."""
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls.append(reverse("admin:app_list", args=[meta.app_label]))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        owner_fields = [
            field.name
            for field in meta.get_fields()
            if isinstance(field, models.ForeignKey | models.OneToOneField) and field.related_model is User
        ]
        rows = model._default_manager.filter(pk=writer.pk) if model is User else model._default_manager.none()
        for name in owner_fields:
            rows = rows | model._default_manager.filter(**{name: writer})
        for pk in rows.values_list("pk", flat=True)[:5]:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk]))
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[pk]))
            if model_admin.has_delete_permission(_admin_request()):
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[pk]))
    return urls


def test_no_admin_page_shows_journal_text_notes_or_sealed_bytes(operator_client, writer_with_words):
    writer, entry = writer_with_words
    sealed = [bytes(entry.title_sealed), bytes(entry.body_sealed)]

    pages = {}
    for url in admin_pages_for(writer):
        response = operator_client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()

    assert any(writer.email in page for page in pages.values())  # the writer's account is in the admin
    for url, page in pages.items():
        lowered = page.lower()
        assert not [word for word in SECRET_WORDS if word.lower() in lowered], url
        assert "memory at 0x" not in page, url  # a BinaryField rendered as a memoryview
        assert not re.search(r"b'\\x0", page), url  # ... or as a bytes literal
        assert not [blob for blob in sealed if blob.hex() in lowered], url


def test_the_account_page_shows_how_much_is_held_as_counts_only(operator_client, writer_with_words):
    writer, _entry = writer_with_words
    page = operator_client.get(reverse("admin:accounts_user_change", args=[writer.pk])).content.decode()
    assert "1 entries, 1 drafts, 1 people, 1 contacts logged" in page


def test_no_model_holding_writer_text_is_registered():
    for model, model_admin in admin.site._registry.items():
        text_fields = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.BinaryField) or field.name.endswith("_sealed")
        ]
        # Undeclared forms show only editable fields, and BinaryFields are not editable.
        shown = (
            set(model_admin.list_display)
            | set(model_admin.readonly_fields)
            | set(flatten_fieldsets(model_admin.fieldsets or []))
            | set(model_admin.fields or [])
        )
        assert not shown & set(text_fields), model._meta.label
    for model in [Entry, Draft, Person]:
        assert not admin.site.is_registered(model), model._meta.label


def _admin_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    return request


def test_two_factor_secrets_are_never_shown_to_operators(operator_client, writer_with_words):
    from allauth.mfa.models import Authenticator

    writer, _entry = writer_with_words
    device = Authenticator.objects.create(
        user=writer, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXPSECRETSEED"}
    )
    for url in [
        reverse("admin:mfa_authenticator_changelist"),
        reverse("admin:mfa_authenticator_change", args=[device.pk]),
    ]:
        page = operator_client.get(url)
        assert page.status_code == 200
        assert "SECRETSEED" not in page.content.decode()


def test_operators_find_sessions_by_email(operator_client, writer_with_words):
    writer, _entry = writer_with_words
    Client().post("/accounts/login/", {"login": writer.email, "password": PASSWORD})
    page = operator_client.get(reverse("admin:usersessions_usersession_changelist") + "?q=private@example.org")
    assert page.status_code == 200
    assert writer.email in page.content.decode()


def test_data_keys_are_visible_for_rotation_but_cannot_be_changed_or_deleted(operator_client, writer_with_words):
    writer, _entry = writer_with_words
    changelist = operator_client.get(reverse("admin:accounts_datakey_changelist") + "?key_id=test1").content.decode()
    assert writer.email in changelist
    assert "test1" in changelist

    url = reverse("admin:accounts_datakey_delete", args=[writer.pk])
    assert operator_client.post(url, {"post": "yes"}).status_code == 403
    assert DataKey.objects.filter(user=writer).exists()


def test_deleting_an_account_in_the_admin_is_real_deletion(operator_client, writer_with_words, client):
    from django.test import Client

    writer, _entry = writer_with_words
    browser = Client()
    browser.post("/accounts/login/", {"login": writer.email, "password": PASSWORD})
    session_key = browser.cookies["sessionid"].value

    response = operator_client.post(reverse("admin:accounts_user_delete", args=[writer.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=writer.pk).exists()
    assert not DataKey.objects.filter(user_id=writer.pk).exists()
    assert not Session.objects.filter(session_key=session_key).exists()
