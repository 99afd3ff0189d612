"""Reads of shares, each scoped to who may see them, and the one definition of what a share lets a reader see."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

from django.db import connection, models
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.crypto import WriterCipher

if TYPE_CHECKING:
    from accounts.models import User
    from connections.sharing.models import Share
    from journal.querysets import Cursor


class ShareQuerySet(models.QuerySet):
    def for_writer(self, user: "User") -> "ShareQuerySet":
        return self.filter(writer=user)

    def for_practitioner(self, user: "User") -> "ShareQuerySet":
        """Every share this account accepted, ended ones included (they answer "This share has ended")."""
        return self.filter(practitioner=user, accepted_at__isnull=False)

    def not_ended(self, now: datetime | None = None) -> "ShareQuerySet":
        return self.filter(revoked_at__isnull=True, ends_at__gt=now or timezone.now())

    def active(self, now: datetime | None = None) -> "ShareQuerySet":
        return self.not_ended(now).filter(accepted_at__isnull=False, practitioner__isnull=False)


def accepted_share_with_writer(share_id: int, practitioner: "User") -> "Share | None":
    """The share with this id if this account accepted it (ended or not), with its writer and the writer's
    wrapped data key, so opening their entries needs no query of its own. None for anyone else.

    On PostgreSQL this is one SQL statement built once: compiling the two joins on every request cost more than
    running them. Elsewhere (SQLite for `make run`, which needs Django's value conversions) it is the queryset.
    """
    from accounts.models import DataKey, User
    from connections.sharing.models import Share

    if connection.vendor != "postgresql":
        shares = Share.objects.for_practitioner(practitioner).select_related("writer", "writer__data_key")
        return shares.filter(pk=share_id).first()
    sql, (share_fields, writer_fields, key_fields) = _share_with_writer_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [share_id, practitioner.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    writer_starts = len(share_fields)
    key_starts = writer_starts + len(writer_fields)
    share = Share.from_db(connection.alias, share_fields, row[:writer_starts])
    share.writer = User.from_db(connection.alias, writer_fields, row[writer_starts:key_starts])
    # The data key's primary key is its user: NULL from the outer join when the writer has no key yet.
    if row[key_starts] is not None:
        share.writer.data_key = DataKey.from_db(connection.alias, key_fields, row[key_starts:])
    return share


@cache
def _share_with_writer_sql() -> tuple[str, tuple[list[str], list[str], list[str]]]:
    """for_practitioner(...).select_related("writer", "writer__data_key") as SQL: the text, and the field names
    of the share's, the writer's and the data key's columns, in the order selected."""
    from accounts.models import DataKey, User
    from connections.sharing.models import Share

    quote = connection.ops.quote_name

    def column(model: type[models.Model], name: str) -> str:
        return quote(model._meta.get_field(name).column)

    aliased = ((Share, "s"), (User, "w"), (DataKey, "k"))
    columns = ", ".join(
        f"{alias}.{quote(field.column)}" for model, alias in aliased for field in model._meta.concrete_fields
    )
    user_id = quote(User._meta.pk.column)
    # Only quoted names from model metadata go into the text; the ids are bound parameters.
    sql = (
        f"SELECT {columns} FROM {quote(Share._meta.db_table)} s"  # noqa: S608
        f" INNER JOIN {quote(User._meta.db_table)} w ON w.{user_id} = s.{column(Share, 'writer')}"
        f" LEFT JOIN {quote(DataKey._meta.db_table)} k ON k.{column(DataKey, 'user')} = w.{user_id}"
        f" WHERE s.{quote(Share._meta.pk.column)} = %s AND s.{column(Share, 'practitioner')} = %s"
        f" AND s.{column(Share, 'accepted_at')} IS NOT NULL"
    )
    share_fields, writer_fields, key_fields = (
        [field.attname for field in model._meta.concrete_fields] for model, _ in aliased
    )
    return sql, (share_fields, writer_fields, key_fields)


@cache
def _subquery_sql() -> dict[str, str]:
    """Self-contained subqueries (no reference to the outer query) that each list entry ids for one share.

    They are written as SQL rather than nested querysets because building and compiling three nested querysets
    was the largest part of a practitioner's page. Being self-contained, they stay correct wherever Django puts
    the outer query, even inside another subquery. Names come from the models, quoted for the database.
    """
    from connections.sharing.models import ReadMark, Share, SharedEntry
    from journal.models import Entry

    quote = connection.ops.quote_name
    entry_tags = Entry.tags.through._meta
    share_tags = Share.tags.through._meta
    # Only quoted names from model metadata go into the text; the share id is always a bound parameter.
    return {
        "tagged": (
            f"SELECT et.{quote(entry_tags.get_field('entry').column)} FROM {quote(entry_tags.db_table)} et"  # noqa: S608
            f" INNER JOIN {quote(share_tags.db_table)} st"
            f" ON st.{quote(share_tags.get_field('tag').column)} = et.{quote(entry_tags.get_field('tag').column)}"
            f" WHERE st.{quote(share_tags.get_field('share').column)} = %s"
        ),
        "picked": (
            f"SELECT {quote(SharedEntry._meta.get_field('entry').column)}"  # noqa: S608
            f" FROM {quote(SharedEntry._meta.db_table)}"
            f" WHERE {quote(SharedEntry._meta.get_field('share').column)} = %s"
        ),
        # Not a rule: the entries this share's practitioner marked read.
        "marked": (
            f"SELECT {quote(ReadMark._meta.get_field('entry').column)}"  # noqa: S608
            f" FROM {quote(ReadMark._meta.db_table)}"
            f" WHERE {quote(ReadMark._meta.get_field('share').column)} = %s"
        ),
    }


def entries_in_scope(share: "Share", *, include_picks: bool = True) -> QuerySet:
    """The writer's live entries this share covers: hand-picked, or tagged with a shared tag, or on/after the date.

    This is the one definition of what a share lets anyone read. Drafts are another model and Trash is excluded
    by for_owner, so neither can ever be in scope. Each rule is a subquery, so an entry matching several rules
    appears once and the plan does not depend on how many entries are in scope.
    """
    from journal.models import Entry

    sql = _subquery_sql()
    rules = Q(pk__in=RawSQL(sql["tagged"], [share.pk]))  # noqa: S611 (see _subquery_sql)
    if include_picks:
        rules |= Q(pk__in=RawSQL(sql["picked"], [share.pk]))  # noqa: S611
    if share.entries_from is not None:
        rules |= Q(entry_date__gte=share.entries_from)
    return Entry.objects.for_owner(share.writer).filter(rules)


def entry_is_in_scope(share: "Share", entry_id: int) -> bool:
    return entries_in_scope(share).filter(pk=entry_id).exists()


# --- the practitioner's pages: one query each ------------------------------------------------------------


@dataclass(frozen=True)
class ScopedEntryRow:
    """An in-scope entry as a practitioner's page reads it: clear fields, sealed text, read mark, tag names."""

    id: int
    entry_date: date
    mood: int | None
    feelings: list[str]
    title_sealed: bytes
    body_sealed: bytes
    is_marked_read: bool
    tag_names: list[str]

    # The same fields as Entry.title and Entry.body: a sealed value opens only as what it was sealed as.
    def title(self, cipher: WriterCipher) -> str:
        return cipher.open(self.title_sealed, field="entry.title")

    def body(self, cipher: WriterCipher) -> str:
        return cipher.open(self.body_sealed, field="entry.body")


@cache
def _page_sql() -> dict[str, str]:
    """The pieces of scoped_entry_rows' text, built once from the models' names, quoted for the database.

    The rules are entries_in_scope's own self-contained subqueries, so the two cannot drift apart.
    """
    from journal.models import Entry, Tag

    quote = connection.ops.quote_name

    def column(model: type[models.Model], name: str) -> str:
        return quote(model._meta.get_field(name).column)

    rules = _subquery_sql()
    entry_tags = Entry.tags.through
    e_id, e_date = f"e.{column(Entry, 'id')}", f"e.{column(Entry, 'entry_date')}"
    fields = ("id", "entry_date", "mood", "feelings", "title_sealed", "body_sealed")
    shown = ", ".join(f"e.{column(Entry, name)}" for name in fields)
    # Only quoted names from model metadata go into the text; every value is a bound parameter.
    return {
        "select": (
            f"SELECT {shown}, {e_id} IN ({rules['marked']}) AS is_marked_read"  # noqa: S608
            f" FROM {quote(Entry._meta.db_table)} e"
            f" WHERE e.{column(Entry, 'owner')} = %s AND e.{column(Entry, 'deleted_at')} IS NULL"
        ),
        "by_date": f"{e_date} >= %s",
        "tagged": f"{e_id} IN ({rules['tagged']})",
        "picked": f"{e_id} IN ({rules['picked']})",
        "one_entry": f"{e_id} = %s",
        # Keyset pagination as EntryQuerySet.older_than: the plain range lets the date index start at the cursor.
        "older_than": f"{e_date} <= %s AND ({e_date} < %s OR {e_id} < %s)",
        "order": f" ORDER BY {e_date} DESC, {e_id} DESC LIMIT %s",
        # Around the page: each of its rows once per tag (once with no tag), still newest first.
        "tags_before": f"SELECT page.*, t.{column(Tag, 'name')} FROM (",  # noqa: S608
        "tags_after": (
            f") page LEFT JOIN {quote(entry_tags._meta.db_table)} et"
            f" ON et.{column(entry_tags, 'entry')} = page.{column(Entry, 'id')}"
            f" LEFT JOIN {quote(Tag._meta.db_table)} t"
            f" ON t.{quote(Tag._meta.pk.column)} = et.{column(entry_tags, 'tag')}"
            f" ORDER BY page.{column(Entry, 'entry_date')} DESC, page.{column(Entry, 'id')} DESC"
        ),
    }


def scoped_entry_rows(
    share: "Share", *, limit: int, older_than: "Cursor | None" = None, entry_id: int | None = None
) -> list[ScopedEntryRow]:
    """Up to `limit` in-scope entries, newest first, with this share's read marks and their tag names: one query.

    The same rules as entries_in_scope (tests/test_sharing_scope.py holds the two to the same answers), as SQL
    because building and compiling the queryset, and a second query for the tags, were most of the cost of a
    practitioner's page. The date rule comes first: recent entries pass without a look at the other two.
    """
    sql = _page_sql()
    rules = [sql["tagged"], sql["picked"]]
    rule_params: list[object] = [share.pk, share.pk]
    if share.entries_from is not None:
        rules.insert(0, sql["by_date"])
        rule_params.insert(0, share.entries_from)
    conditions = ["(" + " OR ".join(rules) + ")"]
    params: list[object] = [share.pk, share.writer_id, *rule_params]
    if older_than is not None:
        conditions.append(sql["older_than"])
        params += [older_than.entry_date, older_than.entry_date, older_than.entry_id]
    if entry_id is not None:
        conditions.append(sql["one_entry"])
        params.append(entry_id)
    page = sql["select"] + "".join(f" AND {condition}" for condition in conditions) + sql["order"]
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql["tags_before"] + page + sql["tags_after"], params)
        return _rows_with_tags(cursor.fetchall())


def _rows_with_tags(fetched: list[tuple]) -> list[ScopedEntryRow]:
    """One ScopedEntryRow per entry, in order, from rows repeated once per tag. Values are normalised here because
    SQLite (make run) hands back dates, flags and JSON as text or integers where PostgreSQL gives Python types."""
    entries: dict[int, tuple] = {}
    tag_names: dict[int, list[str]] = {}
    for *values, tag_name in fetched:
        entry_id = values[0]
        if entry_id not in entries:
            entries[entry_id] = tuple(values)
            tag_names[entry_id] = []
        if tag_name is not None:
            tag_names[entry_id].append(tag_name)
    return [
        ScopedEntryRow(
            id=entry_id,
            entry_date=entry_date if isinstance(entry_date, date) else date.fromisoformat(entry_date),
            mood=mood,
            feelings=json.loads(feelings) if isinstance(feelings, str) else list(feelings or []),
            title_sealed=bytes(title_sealed),
            body_sealed=bytes(body_sealed),
            is_marked_read=bool(is_marked_read),
            tag_names=sorted(tag_names[entry_id], key=str.casefold),
        )
        for entry_id, entry_date, mood, feelings, title_sealed, body_sealed, is_marked_read in entries.values()
    ]
