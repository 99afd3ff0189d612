"""The insights reads in PostgreSQL: the database sums years of rows into the few the page draws.

journal/insights_context.py can read the same figures on any database as one row per entry and tag, summed
in Python (SQLite for `make run` takes that path). On PostgreSQL it runs these two statements instead, so
years of entries and contacts reach Python as a few hundred small rows: a mood sum per local day, per tag
and per hour, a count per feeling word; per contact day, per month and in all. The definitions are the ones
in journal/insights.py; tests/test_insights_figures.py and tests/test_insights_database_sums.py hold the two
paths to each other.

Each statement starts from the caller's queryset compiled to SQL (a CTE), so what may be seen is decided in
one place, by the caller; the local day and hour in it are Django's own time-zone conversions.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connections
from django.db.models import QuerySet

# A feeling word that is its own folded form (journal.insights.feeling_counts folds with strip() and
# casefold()): lower-case ASCII letters and digits, with spaces, hyphens and apostrophes only inside. While
# every word counted is one of these, no two spellings can fold together and a count per word is enough.
FOLDED_WORD = r"^[a-z0-9]([a-z0-9 '-]*[a-z0-9])?$"


class EntrySums(NamedTuple):
    days: dict[datetime.date, tuple[int, int]]  # local day: (sum of moods, entries with a mood)
    tags: list[tuple[str, int, int]]  # tag name, sum of moods, entries with a mood
    hours: list[tuple[int, int]]  # local hour begun, entries
    words: list[tuple[str, int, list[int] | None]]  # feeling word, entries naming it, their ids (see FOLDED_WORD)


class ContactSums(NamedTuple):
    days: set[datetime.date]  # local days with at least one logged contact
    months: dict[datetime.date, tuple[int, int]]  # month start: (different people, contacts)
    people_since: int  # different people with a contact on or after the first day asked about


def entry_sums(entries: QuerySet) -> EntrySums:
    """One statement over `entries`, a values_list of (id, entry date, mood, local hour begun, feelings),
    each entry once."""
    from journal.models import Entry, Tag

    connection = connections[entries.db]
    quote = connection.ops.quote_name
    links = Entry.tags.through._meta
    link_entry, link_tag = quote(links.get_field("entry").column), quote(links.get_field("tag").column)
    scope_sql, scope_params = entries.query.sql_with_params()
    # Four small results in one round trip, told apart by their first column. NOT MATERIALIZED lets each
    # part read only the columns it needs (the feeling words alone need the JSON).
    sql = (
        f"WITH entry (id, entry_date, mood, local_hour, feelings) AS NOT MATERIALIZED ({scope_sql}) "  # noqa: S608
        "SELECT 'day', entry_date, NULL::text, SUM(mood)::integer, COUNT(*)::integer, NULL::bigint[] "
        "FROM entry WHERE mood IS NOT NULL GROUP BY entry_date "
        "UNION ALL "
        "SELECT 'tag', NULL, tag.name, SUM(entry.mood)::integer, COUNT(*)::integer, NULL "
        f"FROM entry JOIN {quote(links.db_table)} link ON link.{link_entry} = entry.id "
        f"JOIN {quote(Tag._meta.db_table)} tag ON tag.{quote(Tag._meta.pk.column)} = link.{link_tag} "
        "WHERE entry.mood IS NOT NULL GROUP BY tag.name "
        "UNION ALL "
        "SELECT 'hour', NULL, NULL, local_hour, COUNT(*)::integer, NULL FROM entry GROUP BY local_hour "
        "UNION ALL "
        # Each entry names a word once however often it is listed; anything but a list of strings names none.
        "SELECT 'word', NULL, word, NULL, COUNT(*)::integer, "
        "CASE WHEN bool_and(word ~ %s) OVER () THEN NULL ELSE array_agg(id) END "
        "FROM (SELECT DISTINCT entry.id, element.value #>> '{}' AS word FROM entry CROSS JOIN LATERAL "
        "jsonb_array_elements(CASE jsonb_typeof(entry.feelings) WHEN 'array' THEN entry.feelings ELSE '[]' END) "
        "AS element WHERE jsonb_typeof(element.value) = 'string') AS named GROUP BY word"
    )
    sums = EntrySums(days={}, tags=[], hours=[], words=[])
    with connection.cursor() as cursor:
        cursor.execute(sql, (*scope_params, FOLDED_WORD))
        for kind, day, name, total, count, entry_ids in cursor.fetchall():
            if kind == "day":
                sums.days[day] = (total, count)
            elif kind == "tag":
                sums.tags.append((name, total, count))
            elif kind == "hour":
                sums.hours.append((total, count))
            else:
                sums.words.append((name, count, entry_ids))
    return sums


def contact_sums(contacts: QuerySet, months: tuple[datetime.date, datetime.date]) -> ContactSums:
    """One statement over `contacts`, a values_list of (local day, person id): the days with a contact, and
    per month from months[0] up to (not including) months[1], with the people reached since months[0]."""
    connection = connections[contacts.db]
    scope_sql, scope_params = contacts.query.sql_with_params()
    first, end = months
    sql = (
        f"WITH contact (local_day, person_id) AS ({scope_sql}) "  # noqa: S608
        "SELECT 'day', local_day, NULL::integer, NULL::integer FROM contact GROUP BY local_day "
        "UNION ALL "
        "SELECT 'month', date_trunc('month', local_day::timestamp)::date, COUNT(DISTINCT person_id)::integer, "
        "COUNT(*)::integer FROM contact WHERE local_day >= %s AND local_day < %s GROUP BY 2 "
        "UNION ALL "
        "SELECT 'since', NULL, COUNT(DISTINCT person_id)::integer, NULL FROM contact WHERE local_day >= %s"
    )
    sums = ContactSums(days=set(), months={}, people_since=0)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*scope_params, first, end, first))
        rows: Sequence[tuple] = cursor.fetchall()
    people_since = 0
    for kind, day, people, count in rows:
        if kind == "day":
            sums.days.add(day)
        elif kind == "month":
            sums.months[day] = (people, count)
        else:
            people_since = people
    return sums._replace(people_since=people_since)
