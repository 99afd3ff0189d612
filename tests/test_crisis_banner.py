"""After an entry with crisis language is saved, the next page shows a calm banner, once. Nothing else happens."""

import html
import logging

import pytest
from django.core import mail

from config.context_processors import CRISIS_BANNER_SESSION_KEY
from connections.models import Contact
from journal.models import Entry
from tests.reach_out_fixtures import add_person

pytestmark = pytest.mark.django_db

CRISIS_BODY = "Everything is grey. I want to die and I don't know who to tell."


def save_entry(client, writer, body: str):
    return client.post(
        "/journal/new/",
        {"title": "Tuesday", "body": body, "entry_date": writer.local_today().isoformat(), "tags": "work"},
        follow=True,
    )


def test_crisis_language_brings_a_calm_banner_on_the_next_page_only(writer_client, writer):
    response = save_entry(writer_client, writer, CRISIS_BODY)
    page = html.unescape(response.content.decode())
    assert Entry.objects.filter(owner=writer).count() == 1, "saving is never blocked"
    assert "You don't have to hold this alone" in page
    assert 'href="/help/#safety-plan"' in page
    assert 'href="/help/#crisis-lines"' in page
    assert "You don't have to hold this alone" not in html.unescape(writer_client.get("/journal/").content.decode())


def test_everyday_words_bring_no_banner(writer_client, writer):
    page = html.unescape(save_entry(writer_client, writer, "This deadline is killing me.").content.decode())
    assert "You don't have to hold this alone" not in page


def test_the_banner_points_to_the_people_the_writer_chose(writer_client, writer):
    add_person(writer, "Sam", phone="+44 7700 900123")
    dr_k = add_person(writer, "Dr. K", kind="therapist", phone="020 7946 0000")
    writer_client.post("/help/plan/", {"professionals": [dr_k.pk]})
    session = writer_client.session
    session[CRISIS_BANNER_SESSION_KEY] = True
    session.save()
    page = html.unescape(writer_client.get("/people/").content.decode())
    banner = page.split("crisis-banner", 1)[1].split("</aside>", 1)[0]
    assert "People you chose for times like this:" in banner
    assert "Dr. K" in banner
    assert 'href="tel:02079460000"' in banner
    assert "Sam" not in banner


def test_nobody_is_contacted_and_the_text_is_never_logged(writer_client, writer, caplog):
    add_person(writer, "Sam", email="sam@example.org", phone="+44 7700 900123")
    with caplog.at_level(logging.DEBUG):
        save_entry(writer_client, writer, CRISIS_BODY)
    assert mail.outbox == []
    assert not Contact.objects.exists()
    assert "want to die" not in caplog.text
    assert "grey" not in caplog.text
    session_values = [str(value) for value in writer_client.session.values()]
    assert not any("die" in value for value in session_values)
