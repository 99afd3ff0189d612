"""Reads of shares, each scoped to who may see them, and the one definition of what a share lets a reader see."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
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


def entries_in_scope(share: "Share", *, include_picks: bool = True) -> QuerySet:
    """The writer's live entries this share covers: hand-picked, or tagged with a shared tag, or on/after the date.

    Drafts are another model and Trash is excluded here, so neither can ever be in scope. Each rule is a
    subquery, so an entry matching several rules appears once and the query plan does not depend on scope size.
    """
    from connections.sharing.models import Share, SharedEntry
    from journal.models import Entry

    shared_tags = Share.tags.through.objects.filter(share_id=share.pk).values("tag_id")
    rules = Q(pk__in=Entry.tags.through.objects.filter(tag_id__in=shared_tags).values("entry_id"))
    if include_picks:
        rules |= Q(pk__in=SharedEntry.objects.filter(share_id=share.pk).values("entry_id"))
    if share.entries_from is not None:
        rules |= Q(entry_date__gte=share.entries_from)
    return Entry.objects.for_owner(share.writer).filter(rules)


def entry_is_in_scope(share: "Share", entry_id: int) -> bool:
    return entries_in_scope(share).filter(pk=entry_id).exists()


def with_read_mark(entries: QuerySet, share: "Share") -> QuerySet:
    from connections.sharing.models import ReadMark

    return entries.annotate(
        is_marked_read=Exists(ReadMark.objects.filter(share=share, entry_id=OuterRef("pk"))),
    )
