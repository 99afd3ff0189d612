"""Data helpers for the sharing tests: entries sealed with their writer's key, professionals, shares.

Plain functions rather than conftest fixtures, so each test file says where its data comes from.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.keyring import cipher_for
from accounts.models import User
from connections.models import Kind, Person
from connections.sharing import services
from connections.sharing.models import Share
from journal.models import Draft, Entry, Tag


def make_entry(
    owner: User,
    *,
    title: str = "",
    body: str = "",
    entry_date: datetime.date | None = None,
    mood: int | None = None,
    tags: list[str] | tuple[str, ...] = (),
    feelings: list[str] | tuple[str, ...] = (),
    in_trash: bool = False,
) -> Entry:
    entry = Entry(
        owner=owner,
        entry_date=entry_date or owner.local_today(),
        mood=mood,
        feelings=list(feelings),
        deleted_at=timezone.now() if in_trash else None,
    )
    entry.seal_text(cipher_for(owner), title=title, body=body)
    entry.save()
    if tags:
        entry.tags.set([tag_named(owner, name) for name in tags])
    return entry


def tag_named(owner: User, name: str) -> Tag:
    tag = Tag.objects.filter(owner=owner, name__iexact=name).first()
    return tag or Tag.objects.create(owner=owner, name=name)


def make_draft(owner: User, *, title: str, body: str) -> Draft:
    draft = Draft(owner=owner)
    draft.seal_text(cipher_for(owner), title=title, body=body)
    draft.save()
    return draft


def make_professional(owner: User, *, name: str = "Dr. K", email: str = "dr.k@example.org") -> Person:
    return Person.objects.create(owner=owner, name=name, kind=Kind.THERAPIST, email=email)


def start_share(
    writer: User,
    *,
    person: Person | None = None,
    email: str = "dr.k@example.org",
    days: int = 90,
    tags: list[str] | tuple[str, ...] = (),
    entries_from: datetime.date | None = None,
    include_moods: bool = False,
    notify_on_read: bool = False,
) -> Share:
    person = person or make_professional(writer, email=email)
    return services.share_start(
        writer=writer,
        person=person,
        email=email,
        ends_on=writer.local_today() + datetime.timedelta(days=days),
        tags=[tag_named(writer, name) for name in tags],
        entries_from=entries_from,
        include_moods=include_moods,
        notify_on_read=notify_on_read,
    )


def active_share(writer: User, practitioner: User, **scope: object) -> Share:
    """A share the practitioner has accepted, with the given scope."""
    share = start_share(writer, email=practitioner.email, **scope)
    services.share_accept(share=share, user=practitioner)
    return share


def pick(share: Share, *entries: Entry) -> None:
    for entry in entries:
        services.share_pick_entry(share=share, entry=entry, picked=True)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mailing_worker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, smtp_sink):
    """A real Celery worker whose mailer is the real SMTP sink (the worker reads SMTP_* from its environment)."""
    monkeypatch.setenv("SMTP_HOST", smtp_sink.host)
    monkeypatch.setenv("SMTP_PORT", str(smtp_sink.port))
    monkeypatch.setenv("SMTP_USE_TLS", "false")
    request.getfixturevalue("celery_worker_process")
    return smtp_sink
