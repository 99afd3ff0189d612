"""The shared view costs the same queries for 10 entries in scope as for 1,000 of a writer's 5,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.keyring import cipher_for
from connections.sharing.models import SharedEntry
from journal.models import Entry
from tests.factories import UserFactory
from tests.sharing_fixtures import active_share, client_for, tag_named

pytestmark = pytest.mark.django_db


def fill_journal(writer, *, total: int, tagged: int, picked: int, recent: int):
    """`total` entries over the years; `tagged` carry "therapy", `picked` are older ones, `recent` are recent."""
    cipher = cipher_for(writer)
    today = writer.local_today()
    entries = []
    for number in range(total):
        entry = Entry(owner=writer, entry_date=today - datetime.timedelta(days=number), mood=1 + number % 5)
        entry.seal_text(cipher, title=f"Entry {number}", body=f"Body of entry {number}, *with* some Markdown.")
        entries.append(entry)
    Entry.objects.bulk_create(entries, batch_size=1000)
    therapy = tag_named(writer, "therapy")
    sleep = tag_named(writer, "sleep")
    older = entries[recent:]  # the newest `recent` entries come in by date
    through = Entry.tags.through
    through.objects.bulk_create(
        [through(entry_id=entry.pk, tag_id=therapy.pk) for entry in older[:tagged]]
        + [through(entry_id=entry.pk, tag_id=sleep.pk) for entry in entries[: total // 2]]
    )
    share = active_share(
        writer,
        UserFactory(),
        tags=["therapy"],
        entries_from=today - datetime.timedelta(days=recent - 1),
        include_moods=True,
    )
    SharedEntry.objects.bulk_create(
        [SharedEntry(share=share, entry_id=entry.pk) for entry in older[tagged : tagged + picked]]
    )
    return share, entries[0]


def queries_for(client, url: str) -> tuple[int, int]:
    """(every statement, statements that read or write shares or the journal) for one request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    ours = [query for query in captured if "sharing_" in query["sql"] or "journal_" in query["sql"]]
    return len(captured), len(ours)


def page_costs(share, entry) -> dict[str, int]:
    client = client_for(share.practitioner)
    first = client.get(f"/practice/{share.pk}/")
    return {
        "feed": queries_for(client, f"/practice/{share.pk}/"),
        "older": queries_for(client, f"/practice/{share.pk}/?after={first.context['page'].next_cursor}")
        if first.context["page"].next_cursor
        else None,
        "entry": queries_for(client, f"/practice/{share.pk}/entries/{entry.pk}/"),
        "moods": queries_for(client, f"/practice/{share.pk}/moods/"),
    }


def test_query_count_is_constant_from_10_to_1000_entries_in_scope():
    big_share, big_entry = fill_journal(UserFactory(), total=5000, tagged=400, picked=300, recent=300)
    small_share, small_entry = fill_journal(UserFactory(), total=60, tagged=4, picked=3, recent=30)

    from connections.sharing.querysets import entries_in_scope

    assert entries_in_scope(big_share).count() == 1000
    big = page_costs(big_share, big_entry)
    small = page_costs(small_share, small_entry)

    assert big == small
    # The share (with the writer's key), the access-log row, the page of entries with read marks and tags.
    assert big["feed"][1] == 3
    # The share, the entry with its read mark and tags, the access-log row.
    assert big["entry"][1] == 3
