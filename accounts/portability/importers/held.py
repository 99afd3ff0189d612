"""Held's own held.json, any schema version up to the one this Held writes (see SCHEMA.md)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.portability.importers.fields import Record, tag_name, unique_keys
from accounts.portability.plan import ImportFileError, ImportPlan
from accounts.portability.schema import FORMAT, SCHEMA_VERSION
from accounts.timezones import validate_time_zone
from connections.models import Contact, Kind, Person, Relationship, SafetyPlan
from connections.nudges import schedule as nudge_schedule
from connections.nudges.models import OffReason
from connections.rhythm import MAX_RHYTHM_DAYS, MIN_RHYTHM_DAYS
from journal.feelings import FEELING_WORDS
from journal.services import clean_draft_fields
from journal.tags import MAX_TAG_LENGTH

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLAN_GROUPS = ("distraction_people", "help_people", "professionals")


def is_held_export(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def plan_from_held(document: Any) -> ImportPlan:
    if not is_held_export(document):
        raise ImportFileError("This JSON file is not a Held export (held.json).")
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError("held.json does not say which version of the format it uses.")
    if version > SCHEMA_VERSION:
        raise ImportFileError(
            f"This export was made by a newer Held (format version {version}); this Held reads versions up to "
            f"{SCHEMA_VERSION}. Nothing was imported. Update Held, then import the file again."
        )
    top = Record(document, where="held.json")
    plan = ImportPlan(source="held")
    plan.tags = [
        tag_name(Record(item, where=f"tags, item {n}").text("name", required=True), MAX_TAG_LENGTH)
        for n, item in enumerate(top.items("tags"), start=1)
    ]
    plan.prompts = [_prompt(Record(item, where=f"prompts, item {n}")) for n, item in enumerate(top.items("prompts"), 1)]
    plan.people = [_person(Record(item, where=f"people, item {n}")) for n, item in enumerate(top.items("people"), 1)]
    person_keys = {person["key"] for person in plan.people}
    plan.contacts = [
        _contact(Record(item, where=f"contacts, item {n}"), person_keys)
        for n, item in enumerate(top.items("contacts"), 1)
    ]
    if document.get("safety_plan") is not None:
        plan.safety_plan = _safety_plan(Record(document["safety_plan"], where="safety_plan"), person_keys)
    plan.entries = [
        _entry(Record(item, where=f"entries, item {n}"), plan) for n, item in enumerate(top.items("entries"), 1)
    ]
    entry_keys = {entry["key"] for entry in plan.entries}
    plan.drafts = [
        _draft(Record(item, where=f"drafts, item {n}"), entry_keys) for n, item in enumerate(top.items("drafts"), 1)
    ]
    if document.get("reminders") is not None:
        plan.reminders = _reminders(Record(document["reminders"], where="reminders"))
    shares = top.items("shares")
    if shares:
        # A share grants a practitioner access; a file must never be able to do that on its own.
        plan.left_out["shares (start them again from a person's page)"] += len(shares)
    for section in ("prompts", "people", "contacts", "entries", "drafts"):
        unique_keys(getattr(plan, section), section=section)
    return plan


def _prompt(record: Record) -> dict[str, Any]:
    return {
        "key": record.key(),
        "text": record.text("text", max_length=300, required=True),
        "created_at": record.moment("created_at"),
    }


def _person(record: Record) -> dict[str, Any]:
    email = record.text("email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise record.fail("email", "is not an email address") from None
    time_zone = record.text("time_zone", max_length=64)
    if time_zone:
        try:
            validate_time_zone(time_zone)
        except ValidationError:
            raise record.fail("time_zone", "is not a time zone Held knows") from None
    ideal = record.whole_number("ideal_every_days", low=MIN_RHYTHM_DAYS, high=MAX_RHYTHM_DAYS)
    too_long = record.whole_number("too_long_after_days", low=MIN_RHYTHM_DAYS, high=MAX_RHYTHM_DAYS)
    if ideal and too_long and too_long < ideal:
        raise record.fail("too_long_after_days", "cannot be shorter than ideal_every_days")
    return {
        "key": record.key(),
        "name": record.text("name", max_length=Person._meta.get_field("name").max_length, required=True),
        "relationship": record.choice("relationship", Relationship.values, default=Relationship.FRIEND),
        "kind": record.choice("kind", Kind.values, default=Kind.TRUSTED),
        "phone": record.text("phone", max_length=32),
        "email": email,
        "handle": record.text("handle", max_length=100),
        "time_zone": time_zone,
        "topics": [tag_name(name, MAX_TAG_LENGTH) for name in record.texts("topics", max_length=200)],
        "notes": record.text("notes"),
        "ideal_every_days": ideal,
        "too_long_after_days": too_long,
        "is_paused": record.flag("is_paused"),
        "snoozed_until": record.day("snoozed_until"),
        "last_contact_at": record.moment("last_contact_at"),
        "created_at": record.moment("created_at"),
        "updated_at": record.moment("updated_at"),
    }


def _contact(record: Record, person_keys: set[str]) -> dict[str, Any]:
    person = record.key("person")
    if person not in person_keys:
        raise record.fail("person", "names nobody in the file's people")
    return {
        "key": record.key(),
        "person": person,
        "outcome": record.choice("outcome", Contact.Outcome.values, default=Contact.Outcome.ATTEMPT),
        "channel": record.choice("channel", Contact.Channel.values, default=Contact.Channel.OTHER),
        "happened_at": record.moment("happened_at", required=True),
        "note": record.text("note"),
        "created_at": record.moment("created_at"),
    }


def _safety_plan(record: Record, person_keys: set[str]) -> dict[str, Any]:
    plan: dict[str, Any] = {stem: record.text(stem) for stem, _title, _hint in SafetyPlan.WRITTEN_STEPS}
    for group in PLAN_GROUPS:
        keys = record.texts(group, max_length=200)
        if set(keys) - person_keys:
            raise record.fail(group, "names somebody who is not in the file's people")
        plan[group] = keys
    plan["created_at"] = record.moment("created_at")
    plan["updated_at"] = record.moment("updated_at")
    return plan


def _entry(record: Record, plan: ImportPlan) -> dict[str, Any]:
    feelings = record.texts("feelings", max_length=50)
    known = [word for word in feelings if word in FEELING_WORDS]
    if len(known) < len(feelings):
        plan.left_out["feeling words Held does not offer"] += len(feelings) - len(known)
    return {
        "key": record.key(),
        "entry_date": record.day("entry_date", required=True),
        "title": record.text("title"),
        "body": record.text("body"),
        "mood": record.whole_number("mood", low=1, high=5),
        "feelings": known,
        "tags": [tag_name(name, MAX_TAG_LENGTH) for name in record.texts("tags", max_length=200)],
        "prompt": record.text("prompt", max_length=300),
        "created_at": record.moment("created_at"),
        "updated_at": record.moment("updated_at"),
        "deleted_at": record.moment("deleted_at"),
    }


def _draft(record: Record, entry_keys: set[str]) -> dict[str, Any]:
    entry = record.value.get("entry")
    if entry is not None and record.key("entry") not in entry_keys:
        raise record.fail("entry", "names an entry that is not in the file")
    fields = record.value.get("fields") or {}
    if not isinstance(fields, dict):
        raise record.fail("fields", "must be an object")
    return {
        "key": record.key(),
        "entry": entry,
        "title": record.text("title"),
        "body": record.text("body"),
        "fields": clean_draft_fields(fields),
        "created_at": record.moment("created_at"),
        "updated_at": record.moment("updated_at"),
    }


def _reminders(record: Record) -> dict[str, Any]:
    days = record.texts("days_of_week", max_length=3)
    if set(days) - set(DAY_NAMES):
        raise record.fail("days_of_week", "must list days as mon, tue, wed, thu, fri, sat, sun")
    return {
        "enabled": record.flag("enabled", default=True),
        "off_reason": record.choice("off_reason", OffReason.values, default=OffReason.NONE),
        "window_start": record.clock("window_start") or "09:00",
        "window_end": record.clock("window_end") or "10:00",
        "days_of_week": sorted({DAY_NAMES.index(day) for day in days}),
        "quiet_start": record.clock("quiet_start"),
        "quiet_end": record.clock("quiet_end"),
        "every_days": record.whole_number(
            "every_days", low=nudge_schedule.MIN_EVERY_DAYS, high=nudge_schedule.MAX_EVERY_DAYS
        )
        or nudge_schedule.DEFAULT_EVERY_DAYS,
        "paused_until": record.day("paused_until"),
    }
