"""Writing an entry: what is kept, how it is kept, and what a writer sees when something is wrong."""

import datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.keyring import cipher_for
from config.context_processors import CRISIS_BANNER_SESSION_KEY
from journal.models import Draft, Entry, EntrySearchToken, Tag
from journal.prompts import ALL_PROMPTS
from tests.journal_fixtures import entry_form, write_entry

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_saving_an_entry_keeps_every_field_and_opens_its_page(writer_client, writer):
    response = writer_client.post("/journal/new/", entry_form(prompt=ALL_PROMPTS[0]))

    entry = Entry.objects.get(owner=writer)
    assert response.status_code == 302
    assert response["Location"] == f"/journal/{entry.pk}/"
    cipher = cipher_for(writer)
    assert entry.title(cipher) == "Sunday"
    assert entry.body(cipher) == "Walked to the harbour with Sam."
    assert entry.entry_date == datetime.date(2026, 11, 22)
    assert entry.mood == 4
    assert entry.feelings == ["calm", "grateful"]
    assert sorted(tag.name for tag in entry.tags.all()) == ["family", "walks"]
    assert entry.prompt == ALL_PROMPTS[0]

    page = writer_client.get(response["Location"]).content.decode()
    assert "Sunday" in page
    assert "Walked to the harbour with Sam." in page
    assert "<dt>Mood</dt>" in page
    assert "●●●●○</span> <span>Good</span>" in page
    assert "calm, grateful" in page


def test_title_and_body_are_stored_sealed_never_as_plaintext(writer):
    write_entry(writer, title="Harbour secret", body="Nobody else knows about the lighthouse.")

    with connection.cursor() as cursor:
        cursor.execute("SELECT title_sealed, body_sealed FROM journal_entry")
        title_sealed, body_sealed = cursor.fetchone()
        cursor.execute("SELECT token FROM journal_entrysearchtoken")
        tokens = [row[0] for row in cursor.fetchall()]
    assert b"Harbour" not in bytes(title_sealed)
    assert b"lighthouse" not in bytes(body_sealed)
    assert tokens
    assert not any(token in {"harbour", "lighthouse", "nobody"} for token in tokens)


def test_new_entry_page_defaults_to_today_in_the_writers_time_zone(writer_client, writer):
    writer.time_zone = "Pacific/Auckland"  # 10:00 UTC on the 27th is 23:00 on the 27th there
    writer.save()
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 30, tzinfo=datetime.UTC), tick=False):
        page = writer_client.get("/journal/new/").content.decode()
    assert 'value="2026-11-28"' in page  # already the 28th in Auckland


def test_back_dating_is_allowed(writer_client, writer):
    writer_client.post("/journal/new/", entry_form(entry_date="2019-03-04"))
    assert Entry.objects.get(owner=writer).entry_date == datetime.date(2019, 3, 4)


def test_tags_are_matched_without_regard_to_case(writer_client, writer):
    write_entry(writer, tags=["Family"])
    writer_client.post("/journal/new/", entry_form(tags="family, FAMILY, #Garden"))

    assert sorted(Tag.objects.filter(owner=writer).values_list("name", flat=True)) == ["Family", "Garden"]
    newest = Entry.objects.filter(owner=writer).latest("id")
    assert sorted(tag.name for tag in newest.tags.all()) == ["Family", "Garden"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": "x" * 100_001}, "the most one entry can hold is 100,000"),
        ({"entry_date": "2026-02-30"}, "That date doesn&#x27;t exist"),
        ({"entry_date": "2026-12-25"}, "hasn&#x27;t happened yet"),
        ({"tags": "ok, " + "a" * 51}, "A tag can be up to 50 characters"),
        ({"tags": ", ".join(f"tag{n}" for n in range(21))}, "An entry can have up to 20 tags; this one has 21"),
        ({"feelings": ["calm", "hangry"]}, "“hangry” isn&#x27;t one of the feeling words"),
        ({"mood": "9"}, "Pick a mood from 1 (very low) to 5 (very good)"),
        ({"title": "", "body": "   "}, "Write something first"),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_the_text(writer_client, writer, overrides, message):
    data = entry_form(title="Keep my title", body="Every word I typed stays.", **{}) | overrides

    response = writer_client.post("/journal/new/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Nothing was saved yet, and your writing is still here." in page
    if "body" not in overrides:
        assert "Every word I typed stays." in page
    if "title" not in overrides:
        assert 'value="Keep my title"' in page
    assert not Entry.objects.filter(owner=writer).exists()


def test_an_over_long_body_is_given_back_whole(writer_client):
    body = "word " * 20_001  # 100,005 characters

    page = writer_client.post("/journal/new/", entry_form(body=body)).content.decode()

    assert body in page


def test_a_ten_megabyte_post_is_refused_with_a_friendly_page_before_it_reaches_the_journal(writer):
    browser_like = Client(enforce_csrf_checks=True)
    browser_like.force_login(writer)
    browser_like.get("/journal/new/")  # sets the CSRF cookie, as a browser would have it
    token = browser_like.cookies["csrftoken"].value
    huge = urlencode({"csrfmiddlewaretoken": token, "title": "big", "body": "x" * (10 * 1024 * 1024)})

    with CaptureQueriesContext(connection) as queries:
        response = browser_like.post("/journal/new/", huge, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    page = response.content.decode()
    assert "That was too much to send at once" in page
    assert "Your writing is still kept in this browser" in page
    assert 'href="/journal/new/"' in page
    assert not [query for query in queries.captured_queries if "journal_" in query["sql"]]
    assert not Entry.objects.filter(owner=writer).exists()


def test_unknown_prompt_text_is_not_kept(writer_client, writer):
    writer_client.post("/journal/new/", entry_form(prompt="Anything a client cares to send"))
    assert Entry.objects.get(owner=writer).prompt == ""


def test_the_new_entry_page_offers_a_prompt_from_the_library(writer_client):
    page = writer_client.get("/journal/new/").content.decode()
    assert "A prompt, if it helps" in page
    assert any(prompt.replace("'", "&#x27;") in page for prompt in ALL_PROMPTS)


def test_saving_from_a_draft_removes_the_draft(writer_client, writer):
    draft_id = writer_client.post("/journal/drafts/autosave/", {"body": "half a thought"}).json()["draft"]

    writer_client.post("/journal/new/", entry_form(draft=str(draft_id)))

    assert not Draft.objects.filter(pk=draft_id).exists()


def test_after_saving_the_entry_page_asks_once_who_could_be_told(writer_client, settings):
    response = writer_client.post("/journal/new/", entry_form())

    first_visit = writer_client.get(response["Location"])
    second_visit = writer_client.get(response["Location"])

    assert "connections/_after_entry_panel.html" in [t.name for t in first_visit.templates]
    assert "connections/_after_entry_panel.html" not in [t.name for t in second_visit.templates]
    assert "Saved." in first_visit.content.decode()
    assert "Saved." not in second_visit.content.decode()


def test_crisis_language_sets_only_a_bare_flag_for_the_banner(writer_client, monkeypatch):
    seen = []

    def spotting(text: str) -> bool:
        seen.append(text)
        return True

    monkeypatch.setattr("journal.views.contains_crisis_language", spotting)
    writer_client.post("/journal/new/", entry_form(title="Heavy", body="A heavy night."))

    assert seen == ["Heavy\nA heavy night."]
    assert writer_client.session[CRISIS_BANNER_SESSION_KEY] is True
    # The flag carries no text.
    assert "heavy" not in str(dict(writer_client.session)).lower()


def test_entry_is_indexed_for_search_on_save(writer):
    entry = write_entry(writer, title="Harbour", body="Sam and I walked", feelings=["calm"], tags=["Walks"])
    cipher = cipher_for(writer)
    tokens = set(EntrySearchToken.objects.filter(entry=entry).values_list("token", flat=True))
    assert {cipher.search_token(word) for word in ("harbour", "sam", "walked", "calm", "walks")} <= tokens
