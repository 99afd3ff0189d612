"""Export: a zip with one Markdown file per entry and held.json with everything the writer owns, streamed.

Rows are read with server-side cursors in chunks and written to the zip as they come, so a journal of any
size exports with flat memory. Entries are read twice (once for the Markdown files, once for held.json):
a zip member must be written whole before the next one starts, and reading twice keeps nothing in memory.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import slugify

from accounts.crypto import WriterCipher
from accounts.keyring import cipher_for
from accounts.models import PortableId, User
from accounts.portability.ids import derived_id, portable_id_of, with_portable_ids
from accounts.portability.schema import FORMAT, SCHEMA_VERSION
from accounts.portability.zipstream import ZipStream
from connections.models import Contact, Person, SafetyPlan
from connections.nudges import schedule as nudge_schedule
from connections.nudges.models import ReminderSettings
from connections.sharing.models import Share
from journal.models import MOOD_CHOICES, Draft, Entry, Tag, WriterPrompt

CHUNK_ROWS = 500
MOOD_WORDS = dict(MOOD_CHOICES)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

README = """\
Your Held export
================

entries/   one Markdown file per entry, by year; the front matter holds date, title, mood,
           feelings, tags and prompt.
trash/     entries that were in Trash when you exported.
held.json  everything you keep in Held (entries, drafts, tags, your prompts, your people and the
           notes about them, your contact log, safety plan, reminder settings and shares), in
           the documented format "held-export", schema version {version}. Import it into Held
           from Settings to bring everything back.

This file holds your private writing, unencrypted. Keep it somewhere only you can open.
"""


def export_filename(user: User) -> str:
    return f"held-export-{user.local_today().isoformat()}.zip"


def export_zip(user: User) -> Iterator[bytes]:
    """The whole export as a stream of byte chunks, for a StreamingHttpResponse."""
    cipher = cipher_for(user)
    with ZipStream() as archive:
        archive.add("README.txt", README.format(version=SCHEMA_VERSION).encode())
        for entry in exported_entries(user, cipher):
            archive.add(markdown_path(entry), entry_markdown(entry).encode())
            yield from archive.ready()
        with archive.open("held.json") as member:
            for piece in held_json(user, cipher):
                member.write(piece.encode())
                yield from archive.ready()
        yield archive.finish()


# --- Markdown ------------------------------------------------------------------------------------


def markdown_path(entry: "ExportedEntry") -> str:
    folder = "trash" if entry.deleted_at else f"entries/{entry.entry_date.year}"
    # The suffix keeps two entries with one date and title apart, and is the same in every export.
    suffix = hashlib.sha256(entry.id.encode()).hexdigest()[:6]
    slug = slugify(entry.title)[:50]
    name = "-".join(part for part in [entry.entry_date.isoformat(), slug, suffix] if part)
    return f"{folder}/{name}.md"


def entry_markdown(entry: "ExportedEntry") -> str:
    """Front matter in YAML (every string as a JSON string, which YAML reads the same), then the body."""
    lines = [
        "---",
        f"date: {entry.entry_date.isoformat()}",
        f"title: {_quoted(entry.title)}",
        f"mood: {entry.mood}  # {MOOD_WORDS[entry.mood]}" if entry.mood else "mood: null",
        f"feelings: {_quoted(entry.feelings)}",
        f"tags: {_quoted(entry.tags)}",
        f"prompt: {_quoted(entry.prompt)}",
        "---",
        "",
        "",
    ]
    return "\n".join(lines) + entry.body.rstrip("\n") + "\n"


def _quoted(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- held.json -----------------------------------------------------------------------------------


def held_json(user: User, cipher: WriterCipher) -> Iterator[str]:
    """held.json in pieces: the header, then each section, one record per line."""
    header = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": _when(timezone.now()),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "country": str(user.country or ""),
        },
    }
    yield "{\n" + ",\n".join(f"  {_quoted(key)}: {_quoted(value)}" for key, value in header.items())
    yield from _section("tags", ({"name": tag.name} for tag in Tag.objects.filter(owner=user).order_by("name", "id")))
    yield from _section("prompts", (_prompt_record(prompt) for prompt in _prompts(user)))
    person_ids: dict[int, str] = {}
    yield from _section("people", (_person_record(person, cipher, person_ids) for person in _people(user)))
    yield from _section("contacts", (_contact_record(contact, cipher, person_ids) for contact in _contacts(user)))
    yield f',\n  "safety_plan": {_quoted(_safety_plan_record(user, cipher, person_ids))}'
    yield from _section("entries", (entry.record() for entry in exported_entries(user, cipher)))
    yield from _section("drafts", (_draft_record(draft, cipher) for draft in _drafts(user)))
    yield f',\n  "reminders": {_quoted(_reminders_record(user))}'
    yield from _section("shares", (_share_record(share, cipher) for share in _shares(user)))
    yield "\n}\n"


def _section(name: str, records: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield f',\n  "{name}": ['
    separator = "\n    "
    for record in records:
        yield separator + _quoted(record)
        separator = ",\n    "
    yield "\n  ]" if separator != "\n    " else "]"


def _when(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _clock(moment: datetime.time | None) -> str | None:
    return moment.strftime("%H:%M") if moment else None


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportedEntry:
    """One entry, opened, as both the Markdown file and the held.json record are written from it."""

    id: str
    entry_date: datetime.date
    title: str
    body: str
    mood: int | None
    feelings: list[str]
    tags: list[str]
    prompt: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted_at: datetime.datetime | None

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entry_date": self.entry_date.isoformat(),
            "title": self.title,
            "body": self.body,
            "mood": self.mood,
            "feelings": self.feelings,
            "tags": self.tags,
            "prompt": self.prompt,
            "created_at": _when(self.created_at),
            "updated_at": _when(self.updated_at),
            "deleted_at": _when(self.deleted_at),
        }


ENTRY_COLUMNS = (
    "pk",
    "portable_id",
    "entry_date",
    "title_sealed",
    "body_sealed",
    "mood",
    "feelings",
    "prompt",
    "created_at",
    "updated_at",
    "deleted_at",
)


def exported_entries(user: User, cipher: WriterCipher) -> Iterator[ExportedEntry]:
    """Every entry of the writer (Trash too), oldest first, read in chunks with a server-side cursor.

    Plain rows and one tag query per chunk, not model instances with prefetch_related: prefetching builds
    reference cycles that pile up until a full garbage collection, so memory would grow with the journal.
    """
    rows = (
        with_portable_ids(Entry.objects.filter(owner=user), kind="entry", owner=user)
        .order_by("entry_date", "id")
        .values_list(*ENTRY_COLUMNS)
        .iterator(chunk_size=CHUNK_ROWS)
    )
    while chunk := list(islice(rows, CHUNK_ROWS)):
        tags: dict[int, list[str]] = defaultdict(list)
        links = Entry.tags.through.objects.filter(entry_id__in=[row[0] for row in chunk])
        for entry_id, name in links.order_by("tag__name", "tag_id").values_list("entry_id", "tag__name"):
            tags[entry_id].append(name)
        for pk, portable_id, day, title, body, mood, feelings, prompt, created, updated, deleted in chunk:
            yield ExportedEntry(
                id=portable_id or derived_id("entry", pk, created),
                entry_date=day,
                # The same fields as Entry.title() and Entry.body() open.
                title=cipher.open(title, field="entry.title"),
                body=cipher.open(body, field="entry.body"),
                mood=mood,
                feelings=list(feelings),
                tags=tags[pk],
                prompt=prompt,
                created_at=created,
                updated_at=updated,
                deleted_at=deleted,
            )


def _entry_ids_of(queryset: QuerySet, *, owner: User, field: str = "entry") -> QuerySet:
    """Annotate rows that point at an entry with what that entry's export id needs."""
    remembered = PortableId.objects.filter(owner=owner, kind="entry", object_id=OuterRef(f"{field}_id"))
    return queryset.annotate(
        entry_portable_id=Subquery(remembered.values("portable_id")[:1]),
        entry_created_at=Subquery(Entry.objects.filter(pk=OuterRef(f"{field}_id")).values("created_at")[:1]),
    )


def _entry_id_from_annotation(row: Any, entry_pk: int | None) -> str | None:
    if entry_pk is None:
        return None
    return row.entry_portable_id or derived_id("entry", entry_pk, row.entry_created_at)


def _drafts(user: User) -> Iterator[Draft]:
    drafts = with_portable_ids(Draft.objects.filter(owner=user), kind="draft", owner=user)
    return _entry_ids_of(drafts, owner=user).order_by("created_at", "id").iterator(CHUNK_ROWS)


def _draft_record(draft: Draft, cipher: WriterCipher) -> dict[str, Any]:
    return {
        "id": portable_id_of(draft, kind="draft"),
        "entry": _entry_id_from_annotation(draft, draft.entry_id),
        "title": draft.title(cipher),
        "body": draft.body(cipher),
        "fields": draft.fields,
        "created_at": _when(draft.created_at),
        "updated_at": _when(draft.updated_at),
    }


def _prompts(user: User) -> Iterator[WriterPrompt]:
    prompts = with_portable_ids(WriterPrompt.objects.filter(owner=user), kind="prompt", owner=user)
    return prompts.order_by("created_at", "id").iterator(CHUNK_ROWS)


def _prompt_record(prompt: WriterPrompt) -> dict[str, Any]:
    return {"id": portable_id_of(prompt, kind="prompt"), "text": prompt.text, "created_at": _when(prompt.created_at)}


def _people(user: User) -> Iterator[Person]:
    people = with_portable_ids(Person.objects.filter(owner=user), kind="person", owner=user)
    return people.order_by("created_at", "id").prefetch_related("topics").iterator(CHUNK_ROWS)


def _person_record(person: Person, cipher: WriterCipher, person_ids: dict[int, str]) -> dict[str, Any]:
    # A circle is small (people, not entries): remembering its ids lets contacts and the plan refer to them.
    person_ids[person.pk] = portable_id_of(person, kind="person")
    return {
        "id": person_ids[person.pk],
        "name": person.name,
        "relationship": person.relationship,
        "kind": person.kind,
        "phone": person.phone,
        "email": person.email,
        "handle": person.handle,
        "time_zone": person.time_zone,
        "topics": sorted(tag.name for tag in person.topics.all()),
        "notes": person.notes(cipher),
        "ideal_every_days": person.ideal_every_days,
        "too_long_after_days": person.too_long_after_days,
        "is_paused": person.is_paused,
        "snoozed_until": _day(person.snoozed_until),
        "last_contact_at": _when(person.last_contact_at),
        "created_at": _when(person.created_at),
        "updated_at": _when(person.updated_at),
    }


def _contacts(user: User) -> Iterator[Contact]:
    contacts = with_portable_ids(Contact.objects.filter(owner=user), kind="contact", owner=user)
    return contacts.order_by("happened_at", "id").iterator(CHUNK_ROWS)


def _contact_record(contact: Contact, cipher: WriterCipher, person_ids: dict[int, str]) -> dict[str, Any]:
    return {
        "id": portable_id_of(contact, kind="contact"),
        "person": person_ids[contact.person_id],
        "outcome": contact.outcome,
        "channel": contact.channel,
        "happened_at": _when(contact.happened_at),
        "note": contact.note(cipher),
        "created_at": _when(contact.created_at),
    }


def _safety_plan_record(user: User, cipher: WriterCipher, person_ids: dict[int, str]) -> dict[str, Any] | None:
    plan = SafetyPlan.objects.filter(owner=user).first()
    if plan is None:
        return None
    record: dict[str, Any] = {stem: plan.step_text(cipher, stem) for stem, _title, _hint in SafetyPlan.WRITTEN_STEPS}
    for group in ("distraction_people", "help_people", "professionals"):
        record[group] = sorted(person_ids[pk] for pk in getattr(plan, group).values_list("pk", flat=True))
    record["created_at"] = _when(plan.created_at)
    record["updated_at"] = _when(plan.updated_at)
    return record


def _reminders_record(user: User) -> dict[str, Any] | None:
    """The writer's reminder choices. Left out: the private calendar address (a secret) and the schedule
    and failure counts, which Held works out again."""
    row = ReminderSettings.objects.filter(writer=user).first()
    if row is None:
        return None
    return {
        "enabled": row.enabled,
        "off_reason": row.off_reason,
        "window_start": _clock(row.window_start),
        "window_end": _clock(row.window_end),
        "days_of_week": [DAY_NAMES[day] for day in sorted(nudge_schedule.days_from_mask(row.days_of_week))],
        "quiet_start": _clock(row.quiet_start),
        "quiet_end": _clock(row.quiet_end),
        "every_days": row.every_days,
        "paused_until": _day(row.paused_until),
    }


def _shares(user: User) -> Iterator[Share]:
    shares = with_portable_ids(Share.objects.filter(writer=user), kind="share", owner=user)
    return shares.order_by("created_at", "id").prefetch_related("tags").iterator(CHUNK_ROWS)


def _share_record(share: Share, cipher: WriterCipher) -> dict[str, Any]:
    """A share as a record of what was shared with whom, and when it was read. Left out: the invitation
    secret, and anything that would let the file grant access again."""
    writer = share.writer
    picks = _entry_ids_of(share.picks.all(), owner=writer).order_by("created_at", "id")
    log = _entry_ids_of(share.access_events.all(), owner=writer).order_by("at", "id")
    return {
        "id": portable_id_of(share, kind="share"),
        "practitioner_name": share.practitioner_name,
        "invited_email": share.invited_email,
        "invited_at": _when(share.invited_at),
        "accepted_at": _when(share.accepted_at),
        "revoked_at": _when(share.revoked_at),
        "ends_on": _day(share.ends_on),
        "tags": sorted(tag.name for tag in share.tags.all()),
        "entries_from": _day(share.entries_from),
        "include_moods": share.include_moods,
        "agenda": share.agenda(cipher),
        "notify_on_read": share.notify_on_read,
        "entries": [_entry_id_from_annotation(pick, pick.entry_id) for pick in picks],
        "access_log": [
            {"kind": event.kind, "entry": _entry_id_from_annotation(event, event.entry_id), "at": _when(event.at)}
            for event in log
        ],
        "created_at": _when(share.created_at),
    }
