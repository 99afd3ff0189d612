"""A writer with one of everything Held keeps, for the export, import and privacy tests."""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import time

from accounts.keyring import cipher_for
from accounts.models import User
from accounts.portability.export import export_zip
from connections.models import Kind, Person
from connections.nudges.models import ReminderSettings
from connections.nudges.services import reminder_settings_save
from connections.services import contact_log, person_save, safety_plan_save
from connections.sharing.services import share_start
from journal.models import Entry, Tag
from journal.services import draft_autosave, entry_create, entry_move_to_trash, writer_prompt_add


@dataclass
class Life:
    entries: list[Entry]
    trashed: Entry
    person: Person
    therapist: Person


def write_a_full_life(user: User) -> Life:
    first = entry_create(
        user=user,
        title='She said: "stay"',
        body="We walked the long way round the reservoir.\n\nI didn't want it to end.",
        entry_date=datetime.date(2026, 3, 14),
        mood=4,
        feelings=["grateful", "tender"],
        tag_names=["walks", "Family"],
        prompt="Who would you tell about today?",
    )
    second = entry_create(
        user=user,
        title="",
        body="Café at noon. Quiet. Ünïcode and emoji 🌧 too.",
        entry_date=datetime.date(2026, 3, 15),
        mood=None,
        feelings=[],
        tag_names=[],
    )
    trashed = entry_create(
        user=user, title="Gone", body="A thing I threw away.", entry_date=datetime.date(2026, 2, 1), mood=1
    )
    entry_move_to_trash(user=user, entry=trashed)
    draft_autosave(
        user=user,
        draft_id=None,
        entry=first,
        title="Edit in progress",
        body="A better ending, maybe.",
        fields={"mood": "3", "tags": "walks", "entry_date": "2026-03-14"},
    )
    draft_autosave(user=user, draft_id=None, entry=None, title="", body="Something I haven't finished.", fields={})
    Tag.objects.create(owner=user, name="unused tag")
    writer_prompt_add(user=user, text="What did Ana notice that I missed?")

    person = person_save(
        user=user,
        person=Person(name="Ana Ruiz", phone="+44 7700 900123", ideal_every_days=14, too_long_after_days=30),
        notes="Ask about her mother's hip.",
        topic_names=["Family"],
    )
    therapist = person_save(
        user=user,
        person=Person(name="Dr. K", kind=Kind.THERAPIST, email="dr.k@example.org"),
        notes="Thursdays, 5pm.",
        topic_names=[],
    )
    contact_log(user=user, person=person, outcome="connection", channel="call", note="She laughed at my story.")
    contact_log(user=user, person=therapist, outcome="attempt", channel="email")
    safety_plan_save(
        user=user,
        steps={"warning_signs": "Not sleeping.", "coping": "Long shower, then the park."},
        distraction_people=[person],
        help_people=[person],
        professionals=[therapist],
    )
    reminder_settings_save(
        user=user,
        row=ReminderSettings(writer=user, window_start=time(18, 0), window_end=time(19, 30), every_days=5),
    )
    share = share_start(
        writer=user,
        person=therapist,
        email="dr.k@example.org",
        ends_on=datetime.date.today() + datetime.timedelta(days=30),
        tags=Tag.objects.filter(owner=user, name="walks"),
    )
    share.seal_agenda(cipher_for(user), "Talk about the reservoir walk.")
    share.save()
    return Life(entries=[first, second], trashed=trashed, person=person, therapist=therapist)


def export_bytes(user: User) -> bytes:
    return b"".join(export_zip(user))


def held_json_of(archive_bytes: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        return json.loads(archive.read("held.json"))


def front_matter(markdown: str) -> tuple[dict, str]:
    """The front matter's fields (each value is JSON, which YAML reads the same) and the body."""
    lines = markdown.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    fields = {}
    for line in lines[1:end]:
        key, _, value = line.partition(": ")
        fields[key] = json.loads(value.split("  #")[0]) if key != "date" else value
    return fields, "\n".join(lines[end + 2 :])


def comparable(document: dict) -> dict:
    """held.json without what differs between two accounts by design: the account and the export time."""
    return {key: value for key, value in document.items() if key not in {"account", "exported_at"}}
