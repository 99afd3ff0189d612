"""Export: a zip with one Markdown file per entry and held.json with everything the writer owns, streamed.

Entries are read once, in order, as a stream (a binary COPY on PostgreSQL, a server-side cursor elsewhere),
opened, and written to the zip as their Markdown files while their held.json records wait in a spool
(accounts/portability/spool.py: memory up to a fixed bound, then a sealed temporary file); held.json follows
the last Markdown file. Beyond that bound nothing grows with the journal but the zip's central directory (a few
dozen bytes per file), so 5,000 entries or 50,000 export in bounded memory.
"""

import datetime
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.crypto import WriterCipher
from accounts.keyring import cipher_for
from accounts.models import PortableId, User
from accounts.portability.ids import derived_id, portable_id_of, with_portable_ids
from accounts.portability.schema import FORMAT, SCHEMA_VERSION
from accounts.portability.spool import SealedSpool
from accounts.portability.zipstream import ZipStream
from connections.models import Contact, Person, SafetyPlan
from connections.nudges import schedule as nudge_schedule
from connections.nudges.models import ReminderSettings
from connections.sharing.models import Share
from journal.models import MOOD_CHOICES, Draft, Entry, Tag, WriterPrompt

CHUNK_ROWS = 500
MOOD_WORDS = dict(MOOD_CHOICES)
# One encoder for the whole export: json.dumps with options builds a new one on every call.
_encode = json.JSONEncoder(ensure_ascii=False).encode
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
    archive = ZipStream()
    archive.add("README.txt", README.format(version=SCHEMA_VERSION).encode())
    with SealedSpool() as waiting:
        separator = b"\n    "
        for entry in exported_entries(user, cipher):
            path, markdown, record = entry_files(entry)
            archive.add(path, markdown)
            waiting.write(separator + record)
            separator = b",\n    "
            yield from archive.ready()
        member = archive.open("held.json")
        for piece in held_json(user, cipher, entries=waiting.chunks()):
            member.write(piece)
            yield from archive.ready()
        member.close()
    yield archive.finish()


# --- one entry: its Markdown file and its held.json record ------------------------------------------


def entry_files(entry: "ExportedEntry") -> tuple[str, bytes, bytes]:
    """The entry's Markdown file (path and bytes) and its held.json record, made together.

    Each string is JSON-encoded once and used in both: the front matter is YAML in which every string is
    written as a JSON string (which YAML reads the same), and the record is the JSON object
    `ExportedEntry.record()` describes, with json.dumps' separators. Built by hand because this runs once
    per entry and the export must keep close to the cost of reading the rows.
    """
    day = entry.entry_date.isoformat()
    title, prompt, feelings, tags = _encode(entry.title), _encode(entry.prompt), entry.feelings_json, entry.tags_json
    mood_line = f"{entry.mood}  # {MOOD_WORDS[entry.mood]}" if entry.mood else "null"
    body = entry.body.rstrip("\n")
    markdown = (
        f"---\ndate: {day}\ntitle: {title}\nmood: {mood_line}\nfeelings: {feelings}\ntags: {tags}\n"
        f"prompt: {prompt}\n---\n\n{body}\n"
    )
    mood = "null" if entry.mood is None else entry.mood
    record = (
        f'{{"id": {_encode(entry.id)}, "entry_date": "{day}", "title": {title}, "body": {_encode(entry.body)}, '
        f'"mood": {mood}, "feelings": {feelings}, "tags": {tags}, "prompt": {prompt}, '
        f'"created_at": {_json_moment(entry.created_at)}, "updated_at": {_json_moment(entry.updated_at)}, '
        f'"deleted_at": {_json_moment(entry.deleted_at)}}}'
    )
    return markdown_path(entry, day), markdown.encode(), record.encode()


def markdown_path(entry: "ExportedEntry", day: str) -> str:
    folder = "trash" if entry.deleted_at else f"entries/{entry.entry_date.year}"
    # The suffix keeps two entries with one date and title apart, and is the same in every export.
    suffix = hashlib.sha256(entry.id.encode()).hexdigest()[:6]
    slug = file_slug(entry.title) if entry.title else ""
    return f"{folder}/{day}-{slug}-{suffix}.md" if slug else f"{folder}/{day}-{suffix}.md"


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def file_slug(title: str) -> str:
    """'She said: "stay"' -> 'she-said-stay': ASCII letters and digits, accents dropped, at most 50 characters.

    The same result as Django's slugify for file names, at a tenth of its cost (it runs once per entry).
    """
    if not title.isascii():
        title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", title.lower()).strip("-")[:50].rstrip("-")


def _json_moment(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "null"
    if moment.utcoffset():
        moment = moment.astimezone(datetime.UTC)
    return f'"{moment.isoformat()}"'


def _quoted(value: Any) -> str:
    return _encode(value)


# --- held.json -----------------------------------------------------------------------------------


def held_json(user: User, cipher: WriterCipher, *, entries: Iterable[bytes] | None = None) -> Iterator[bytes]:
    """held.json in pieces: the header, then each section, one record per line.

    `entries`: the entries section's records, already encoded and separated (export_zip spools them);
    read here when not given.
    """
    for piece in _held_json_text(user, cipher, entries):
        yield piece if isinstance(piece, bytes) else piece.encode()


def _held_json_text(user: User, cipher: WriterCipher, entries: Iterable[bytes] | None) -> Iterator[str | bytes]:
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
    if entries is None:
        entries = (
            b"\n    " * (n == 0) + b",\n    " * (n > 0) + entry_files(entry)[2]
            for n, entry in enumerate(exported_entries(user, cipher))
        )
    yield ',\n  "entries": ['
    written = False
    for chunk in entries:
        written = True
        yield chunk
    yield "\n  ]" if written else "]"
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


class ExportedEntry(NamedTuple):
    """One entry, opened, as both the Markdown file and the held.json record are written from it."""

    id: str
    entry_date: datetime.date
    title: str
    body: str
    mood: int | None
    feelings_json: str  # JSON text: PostgreSQL hands these over encoded, so they are never parsed and re-encoded
    tags_json: str
    prompt: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted_at: datetime.datetime | None

    def record(self) -> dict[str, Any]:
        """What the entry's held.json record holds (entry_files writes it)."""
        return {
            "id": self.id,
            "entry_date": self.entry_date.isoformat(),
            "title": self.title,
            "body": self.body,
            "mood": self.mood,
            "feelings": json.loads(self.feelings_json),
            "tags": json.loads(self.tags_json),
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
    """Every entry of the writer (Trash too), oldest first, as a stream."""
    if connection.vendor == "postgresql":
        return _entries_by_copy(user, cipher)
    return _entries_by_cursor(user, cipher)


# Entries with their export id, feelings and tag names as JSON text (PostgreSQL writes JSON the way json.dumps
# does, with ", " between items and UTF-8 left as it is), oldest first. Column order is
# _ENTRY_TYPES'. Binary COPY is the fastest way PostgreSQL has to stream rows, typed, to a client: it keeps
# an export of a long journal within a few times the cost of reading the rows at all.
_ENTRY_COPY = """
COPY (
    SELECT entry.id, remembered.portable_id, entry.entry_date, entry.title_sealed, entry.body_sealed, entry.mood,
        entry.feelings::text, entry.prompt, entry.created_at, entry.updated_at, entry.deleted_at,
        (SELECT json_agg(tag.name ORDER BY tag.name, tag.id)
           FROM journal_entry_tags link JOIN journal_tag tag ON tag.id = link.tag_id
          WHERE link.entry_id = entry.id)::text
    FROM journal_entry entry
    LEFT JOIN accounts_portableid remembered
        ON remembered.owner_id = entry.owner_id AND remembered.kind = 'entry' AND remembered.object_id = entry.id
    WHERE entry.owner_id = %s
    ORDER BY entry.entry_date, entry.id
) TO STDOUT (FORMAT BINARY)
"""
_ENTRY_TYPES = ["int8", "text", "date", "bytea", "bytea", "int2", "text", "text"] + ["timestamptz"] * 3 + ["text"]


def _entries_by_copy(user: User, cipher: WriterCipher) -> Iterator[ExportedEntry]:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(_ENTRY_COPY, (user.pk,)) as copy:
        copy.set_types(_ENTRY_TYPES)
        for pk, portable_id, day, title, body, mood, feelings, prompt, created, updated, deleted, tags in copy.rows():
            yield ExportedEntry(
                id=portable_id or derived_id("entry", pk, created),
                entry_date=day,
                title=cipher.open(title, field="entry.title"),  # the fields Entry.title() and body() open
                body=cipher.open(body, field="entry.body"),
                mood=mood,
                feelings_json=feelings,
                tags_json=tags or "[]",
                prompt=prompt,
                created_at=created,
                updated_at=updated,
                deleted_at=deleted,
            )


def _entries_by_cursor(user: User, cipher: WriterCipher) -> Iterator[ExportedEntry]:
    """The same stream through the ORM, for databases without COPY (the SQLite of `make run`).

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
                feelings_json=_encode(list(feelings)),
                tags_json=_encode(tags[pk]),
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
