"""Stable ids for exported records, so importing the same file twice creates nothing twice.

A row written in Held gets an id derived from the row itself (its kind, primary key and creation time:
unique across Held installations in practice, and the same in every export). A row that came in through
an import keeps the id it had in the file, remembered in accounts.PortableId.
"""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import PortableId, User

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def derived_id(kind: str, pk: int, created_at: datetime.datetime) -> str:
    """'entry-42-1773480600123456': kind, primary key, and the creation time in microseconds since 1970.

    Two rows of two Held installations would need the same id and the same microsecond to clash. Plain
    integer arithmetic on purpose: this runs once per exported entry.
    """
    return f"{kind}-{pk}-{(created_at - _EPOCH) // _MICROSECOND}"


def with_portable_ids(queryset: QuerySet, *, kind: str, owner: User) -> QuerySet:
    """Annotate each row with the id it came in with, if it came in through an import (else None)."""
    remembered = PortableId.objects.filter(owner=owner, kind=kind, object_id=OuterRef("pk")).values("portable_id")
    return queryset.annotate(portable_id=Subquery(remembered[:1]))


def portable_id_of(row: object, *, kind: str) -> str:
    return getattr(row, "portable_id", None) or derived_id(kind, row.pk, row.created_at)
