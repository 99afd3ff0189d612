"""Prompts that turn toward people: a grouped library, the writer's own, and the one used kept with the entry."""

import pytest

from journal.models import Entry
from journal.prompts import ALL_PROMPTS, PROMPT_GROUPS
from tests.journal_fixtures import entry_form


def test_the_library_has_at_least_40_prompts_in_groups():
    assert len(ALL_PROMPTS) >= 40
    assert len(PROMPT_GROUPS) >= 5
    assert len(set(ALL_PROMPTS)) == len(ALL_PROMPTS)
    assert "Who would you want to tell about today?" in ALL_PROMPTS
    assert "Who held you in mind this week?" in ALL_PROMPTS
    assert "What would someone who has been through this say?" in ALL_PROMPTS


def test_no_prompt_shouts_or_scolds():
    for prompt in ALL_PROMPTS:
        assert "!" not in prompt
        assert "should" not in prompt.lower()


@pytest.mark.django_db
def test_prompts_page_lists_the_groups(writer_client):
    page = writer_client.get("/journal/prompts/").content.decode()
    for group in PROMPT_GROUPS:
        assert group in page


@pytest.mark.django_db
def test_a_writer_adds_their_own_prompt_and_it_can_be_used(writer_client, writer):
    writer_client.post("/journal/prompts/", {"text": "Who made me laugh this week?"})

    assert "Who made me laugh this week?" in writer_client.get("/journal/prompts/").content.decode()
    assert "Who made me laugh this week?" in writer_client.get("/journal/new/").content.decode()  # in the library
    writer_client.post("/journal/new/", entry_form(prompt="Who made me laugh this week?"))
    assert Entry.objects.get(owner=writer).prompt == "Who made me laugh this week?"


@pytest.mark.django_db
def test_an_empty_own_prompt_gets_a_clear_message(writer_client):
    page = writer_client.post("/journal/prompts/", {"text": ""}).content.decode()
    assert "Write the prompt you&#x27;d like to be offered." in page


@pytest.mark.django_db
def test_removing_an_own_prompt_keeps_it_on_entries_that_used_it(writer_client, writer):
    writer_client.post("/journal/prompts/", {"text": "Who made me laugh this week?"})
    writer_client.post("/journal/new/", entry_form(prompt="Who made me laugh this week?"))
    prompt_id = writer.journal_prompts.get().pk

    writer_client.post(f"/journal/prompts/{prompt_id}/remove/")

    entry = Entry.objects.get(owner=writer)
    assert "Who made me laugh this week?" not in writer_client.get("/journal/prompts/").content.decode()
    assert "Who made me laugh this week?" in writer_client.get(f"/journal/{entry.pk}/").content.decode()
    # Editing the entry keeps its prompt even though the library no longer has it.
    writer_client.post(f"/journal/{entry.pk}/edit/", entry_form(prompt=entry.prompt, version="1"))
    entry.refresh_from_db()
    assert entry.prompt == "Who made me laugh this week?"


@pytest.mark.django_db
def test_own_prompts_are_private(writer_client, client, stranger, writer):
    writer_client.post("/journal/prompts/", {"text": "Mine alone"})
    prompt_id = writer.journal_prompts.get().pk
    client.force_login(stranger)
    assert "Mine alone" not in client.get("/journal/prompts/").content.decode()
    assert client.post(f"/journal/prompts/{prompt_id}/remove/").status_code == 404
