"""Reads of shares, each scoped to who may see them, and the one definition of what a share lets a reader see."""

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from django.db import connection, models
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User
    from connections.sharing.models import Share


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


@cache
def _subquery_sql() -> dict[str, str]:
    """Self-contained subqueries (no reference to the outer query) that each list entry ids for one share.

    They are written as SQL rather than nested querysets because building and compiling three nested querysets
    was the largest part of a practitioner's page. Being self-contained, they stay correct wherever Django puts
    the outer query, even inside another subquery. Names come from the models, quoted for the database.
    """
    from connections.sharing.models import ReadMark, Share, SharedEntry
    from journal.models import Entry, Tag

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
        "tag_names": (
            f"SELECT et.{quote(entry_tags.get_field('entry').column)}, t.{quote(Tag._meta.get_field('name').column)}"  # noqa: S608
            f" FROM {quote(entry_tags.db_table)} et INNER JOIN {quote(Tag._meta.db_table)} t"
            f" ON t.{quote(Tag._meta.pk.column)} = et.{quote(entry_tags.get_field('tag').column)}"
            f" WHERE et.{quote(entry_tags.get_field('entry').column)} IN "
        ),
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


def with_read_mark(entries: QuerySet, share: "Share") -> QuerySet:
    """Adds `is_marked_read`: this share's practitioner marked the entry read."""
    marked = Q(pk__in=RawSQL(_subquery_sql()["marked"], [share.pk]))  # noqa: S611 (see _subquery_sql)
    return entries.annotate(is_marked_read=ExpressionWrapper(marked, output_field=BooleanField()))


def tag_names_by_entry(entry_ids: list[int]) -> dict[int, list[str]]:
    """Tag names of a page of entries, sorted, in one plain query: tags are shown, never filtered on, here."""
    names: dict[int, list[str]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return names
    placeholders = ", ".join(["%s"] * len(entry_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"{_subquery_sql()['tag_names']}({placeholders})", entry_ids)
        for entry_id, name in cursor.fetchall():
            names[entry_id].append(name)
    for tags in names.values():
        tags.sort(key=str.casefold)
    return names
