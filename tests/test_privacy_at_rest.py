"""Encrypted at rest: a plain `pg_dump` of the database holds none of the writer's words."""

import datetime
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from accounts.keyring import cipher_for
from connections.models import Person
from connections.services import contact_log, person_save, safety_plan_save
from journal.models import Draft
from journal.services import entry_create
from tests.factories import UserFactory

# pg_dump is another process: it only sees what has been committed.
pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACT = Path(__file__).resolve().parent.parent / "test-artifacts" / "pg_dump_grep.txt"

ENTRY_SENTENCE = "I kept the quince marmalade jar from the lighthouse keeper's widow."
ENTRY_TITLE = "Saltwort evening"
DRAFT_SENTENCE = "Unfinished thought about the periwinkle staircase."
NOTES_SENTENCE = "Remembers the zeppelin postcard and hates marzipan."
CONTACT_SENTENCE = "We laughed about the tangerine ferry."
PLAN_SENTENCE = "Walk to the cormorant jetty and breathe."
WRITTEN = [ENTRY_SENTENCE, ENTRY_TITLE, DRAFT_SENTENCE, NOTES_SENTENCE, CONTACT_SENTENCE, PLAN_SENTENCE]
DISTINCTIVE_WORDS = [
    "quince",
    "marmalade",
    "lighthouse",
    "widow",
    "saltwort",
    "periwinkle",
    "staircase",
    "zeppelin",
    "marzipan",
    "tangerine",
    "ferry",
    "cormorant",
    "jetty",
]
PERSON_NAME = "Ottoline Brask"  # names are stored in the clear (README, Privacy): the dump's positive control


def pg_dump() -> str:
    database = connection.settings_dict
    completed = subprocess.run(
        ["pg_dump", "-h", database["HOST"] or "127.0.0.1", "-U", database["USER"] or "postgres", database["NAME"]],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return completed.stdout.decode("utf-8", errors="replace")


def forms_of(text: str) -> list[str]:
    """The text as it could appear in a dump: as text, and as the hex PostgreSQL uses for bytea."""
    return [text.lower(), text.encode().hex()]


def write_everything(writer) -> None:
    entry_create(
        user=writer,
        title=ENTRY_TITLE,
        body=ENTRY_SENTENCE,
        entry_date=datetime.date(2026, 11, 2),
        mood=3,
        feelings=["homesick"],
        tag_names=["family"],
        prompt="Who would you tell about today?",
    )
    draft = Draft(owner=writer, fields={"mood": "2"})
    draft.seal_text(cipher_for(writer), title="", body=DRAFT_SENTENCE)
    draft.save()
    person = person_save(user=writer, person=Person(name=PERSON_NAME), notes=NOTES_SENTENCE, topic_names=["family"])
    contact_log(user=writer, person=person, outcome="connection", channel="call", note=CONTACT_SENTENCE)
    safety_plan_save(
        user=writer,
        steps={"coping": PLAN_SENTENCE},
        distraction_people=[],
        help_people=[person],
        professionals=[],
    )


def test_pg_dump_holds_none_of_the_writers_words():
    writer = UserFactory(email="dump-writer@example.org")
    write_everything(writer)

    dump = pg_dump()
    lowered = dump.lower()

    # The dump is real and complete: clear fields of the same rows are in it.
    assert writer.email in dump
    assert PERSON_NAME in dump
    assert "Who would you tell about today?" in dump
    found = {text: [form for form in forms_of(text) if form in lowered] for text in WRITTEN + DISTINCTIVE_WORDS}
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(
        f"pg_dump of {connection.settings_dict['NAME']}: {len(dump)} characters\n"
        + "".join(f"grep -ci {text!r}: {len(forms)}\n" for text, forms in found.items())
    )
    assert {text: forms for text, forms in found.items() if forms} == {}


def test_search_index_rows_in_the_dump_are_not_the_words():
    writer = UserFactory(email="dump-search@example.org")
    entry_create(user=writer, title="", body=ENTRY_SENTENCE, entry_date=datetime.date(2026, 11, 3))

    dump = pg_dump().lower()

    # The blind index is in the dump as HMAC tokens only: searching still works, the words are not there.
    assert cipher_for(writer).search_token("quince") in dump
    assert "quince" not in dump
