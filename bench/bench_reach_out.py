"""Reach out against the floor, for a writer with a long history.

A writer with 200 people (rhythms, topics, time zones, a few professionals and a safety plan), 10,000 rows in the
contact log and 5,000 entries (moods and tags, a few dozen in the last week) opens Reach out: it must keep at
least 0.4 of the floor's throughput (issue 5). The circle (/people/) and Help (/help/, with the safety plan) are
measured the same way.
"""

import datetime
import random

from bench.harness import BenchContext, Result

TARGET = 0.4


def _seed(ctx: BenchContext, writer, *, people: int, contacts: int, entries: int) -> None:
    from django.utils import timezone

    from connections.models import Contact, Person, SafetyPlan
    from journal.models import Entry, Tag

    rng = random.Random(5)
    cipher = ctx.cipher(writer)
    now = timezone.now()
    today = writer.local_today()
    tags = [Tag.objects.create(owner=writer, name=name) for name in ("work", "family", "grief", "running", "sleep")]

    circle = []
    for number in range(people):
        person = Person(
            owner=writer,
            name=f"Person {number:03d}",
            kind="therapist" if number % 40 == 0 else "trusted",
            phone="+44 7700 900123" if number % 2 else "",
            email=f"person{number}@example.org" if number % 3 else "",
            time_zone=rng.choice(["", "Europe/Athens", "America/New_York", "Asia/Kolkata"]),
            ideal_every_days=rng.choice([None, 7, 14, 30]),
            too_long_after_days=rng.choice([None, 60]),
            last_contact_at=now - datetime.timedelta(days=rng.randint(0, 90)),
        )
        person.seal_notes(cipher, f"Notes about person {number}.")
        circle.append(person)
    Person.objects.bulk_create(circle, batch_size=500)
    Person.topics.through.objects.bulk_create(
        [Person.topics.through(person_id=person.pk, tag_id=rng.choice(tags).pk) for person in circle]
    )
    Contact.objects.bulk_create(
        [
            Contact(
                owner=writer,
                person=rng.choice(circle),
                outcome=rng.choice(["attempt", "connection"]),
                channel="call",
                happened_at=now - datetime.timedelta(days=rng.randint(1, 1_000)),
            )
            for _ in range(contacts)
        ],
        batch_size=2_000,
    )
    rows = []
    for number in range(entries):
        entry = Entry(owner=writer, entry_date=today - datetime.timedelta(days=number // 4), mood=rng.randint(1, 5))
        entry.seal_text(cipher, title=f"Entry {number}", body="A day: a walk, a call, a little writing.")
        rows.append(entry)
    Entry.objects.bulk_create(rows, batch_size=1_000)
    Entry.tags.through.objects.bulk_create(
        [Entry.tags.through(entry_id=entry.pk, tag_id=rng.choice(tags).pk) for entry in rows], batch_size=2_000
    )
    plan = SafetyPlan(owner=writer)
    plan.seal_step(cipher, "warning_signs", "Not sleeping. Cancelling on people.")
    plan.save()
    plan.help_people.set(circle[1:4])
    plan.professionals.set([person for person in circle if person.kind == "therapist"][:2])


def run(ctx: BenchContext, quick: bool) -> list[Result]:
    people = ctx.size("reach_out_people", full=200, quick=200)
    contacts = ctx.size("reach_out_contacts", full=10_000, quick=2_000)
    entries = ctx.size("reach_out_entries", full=5_000, quick=1_000)

    writer = ctx.create_writer(country="GB", time_zone="Europe/London")
    ctx.say(f"seeding {people} people, {contacts} contacts, {entries} entries")
    _seed(ctx, writer, people=people, contacts=contacts, entries=entries)
    cookie = ctx.session_cookie(writer)

    size = f"{people} people, {contacts:,} contacts, {entries:,} entries"
    rows = []
    for label, path in (
        ("Reach out", "/reach-out/"),
        ("the circle", "/people/"),
        ("Help with a safety plan", "/help/"),
    ):
        comparison = ctx.compare(path, cookie=cookie)
        note = f"p95 {comparison.target.p95_ms:.0f} ms"
        rows.append(Result.throughput(f"{label}, {size}", comparison, at_least=TARGET, note=note))
    return rows
