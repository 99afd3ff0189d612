"""What the journal adds to the signed-in home page: "On this day" in earlier years."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from accounts.keyring import cipher_for
from accounts.models import User
from journal.display import EntryRow, entry_row
from journal.models import Entry

ON_THIS_DAY_LIMIT = 5


@dataclass(frozen=True)
class OnThisDay:
    row: EntryRow
    years_ago: int


def same_day_filter(today: datetime.date) -> Q:
    """Earlier years' entries dated the same month and day. On 28 February of a common year the
    29ths of leap years are included, so they are not skipped for three years in four."""
    matches = Q(entry_date__month=today.month, entry_date__day=today.day)
    is_leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
    if today.month == 2 and today.day == 28 and not is_leap:
        matches |= Q(entry_date__month=2, entry_date__day=29)
    return matches & Q(entry_date__lt=today.replace(month=1, day=1))


def journal_home_context(user: User) -> dict[str, object]:
    today = user.local_today()
    entries = (
        Entry.objects.for_owner(user)
        .filter(same_day_filter(today))
        .for_list_rows()
        .with_tag_names()
        .newest_first()[:ON_THIS_DAY_LIMIT]
    )
    entries = list(entries)
    if not entries:
        return {"on_this_day": []}
    cipher = cipher_for(user)
    return {
        "on_this_day": [
            OnThisDay(row=entry_row(entry, cipher), years_ago=today.year - entry.entry_date.year) for entry in entries
        ]
    }
