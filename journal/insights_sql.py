"""The insights reads in PostgreSQL: the database sums years of rows into the few the page draws.

journal/insights_context.py can read the same figures on any database as one row per entry and tag, or per
contact, summed in Python (SQLite for `make run` takes that path). On PostgreSQL it runs these two statements
instead, each answering in one row of arrays: for the entries, a mood sum per local day, per tag and per hour
and a count per feeling word; for the contacts, their local days and the day and person of the last twelve
months' ones. The definitions are the ones in journal/insights.py; tests/test_insights_figures.py and
tests/test_insights_database_sums.py hold the two paths to each other.

Each statement starts from the caller's queryset compiled to SQL (a CTE), so what may be seen is decided in
one place, by the caller. Local days and hours are PostgreSQL's conversion with the writer's zone name,
`AT TIME ZONE`, as Django's own `tzinfo=` functions write it (insights_context uses those on the other path).
"""

from __future__ import annotations

import datetime
import json
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import QuerySet

# A feeling word that is its own folded form (journal.insights.feeling_counts folds with strip() and
# casefold()): lower-case ASCII letters and digits, with spaces, hyphens and apostrophes only inside. While
# every word counted is one of these, no two spellings can fold together and a count per word is enough.
FOLDED_WORD = r"^[a-z0-9]([a-z0-9 '-]*[a-z0-9])?$"


class EntrySums(NamedTuple):
    days: list[datetime.date]  # local days with a mood
    day_totals: list[int]  # the sum of each of those days' moods
    day_counts: list[int]  # and how many entries with a mood it has
    tags: list[tuple[str, int, int]]  # tag name, sum of moods, entries with a mood (a name may come twice)
    hours: list[tuple[int, int]]  # local hour begun, entries
    words: list[tuple[str, int, list[int] | None]]  # feeling word, entries naming it, their ids (see FOLDED_WORD)


class ContactSums(NamedTuple):
    days: set[datetime.date]  # local days with at least one logged contact
    recent: list[tuple[datetime.date, int]]  # (local day, person id) of each contact since the day asked about


def entry_sums(entries: QuerySet, zone: ZoneInfo) -> EntrySums:
    """One statement over `entries`, a values_list of (id, entry date, mood, created at, feelings), each entry
    once; hours are local to `zone`."""
    from journal.models import Entry, Tag

    connection = connections[entries.db]
    quote = connection.ops.quote_name
    links = Entry.tags.through._meta
    link_entry, link_tag = quote(links.get_field("entry").column), quote(links.get_field("tag").column)
    scope_sql, scope_params = entries.query.sql_with_params()
    # One row: each figure comes as arrays (thousands of days cost far less to send that way than as rows).
    # NOT MATERIALIZED lets each part read only the columns it needs (the feeling words alone need the JSON).
    sql = (
        f"WITH entry (id, entry_date, mood, created_at, feelings) AS NOT MATERIALIZED ({scope_sql}) "  # noqa: S608
        "SELECT day.dates, day.totals, day.counts, tag.names, tag.totals, tag.counts, hour.hours, hour.counts, "
        "word.words FROM "
        "(SELECT array_agg(entry_date) AS dates, array_agg(total) AS totals, array_agg(count) AS counts "
        "FROM (SELECT entry_date, SUM(mood)::integer AS total, COUNT(*)::integer AS count "
        # Oldest first: Python sorts the days again, which costs next to nothing once they are in order.
        "FROM entry WHERE mood IS NOT NULL GROUP BY entry_date ORDER BY entry_date) AS per_day) AS day, "
        # Summed per tag, then named; should two tags share a name, the caller adds them up (as the row path does).
        "(SELECT array_agg(tag.name) AS names, array_agg(total) AS totals, array_agg(count) AS counts "
        f"FROM (SELECT link.{link_tag} AS tag_id, SUM(entry.mood)::integer AS total, COUNT(*)::integer AS count "
        f"FROM entry JOIN {quote(links.db_table)} link ON link.{link_entry} = entry.id "
        f"WHERE entry.mood IS NOT NULL GROUP BY link.{link_tag}) AS per_tag "
        f"JOIN {quote(Tag._meta.db_table)} tag ON tag.{quote(Tag._meta.pk.column)} = per_tag.tag_id) AS tag, "
        "(SELECT array_agg(local_hour) AS hours, array_agg(count) AS counts FROM (SELECT local_hour, "
        "COUNT(*)::integer AS count FROM (SELECT date_part('hour', created_at AT TIME ZONE %s)::integer AS local_hour "
        "FROM entry) AS begun GROUP BY local_hour) AS per_hour) AS hour, "
        # Feeling words: each distinct list of words is read once, however many entries chose it (writers come
        # back to the same few), and an entry names a word once however often its list repeats it. Anything
        # but a list of strings names none. The ids of the entries naming a word are looked up only when some
        # word is not in its folded form (see FOLDED_WORD); `@>` matches a string in a list exactly.
        "(SELECT jsonb_agg(jsonb_build_array(word, entries, entry_ids)) AS words "
        "FROM (SELECT word, SUM(entries)::integer AS entries, CASE WHEN bool_and(word ~ %s) OVER () THEN NULL "
        "ELSE (SELECT array_agg(entry.id) FROM entry WHERE entry.feelings @> jsonb_build_array(word)) END "
        "AS entry_ids FROM (SELECT DISTINCT list.number, list.entries, element.value #>> '{}' AS word "
        "FROM (SELECT row_number() OVER () AS number, feelings, COUNT(*) AS entries FROM entry GROUP BY feelings) "
        "AS list CROSS JOIN LATERAL jsonb_array_elements("
        "CASE jsonb_typeof(list.feelings) WHEN 'array' THEN list.feelings ELSE '[]' END) AS element "
        "WHERE jsonb_typeof(element.value) = 'string') AS named GROUP BY word) AS per_word) AS word"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*scope_params, zone.key, FOLDED_WORD))
        days, day_totals, day_counts, tag_names, tag_totals, tag_counts, hours, hour_counts, words = cursor.fetchone()
    # array_agg gives NULL, not an empty array, when there is nothing to gather.
    return EntrySums(
        days=days or [],
        day_totals=day_totals or [],
        day_counts=day_counts or [],
        tags=list(zip(tag_names or (), tag_totals or (), tag_counts or (), strict=True)),
        hours=list(zip(hours or (), hour_counts or (), strict=True)),
        # Django reads JSON columns as text and decodes them itself; so does this.
        words=[(word, entries, entry_ids) for word, entries, entry_ids in json.loads(words or "[]")],
    )


def contact_sums(contacts: QuerySet, zone: ZoneInfo, since: datetime.date) -> ContactSums:
    """One statement over `contacts`, a values_list of (happened at, person id): the local days (in `zone`)
    with a contact, and the day and person of each contact on or after the local day `since`.

    Not summed further: the days come as one array (Python's set() removes repeats faster than a GROUP BY),
    and the few recent contacts are counted per month by the same Python as on the row-by-row path."""
    connection = connections[contacts.db]
    scope_sql, scope_params = contacts.query.sql_with_params()
    sql = (
        "SELECT array_agg(local_day), array_agg(local_day) FILTER (WHERE local_day >= %s), "  # noqa: S608
        "array_agg(person_id) FILTER (WHERE local_day >= %s) "
        f"FROM (SELECT (happened_at AT TIME ZONE %s)::date AS local_day, person_id FROM ({scope_sql}) AS logged "
        # OFFSET 0 keeps PostgreSQL from folding this into the aggregates above, where each mention of local_day
        # would convert the time again: once per contact instead of three times.
        "(happened_at, person_id) OFFSET 0) AS contact"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (since, since, zone.key, *scope_params))
        days, recent_days, recent_people = cursor.fetchone()
    return ContactSums(days=set(days or ()), recent=list(zip(recent_days or (), recent_people or (), strict=True)))
