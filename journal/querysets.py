"""Owner-scoped reads of journal rows. Every view starts from one of these, so a stranger finds nothing."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User

# Tag names never contain control characters (journal.tags.parse_tag_names removes them), so one can
# separate them safely.
TAG_NAME_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Cursor:
    """A position in the newest-first list: (entry_date, id) of a row, rendered as '2026-11-27.42'."""

    entry_date: datetime.date
    entry_id: int

    def __str__(self) -> str:
        return f"{self.entry_date.isoformat()}.{self.entry_id}"

    @classmethod
    def parse(cls, value: str | None) -> "Cursor | None":
        """None for anything malformed: a hand-edited link lands on the first page, never on an error."""
        if not value:
            return None
        day, _, entry_id = value.partition(".")
        try:
            return cls(datetime.date.fromisoformat(day), int(entry_id))
        except ValueError:
            return None


class EntryQuerySet(models.QuerySet):
    def owned_by(self, user: "User") -> Self:
        return self.filter(owner=user)

    def live(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def in_trash(self) -> Self:
        return self.filter(deleted_at__isnull=False)

    def for_owner(self, user: "User") -> Self:
        """The writer's entries that are not in Trash: what every other part of Held reads."""
        return self.owned_by(user).live()

    def newest_first(self) -> Self:
        return self.order_by("-entry_date", "-id")

    def older_than(self, cursor: Cursor) -> Self:
        # Keyset pagination: as fast on page 400 as on page 1. The plain range on entry_date lets PostgreSQL
        # start index entry_live_by_date_idx at the cursor and stop after one page; the OR alone would not.
        return self.filter(entry_date__lte=cursor.entry_date).filter(
            models.Q(entry_date__lt=cursor.entry_date) | models.Q(id__lt=cursor.entry_id)
        )

    def newer_than(self, cursor: Cursor) -> Self:
        return self.filter(entry_date__gte=cursor.entry_date).filter(
            models.Q(entry_date__gt=cursor.entry_date) | models.Q(id__gt=cursor.entry_id)
        )

    def matching_all_tokens(self, tokens: list[str]) -> Self:
        """Entries whose blind index holds every token (AND), so search works on sealed text."""
        from journal.models import EntrySearchToken

        queryset = self
        for token in tokens:
            queryset = queryset.filter(
                # owner first: the leading column of search_token_covering_idx (owner, token, entry).
                models.Exists(
                    EntrySearchToken.objects.filter(
                        owner=models.OuterRef("owner"), token=token, entry=models.OuterRef("pk")
                    )
                )
            )
        return queryset

    def with_tag_names(self) -> Self:
        """Each entry's tag names in one column (`tag_names_joined`, TAG_NAME_SEPARATOR between): one
        correlated subquery instead of a prefetch query and its per-row managers. Unordered (an ORDER BY
        inside the aggregate costs a sort per row); journal.display sorts them."""
        from journal.models import Tag

        names = (
            Tag.objects.filter(entries=models.OuterRef("pk"))
            .order_by()
            .values("entries")
            .annotate(joined=models.StringAgg("name", delimiter=models.Value(TAG_NAME_SEPARATOR)))
            .values("joined")
        )
        return self.annotate(tag_names_joined=models.Subquery(names))

    def for_list_rows(self) -> Self:
        """Only what a list row shows (journal.display.entry_row)."""
        return self.only("id", "owner_id", "entry_date", "mood", "title_sealed", "body_sealed", "deleted_at")

    def with_tag_named(self, name: str) -> Self:
        return self.filter(tags__name__iexact=name)

    def on_or_after(self, day: datetime.date) -> Self:
        return self.filter(entry_date__gte=day)

    def on_or_before(self, day: datetime.date) -> Self:
        return self.filter(entry_date__lte=day)


class OwnedQuerySet(models.QuerySet):
    """Drafts, tags and writer prompts: rows that belong to one writer."""

    def for_owner(self, user: "User") -> Self:
        return self.filter(owner=user)
