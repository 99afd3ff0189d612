"""Reach out stays a fixed number of queries however large the circle, the log and the journal grow."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connections.circle_cache import forget_all
from connections.home import connections_home_context
from connections.models import Contact, Person
from journal.models import Entry, Tag

pytestmark = pytest.mark.django_db

PAGES = ["/reach-out/", "/reach-out/?all=1", "/people/"]


def grow(writer, *, people: int, contacts: int, entries: int, seed: int = 7) -> None:
    """Bulk rows shaped like a long-time writer's: rhythms, topics, a long contact log, years of entries."""
    rng = random.Random(seed)
    now = timezone.now()
    today = writer.local_today()
    tags = [Tag.objects.get_or_create(owner=writer, name=name)[0] for name in ("work", "family", "grief", "running")]
    start = Person.objects.filter(owner=writer).count()
    circle = Person.objects.bulk_create(
        Person(
            owner=writer,
            name=f"Person {start + index:03d}",
            kind="therapist" if index % 25 == 0 else "trusted",
            ideal_every_days=rng.choice([None, 7, 14, 30]),
            time_zone=rng.choice(["", "Europe/Athens", "America/New_York"]),
            phone="+44 7700 900123" if index % 2 else "",
            last_contact_at=now - timedelta(days=rng.randint(0, 90)),
        )
        for index in range(people)
    )
    Person.topics.through.objects.bulk_create(
        Person.topics.through(person_id=person.pk, tag_id=rng.choice(tags).pk) for person in circle
    )
    everyone = list(Person.objects.filter(owner=writer))
    Contact.objects.bulk_create(
        Contact(
            owner=writer,
            person=rng.choice(everyone),
            outcome="attempt",
            channel="call",
            happened_at=now - timedelta(days=rng.randint(0, 900)),
        )
        for _ in range(contacts)
    )
    written = Entry.objects.bulk_create(
        Entry(owner=writer, entry_date=today - timedelta(days=index // 3), mood=rng.randint(1, 5))
        for index in range(entries)
    )
    Entry.tags.through.objects.bulk_create(
        Entry.tags.through(entry_id=entry.pk, tag_id=rng.choice(tags).pk) for entry in written
    )


def queries_for_home_panel(writer) -> int:
    """The home page holds other parts' panels too; this counts only what Reach out adds to it."""
    forget_all()
    with CaptureQueriesContext(connection) as captured:
        render_to_string("connections/_home_panel.html", connections_home_context(writer))
    return len(captured)


def queries_for(client, url: str) -> int:
    """Queries of one request that reads the circle afresh (the per-process cache emptied first)."""
    forget_all()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_reach_out_query_count_does_not_grow_with_200_people_10000_contacts_and_5000_entries(writer_client, writer):
    grow(writer, people=3, contacts=10, entries=20)
    writer_client.get("/reach-out/")  # the first request of a session records it (allauth user sessions)
    small = {url: queries_for(writer_client, url) for url in PAGES}
    small["home panel"] = queries_for_home_panel(writer)
    grow(writer, people=197, contacts=9990, entries=4980, seed=8)
    assert Person.objects.filter(owner=writer).count() == 200
    assert Contact.objects.filter(owner=writer).count() == 10_000
    assert Entry.objects.filter(owner=writer).count() == 5_000
    large = {url: queries_for(writer_client, url) for url in PAGES}
    large["home panel"] = queries_for_home_panel(writer)
    assert large["/reach-out/"] == small["/reach-out/"]
    assert large["/reach-out/?all=1"] == small["/reach-out/?all=1"]
    assert large["/people/"] == small["/people/"]
    assert large["home panel"] == small["home panel"]
    assert large["/reach-out/"] <= 15
