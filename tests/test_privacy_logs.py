"""Logs and error reports never contain entry text: saving, a form that fails validation, a view that raises."""

import logging
import sys

import pytest
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.views.debug import ExceptionReporter

from accounts.crypto import forget_cached_keys, new_key_encryption_key_text
from accounts.keyring import cipher_for
from connections.models import Person
from journal.models import Entry
from journal.services import entry_create

pytestmark = pytest.mark.django_db

SENTENCE = "the velvet kingfisher left me alone at the quarry"
WORDS = ["velvet", "kingfisher", "quarry"]
NOTES = "she keeps a silver thimble from her grandmother"


@pytest.fixture
def every_log_record(caplog):
    """Every logger at DEBUG, SQL with its parameters included, all captured."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # log every query with its parameters, as DEBUG would
    yield caplog
    connection.force_debug_cursor = False


def everything_logged(caplog) -> str:
    """Everything a handler would write: the message, its arguments, the traceback and any stack."""
    formatter = logging.Formatter()
    parts = []
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.stack_info or ""]
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
    return "\n".join(parts).lower()


def assert_no_text_in(text: str) -> None:
    found = [word for word in [SENTENCE, NOTES, *WORDS, "thimble"] if word in text]
    assert found == []


def entry_form(**overrides) -> dict:
    return {"title": "Quarry day", "body": SENTENCE, "entry_date": "2026-11-02", "mood": "2", **overrides}


@pytest.fixture
def wrong_key(settings, writer):
    """The environment pointed at the wrong key-encryption key, under the same id: every read fails loudly."""
    cipher_for(writer)  # the writer's data key exists, wrapped by the right key
    settings.HELD_KEYS = new_key_encryption_key_text("test1")
    forget_cached_keys()
    yield
    forget_cached_keys()


def test_saving_an_entry_logs_no_text(every_log_record, writer_client, writer):
    response = writer_client.post("/journal/new/", entry_form(tags="quarry walks"))

    assert response.status_code == 302
    assert Entry.objects.filter(owner=writer).count() == 1
    assert every_log_record.records  # the save was logged (ids, SQL): the check below is not vacuous
    assert_no_text_in(everything_logged(every_log_record).replace("quarry walks", ""))


def test_autosaving_a_draft_logs_no_text(every_log_record, writer_client):
    response = writer_client.post("/journal/drafts/autosave/", {"title": "", "body": SENTENCE})
    assert response.status_code == 200
    assert_no_text_in(everything_logged(every_log_record))


def test_a_form_that_fails_validation_logs_no_text(every_log_record, writer_client, writer):
    response = writer_client.post("/journal/new/", entry_form(entry_date="the day after"))

    assert response.status_code == 200
    assert SENTENCE in response.content.decode()  # what the writer typed is kept on the page
    assert not Entry.objects.filter(owner=writer).exists()
    assert_no_text_in(everything_logged(every_log_record))


def test_a_person_saved_and_refused_logs_no_notes(every_log_record, writer_client, writer):
    person = {"relationship": "friend", "kind": "trusted", "notes": NOTES}
    person |= {"ideal_unit": "weeks", "too_long_unit": "weeks"}
    writer_client.post("/people/add/", {**person, "name": "Ana"})
    refused = writer_client.post("/people/add/", {**person, "name": ""})

    assert refused.status_code == 200

    assert Person.objects.filter(owner=writer).count() == 1
    assert_no_text_in(everything_logged(every_log_record))


def test_a_view_that_raises_logs_no_text_and_its_error_report_holds_none(every_log_record, writer, wrong_key):
    browser = Client(raise_request_exception=False)
    browser.force_login(writer)
    reports: list[str] = []

    def report(sender, request, **kwargs):
        # What Django would email to ADMINS, built with the configured reporter and filter.
        from django.conf import settings
        from django.utils.module_loading import import_string

        reporter_class = import_string(settings.DEFAULT_EXCEPTION_REPORTER)
        assert issubclass(reporter_class, ExceptionReporter)
        reports.append(reporter_class(request, *sys.exc_info()).get_traceback_text())

    got_request_exception.connect(report)
    try:
        saving = browser.post("/journal/new/?q=kingfisher", entry_form())
    finally:
        got_request_exception.disconnect(report)

    assert saving.status_code == 500
    assert "Internal Server Error" in everything_logged(every_log_record).title()
    assert_no_text_in(everything_logged(every_log_record))
    [text] = reports
    assert "KeyUnavailableError" in text  # a real report, with its traceback
    assert "body" in text  # the names of what was posted stay, for whoever debugs it
    assert_no_text_in(text.lower())


def test_reading_with_the_wrong_key_is_an_error_never_ciphertext(writer, settings):
    entry = entry_create(user=writer, title="Quarry", body=SENTENCE, entry_date="2026-11-02")
    cipher_for(writer)
    settings.HELD_KEYS = new_key_encryption_key_text("test1")
    forget_cached_keys()
    browser = Client(raise_request_exception=False)
    browser.force_login(writer)
    try:
        response = browser.get(f"/journal/{entry.pk}/")
    finally:
        forget_cached_keys()
    assert response.status_code == 500
    assert bytes(entry.body_sealed)[:8].hex() not in response.content.decode()
    assert SENTENCE not in response.content.decode()
