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


class ContactQuerySet(models.QuerySet):
    def for_owner(self, user: User) -> "ContactQuerySet":
        return self.filter(owner_id=user.pk)

    def since(self, moment: datetime) -> "ContactQuerySet":
        return self.filter(happened_at__gte=moment)


def entries_since(user: User, first_day: date) -> models.QuerySet:
    """The writer's entries outside the Trash dated `first_day` or later (entry dates are local days)."""
    from journal.models import Entry

    return Entry.objects.for_owner(user).on_or_after(first_day)
