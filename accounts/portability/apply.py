"""Writing an ImportPlan into a writer's account, in batches, skipping what is already there.

Each record's key is remembered (accounts.PortableId), so running the same plan twice, or importing a file
exported from this very account, finds every record already here and creates nothing. Each batch is one
transaction that also moves the progress counter, so the progress a writer sees is what is really saved.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Lower

from accounts.keyring import cipher_for
from accounts.models import PortableId, User
from accounts.portability.ids import derived_id
from accounts.portability.plan import ImportPlan
from connections.models import Contact, Person, SafetyPlan
from connections.nudges import schedule as nudge_schedule
from connections.nudges.models import ReminderSettings
from connections.nudges.services import reminder_settings_save, reminders_reschedule
from journal.models import Draft, Entry, EntrySearchToken, Tag, WriterPrompt

BATCH_SIZE = 250
# Reminder settings a writer has chosen are never overwritten by an import; these are the ones they start with.
REMINDER_FIELDS = [
    "enabled",
    "off_reason",
    "window_start",
    "window_end",
    "days_of_week",
    "quiet_start",
    "quiet_end",
    "every_days",
    "paused_until",
]


def _moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _clock(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


class PlanWriter:
    def __init__(self, *, user: User, plan: ImportPlan, progress: Callable[[int], None]) -> None:
        self.user = user
        self.plan = plan
        self.cipher = cipher_for(user)
        self.progress = progress
        self.done = 0
        self.created: Counter[str] = Counter()
        self.already_here: Counter[str] = Counter()
        self.left_out: Counter[str] = Counter(plan.left_out)
        # key in the file -> primary key here, for records other records point at.
        self.person_pks: dict[str, int] = {}
        self.entry_pks: dict[str, int] = {}
        self.tags: dict[str, Tag] = {}

    def write(self) -> dict[str, Any]:
        plan = self.plan
        names = [
            *plan.tags,
            *(t for e in plan.entries for t in e["tags"]),
            *(t for p in plan.people for t in p["topics"]),
        ]
        self._ensure_tags(names)
        self._in_batches("prompt", WriterPrompt, plan.prompts, self._create_prompts)
        self.person_pks = self._in_batches("person", Person, plan.people, self._create_people)
        self._in_batches("contact", Contact, plan.contacts, self._create_contacts)
        if plan.safety_plan is not None:
            self._one_step(self._safety_plan)
        self.entry_pks = self._in_batches("entry", Entry, plan.entries, self._create_entries)
        self._in_batches("draft", Draft, plan.drafts, self._create_drafts)
        if plan.reminders is not None:
            self._one_step(self._reminders)
        if plan.people or plan.contacts or plan.reminders:
            reminders_reschedule(user_id=self.user.pk)
        # +Counter drops the zero counts, so the report names only what happened.
        return {
            "created": dict(+self.created),
            "already_here": dict(+self.already_here),
            "left_out": dict(+self.left_out),
        }

    # --- the machinery ----------------------------------------------------------------------------

    def _in_batches(
        self,
        kind: str,
        model: type[models.Model],
        records: list[dict[str, Any]],
        create: Callable[[list[dict[str, Any]]], list[models.Model]],
    ) -> dict[str, int]:
        """Create the records not already here, batch by batch; returns every key's primary key."""
        here = self._keys_already_here(kind, model, [record["key"] for record in records])
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            fresh = [record for record in batch if record["key"] not in here]
            with transaction.atomic():
                rows = create(fresh) if fresh else []
                PortableId.objects.bulk_create(
                    PortableId(owner=self.user, kind=kind, object_id=row.pk, portable_id=record["key"])
                    for record, row in zip(fresh, rows, strict=True)
                )
                here.update({record["key"]: row.pk for record, row in zip(fresh, rows, strict=True)})
                self._advance(len(batch))
            self.created[kind] += len(fresh)
            self.already_here[kind] += len(batch) - len(fresh)
        return here

    def _keys_already_here(self, kind: str, model: type[models.Model], keys: list[str]) -> dict[str, int]:
        owned = model._default_manager.filter(owner=self.user)
        remembered = dict(
            PortableId.objects.filter(owner=self.user, kind=kind, portable_id__in=keys).values_list(
                "portable_id", "object_id"
            )
        )
        existing = set(owned.filter(pk__in=remembered.values()).values_list("pk", flat=True))
        stale = [key for key, pk in remembered.items() if pk not in existing]
        if stale:
            # The row was deleted since it was imported: importing it again brings it back.
            PortableId.objects.filter(owner=self.user, kind=kind, portable_id__in=stale).delete()
        here = {key: pk for key, pk in remembered.items() if pk in existing}
        # Rows written in Held carry a derived id in exports; a file from this same account matches them.
        wanted = set(keys)
        for pk, created_at in owned.values_list("pk", "created_at").iterator(chunk_size=2000):
            key = derived_id(kind, pk, created_at)
            if key in wanted:
                here.setdefault(key, pk)
        return here

    def _one_step(self, write: Callable[[], None]) -> None:
        with transaction.atomic():
            write()
            self._advance(1)

    def _advance(self, steps: int) -> None:
        self.done += steps
        self.progress(self.done)

    def _ensure_tags(self, names: Iterable[str]) -> None:
        # lower(), not casefold(): the same comparison as the database's tag_unique_per_owner_ci.
        wanted = {name.lower(): name for name in names if name}
        Tag.objects.bulk_create([Tag(owner=self.user, name=name) for name in wanted.values()], ignore_conflicts=True)
        for tag in Tag.objects.filter(owner=self.user).annotate(folded=Lower("name")):
            self.tags[tag.folded] = tag

    def _tag(self, name: str) -> Tag:
        return self.tags[name.lower()]

    @staticmethod
    def _keep_times(model: type[models.Model], rows: list[models.Model], records: list[dict[str, Any]]) -> None:
        """Put back when things were written: auto_now fields took today's time on insert."""
        fields = [name for name in ("created_at", "updated_at") if any(record.get(name) for record in records)]
        for row, record in zip(rows, records, strict=True):
            for name in fields:
                if record.get(name):
                    setattr(row, name, _moment(record[name]))
        if fields:
            model._default_manager.bulk_update(rows, fields)

    # --- each kind --------------------------------------------------------------------------------

    def _create_prompts(self, records: list[dict[str, Any]]) -> list[models.Model]:
        rows = WriterPrompt.objects.bulk_create(WriterPrompt(owner=self.user, text=r["text"]) for r in records)
        self._keep_times(WriterPrompt, rows, records)
        return rows

    def _create_people(self, records: list[dict[str, Any]]) -> list[models.Model]:
        rows = []
        for record in records:
            person = Person(
                owner=self.user,
                name=record["name"],
                relationship=record["relationship"],
                kind=record["kind"],
                phone=record["phone"],
                email=record["email"],
                handle=record["handle"],
                time_zone=record["time_zone"],
                ideal_every_days=record["ideal_every_days"],
                too_long_after_days=record["too_long_after_days"],
                is_paused=record["is_paused"],
                snoozed_until=_day(record["snoozed_until"]),
                last_contact_at=_moment(record["last_contact_at"]),
            )
            person.seal_notes(self.cipher, record["notes"])
            rows.append(person)
        Person.objects.bulk_create(rows)
        self._keep_times(Person, rows, records)
        Person.topics.through.objects.bulk_create(
            Person.topics.through(person_id=person.pk, tag_id=self._tag(name).pk)
            for person, record in zip(rows, records, strict=True)
            for name in dict.fromkeys(n.lower() for n in record["topics"])
        )
        return rows

    def _create_contacts(self, records: list[dict[str, Any]]) -> list[models.Model]:
        rows = []
        for record in records:
            contact = Contact(
                owner=self.user,
                person_id=self.person_pks[record["person"]],
                outcome=record["outcome"],
                channel=record["channel"],
                happened_at=_moment(record["happened_at"]),
            )
            contact.seal_note(self.cipher, record["note"])
            rows.append(contact)
        Contact.objects.bulk_create(rows)
        self._keep_times(Contact, rows, records)
        return rows

    def _safety_plan(self) -> None:
        record = self.plan.safety_plan
        plan = SafetyPlan.objects.filter(owner=self.user).first()
        if plan is not None:
            # Never replace the plan a writer keeps here: it is what they turn to in a crisis.
            self.already_here["safety_plan"] += 1
            return
        plan = SafetyPlan(owner=self.user)
        for stem, _title, _hint in SafetyPlan.WRITTEN_STEPS:
            plan.seal_step(self.cipher, stem, record[stem])
        plan.save()
        for group in ("distraction_people", "help_people", "professionals"):
            getattr(plan, group).set([self.person_pks[key] for key in record[group]])
        times = {name: _moment(record[name]) for name in ("created_at", "updated_at") if record.get(name)}
        if times:
            SafetyPlan.objects.filter(pk=plan.pk).update(**times)
        self.created["safety_plan"] += 1

    def _create_entries(self, records: list[dict[str, Any]]) -> list[models.Model]:
        rows = []
        for record in records:
            entry = Entry(
                owner=self.user,
                entry_date=_day(record["entry_date"]),
                mood=record["mood"],
                feelings=record["feelings"],
                prompt=record["prompt"],
                deleted_at=_moment(record["deleted_at"]),
            )
            entry.seal_text(self.cipher, title=record["title"], body=record["body"])
            rows.append(entry)
        Entry.objects.bulk_create(rows)
        self._keep_times(Entry, rows, records)
        links, tokens = [], []
        for entry, record in zip(rows, records, strict=True):
            tags = list({self._tag(name).pk: self._tag(name) for name in record["tags"]}.values())
            links += [Entry.tags.through(entry_id=entry.pk, tag_id=tag.pk) for tag in tags]
            # The same text journal.services indexes, so search finds imported entries like any other.
            text = "\n".join([record["title"], record["body"], *record["feelings"], *(tag.name for tag in tags)])
            tokens += [
                EntrySearchToken(owner=self.user, entry_id=entry.pk, token=token)
                for token in self.cipher.search_tokens(text)
            ]
        Entry.tags.through.objects.bulk_create(links)
        EntrySearchToken.objects.bulk_create(tokens, batch_size=5000)
        return rows

    def _create_drafts(self, records: list[dict[str, Any]]) -> list[models.Model]:
        rows = []
        for record in records:
            draft = Draft(owner=self.user, entry_id=self.entry_pks.get(record["entry"] or ""), fields=record["fields"])
            draft.seal_text(self.cipher, title=record["title"], body=record["body"])
            rows.append(draft)
        Draft.objects.bulk_create(rows)
        self._keep_times(Draft, rows, records)
        return rows

    def _reminders(self) -> None:
        record = self.plan.reminders
        row = ReminderSettings.objects.filter(writer=self.user).first()
        if row is not None and not _is_untouched(row):
            self.already_here["reminders"] += 1
            return
        row = row or ReminderSettings(writer=self.user)
        row.enabled = record["enabled"]
        row.off_reason = record["off_reason"]
        row.window_start = _clock(record["window_start"])
        row.window_end = _clock(record["window_end"])
        row.days_of_week = nudge_schedule.mask_from_days(record["days_of_week"])
        row.quiet_start = _clock(record["quiet_start"])
        row.quiet_end = _clock(record["quiet_end"])
        row.every_days = record["every_days"]
        row.paused_until = _day(record["paused_until"])
        reminder_settings_save(user=self.user, row=row)
        # Saving from Settings clears why reminders were off; an import keeps the reason the file gives.
        ReminderSettings.objects.filter(writer=self.user).update(off_reason=record["off_reason"])
        self.created["reminders"] += 1


def _is_untouched(row: ReminderSettings) -> bool:
    defaults = ReminderSettings()
    return all(getattr(row, name) == getattr(defaults, name) for name in REMINDER_FIELDS)
