"""Data helpers for the Reach out tests: people, contacts and entries, made the way the app stores them."""

from collections.abc import Iterable
from datetime import date, datetime

from accounts.keyring import cipher_for
from accounts.models import User
from connections.models import Contact, Person
from journal.models import Entry, Tag


def add_person(owner: User, name: str = "Sam", *, topics: Iterable[str] = (), notes: str = "", **fields) -> Person:
    person = Person(owner=owner, name=name, **fields)
    if notes:
        person.seal_notes(cipher_for(owner), notes)
    person.save()
    if topics:
        person.topics.set([tag_named(owner, topic) for topic in topics])
    return person


def tag_named(owner: User, name: str) -> Tag:
    tag = Tag.objects.filter(owner=owner, name__iexact=name).first()
    return tag or Tag.objects.create(owner=owner, name=name)


def add_entry(
    owner: User,
    *,
    day: date,
    mood: int | None = None,
    tags: Iterable[str] = (),
    title: str = "A private title",
    body: str = "Private words nobody else should ever see.",
) -> Entry:
    entry = Entry(owner=owner, entry_date=day, mood=mood)
    entry.seal_text(cipher_for(owner), title=title, body=body)
    entry.save()
    if tags:
        entry.tags.set([tag_named(owner, tag) for tag in tags])
    return entry


def add_contact(owner: User, person: Person, when: datetime, outcome: str = Contact.Outcome.CONNECTION) -> Contact:
    """A logged contact, with the person's clock moved the way the service moves it."""
    from connections.services import contact_log

    return contact_log(user=owner, person=person, outcome=outcome, happened_at=when)
