"""Owner-scoped reads for the circle. Every query a view makes about people starts here."""

from datetime import date, datetime

from django.db import models

from accounts.models import User


class PersonQuerySet(models.QuerySet):
    def for_owner(self, user: User) -> "PersonQuerySet":
        """The writer's own people; anyone else's person simply is not in this set (a 404 upstream)."""
        return self.filter(owner_id=user.pk)

    def not_paused(self) -> "PersonQuerySet":
        return self.filter(is_paused=False)

    def paused(self) -> "PersonQuerySet":
        return self.filter(is_paused=True)

    def professionals(self) -> "PersonQuerySet":
        from connections.models import PROFESSIONAL_KINDS

        return self.filter(kind__in=PROFESSIONAL_KINDS)

    def with_topics(self) -> "PersonQuerySet":
        return self.prefetch_related("topics")


class ContactQuerySet(models.QuerySet):
    def for_owner(self, user: User) -> "ContactQuerySet":
        return self.filter(owner_id=user.pk)

    def since(self, moment: datetime) -> "ContactQuerySet":
        return self.filter(happened_at__gte=moment)


def live_entries(user: User) -> models.QuerySet:
    """The writer's entries that are not in the Trash (the journal's own owner-scoped set)."""
    from journal.models import Entry

    manager = Entry.objects
    if hasattr(manager, "for_owner"):
        return manager.for_owner(user)
    return manager.filter(owner_id=user.pk, deleted_at__isnull=True)


def entries_since(user: User, first_day: date) -> models.QuerySet:
    """Live entries dated `first_day` or later (entry dates are already the writer's local days)."""
    return live_entries(user).filter(entry_date__gte=first_day)
