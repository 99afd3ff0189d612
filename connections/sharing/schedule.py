"""Dates of a share, in the writer's time zone. Pure functions: no database, no clock of their own."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# How long a share lasts unless the writer chooses otherwise.
DEFAULT_SHARE_DAYS = 90
# How long an invitation link can be used.
INVITATION_VALID_DAYS = 14


def default_end_date(today: date) -> date:
    return today + timedelta(days=DEFAULT_SHARE_DAYS)


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after `day` in `zone`: a share "until 3 May" lasts through the whole of 3 May there.

    Local midnight always exists (no zone shifts its clocks at midnight any more), so this is the start of the
    next local day, converted to an aware datetime in that zone.
    """
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def invitation_expires_at(invited_at: datetime) -> datetime:
    return invited_at + timedelta(days=INVITATION_VALID_DAYS)
