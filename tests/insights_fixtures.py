"""A fixed, hand-countable data set for the insights tests, written in the writer's LOCAL time.

Every timestamp below is a wall-clock time in the writer's own zone; `seed_insights_data` turns it into
UTC with that zone. So the expected figures (worked out by hand in tests/test_insights_figures.py) are
the same in every zone, and a computation that used UTC days or hours instead of local ones would give
different answers in at least one of the zones the tests use.

"Today" for these tests is Wednesday 15 April 2026, midday local time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.crypto import WriterCipher
from accounts.models import User
from connections.models import Contact, Person
from journal.models import Entry, Tag

TODAY = datetime.date(2026, 4, 15)


def local(zone: ZoneInfo, text: str) -> datetime.datetime:
    """'2026-03-04 00:30' as a moment in `zone`."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zone)


def noon_today(zone_name: str) -> datetime.datetime:
    return local(ZoneInfo(zone_name), f"{TODAY.isoformat()} 12:00")


# (entry_date, mood, feelings, tags, created at, local wall-clock time)
ENTRIES: list[tuple[str, int | None, list[str], list[str], str]] = [
    ("2025-11-20", 2, ["sad", "tired"], ["Work"], "2025-11-20 22:10"),
    ("2026-03-02", 3, ["calm"], ["Work"], "2026-03-02 08:15"),
    ("2026-03-02", 4, ["happy"], ["Family"], "2026-03-02 20:40"),
    ("2026-03-03", 2, ["anxious", "tired"], ["Work"], "2026-03-04 00:30"),
    ("2026-03-04", 4, ["connected"], ["Family"], "2026-03-04 19:05"),
    ("2026-03-05", None, ["tired"], ["Work"], "2026-03-05 13:00"),
    ("2026-03-06", 3, ["calm", "tired"], ["Work"], "2026-03-06 07:45"),
    ("2026-03-07", 5, ["happy", "grateful"], ["Family", "Garden"], "2026-03-07 10:00"),
    # 8 March: clocks go forward in Los Angeles at 2 a.m.
    ("2026-03-08", 4, ["calm"], ["Garden"], "2026-03-08 09:30"),
    ("2026-03-09", 2, ["lonely", "tired"], [], "2026-03-09 23:15"),
    ("2026-03-10", 1, ["lonely", "anxious"], ["Work"], "2026-03-11 01:40"),
    ("2026-03-12", 3, ["unsure"], ["Garden", "Rare"], "2026-03-12 12:30"),
    ("2026-03-13", 4, ["hopeful"], ["Family"], "2026-03-13 18:20"),
    ("2026-03-16", 5, ["connected", "happy"], ["Family"], "2026-03-16 21:00"),
    ("2026-03-17", 3, [], ["Work"], "2026-03-17 06:50"),
    ("2026-04-01", 2, ["tired"], ["Work"], "2026-04-01 23:55"),
    # "Calm" twice in one entry, in two spellings, counts once.
    ("2026-04-02", 4, ["calm", "Calm"], ["Garden"], "2026-04-02 15:10"),
]

# In the Trash: must count nowhere.
TRASHED_ENTRY = ("2026-03-10", 5, ["happy"], ["Work"], "2026-03-10 03:00")

# (person, happened at, local wall-clock time). Times near midnight fall on another UTC day in one zone.
CONTACTS: list[tuple[str, str]] = [
    ("Dan", "2025-04-30 23:30"),  # April 2025: just outside the twelve months shown
    ("Ben", "2026-02-28 23:50"),
    ("Ana", "2026-03-02 07:10"),
    ("Ben", "2026-03-04 12:00"),
    ("Ana", "2026-03-07 23:30"),
    ("Cleo", "2026-03-08 18:00"),
    ("Ben", "2026-03-12 00:30"),
    ("Ana", "2026-03-16 09:00"),
    ("Ben", "2026-03-16 17:45"),
    ("Cleo", "2026-03-20 20:00"),
    ("Cleo", "2026-04-02 08:00"),
    ("Dan", "2026-04-14 19:30"),
]


@dataclass
class Seeded:
    writer: User
    people: dict[str, Person]


def seed_insights_data(writer: User) -> Seeded:
    zone = writer.zone
    tags: dict[str, Tag] = {}

    def add_entry(spec: tuple, *, trashed: bool = False) -> Entry:
        entry_date, mood, feelings, tag_names, created = spec
        entry = Entry.objects.create(
            owner=writer, entry_date=datetime.date.fromisoformat(entry_date), mood=mood, feelings=feelings
        )
        for name in tag_names:
            if name not in tags:
                tags[name] = Tag.objects.create(owner=writer, name=name)
            entry.tags.add(tags[name])
        # created_at is set by auto_now_add; the test needs the time it was "written".
        Entry.objects.filter(pk=entry.pk).update(
            created_at=local(zone, created),
            deleted_at=local(zone, "2026-04-10 12:00") if trashed else None,
        )
        return entry

    for spec in ENTRIES:
        add_entry(spec)
    add_entry(TRASHED_ENTRY, trashed=True)

    people = {name: Person.objects.create(owner=writer, name=name) for name in ("Ana", "Ben", "Cleo", "Dan")}
    for name, happened in CONTACTS:
        Contact.objects.create(owner=writer, person=people[name], happened_at=local(zone, happened))
    return Seeded(writer=writer, people=people)


def seed_years_of_entries(
    writer: User, *, days: int, contacts: int, end: datetime.date = TODAY, cipher: WriterCipher | None = None
) -> None:
    """A heavy writer: one entry a day for `days` days up to `end` (moods, feelings, tags, hours all varying)
    and `contacts` contacts spread over the same days among twelve people. Bulk inserts: a few seconds.

    With a `cipher`, each entry also gets a sealed title and a body of a few hundred characters, so rows are
    as wide as real ones (bench/bench_insights.py uses this; insights never read the text).
    """
    from django.db import connection

    feelings = ["calm", "tired", "hopeful", "lonely", "connected", "anxious", "grateful"]
    tags = [Tag.objects.create(owner=writer, name=name) for name in ("Work", "Family", "Garden", "Sleep", "Friends")]

    def entry(offset: int) -> Entry:
        row = Entry(
            owner=writer,
            entry_date=end - datetime.timedelta(days=offset),
            mood=None if offset % 11 == 0 else 1 + (offset * 7) % 5,
            feelings=[feelings[offset % 7], feelings[(offset * 3) % 7]],
        )
        if cipher is not None:
            row.seal_text(cipher, title=f"Day {offset}", body="A walk after work, then a long call. " * 12)
        return row

    entries = Entry.objects.bulk_create((entry(offset) for offset in range(days)), batch_size=1_000)
    links = Entry.tags.through
    links.objects.bulk_create(
        links(entry_id=entry.pk, tag_id=tags[(index + step) % len(tags)].pk)
        for index, entry in enumerate(entries)
        for step in range(1 + index % 2)
    )
    with connection.cursor() as cursor:
        # Written at a different hour each day, in UTC: local hours then depend on the writer's zone.
        cursor.execute(
            "UPDATE journal_entry SET created_at = entry_date + (id %% 24) * interval '1 hour' WHERE owner_id = %s",
            [writer.pk],
        )
    people = [Person.objects.create(owner=writer, name=f"Person {number}") for number in range(12)]
    first = datetime.datetime.combine(end - datetime.timedelta(days=days), datetime.time(9), tzinfo=datetime.UTC)
    spacing = datetime.timedelta(days=days) / max(contacts, 1)
    Contact.objects.bulk_create(
        Contact(owner=writer, person=people[number % len(people)], happened_at=first + number * spacing)
        for number in range(contacts)
    )
