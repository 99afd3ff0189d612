"""A share "until 3 May" lasts through the whole of 3 May in the writer's zone, across DST and both offsets."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from connections.sharing.schedule import default_end_date, end_of_local_day, invitation_expires_at

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("zone", "day", "ends_utc"),
    [
        ("Europe/London", datetime.date(2026, 7, 1), datetime.datetime(2026, 7, 1, 23, 0, tzinfo=UTC)),
        ("Europe/London", datetime.date(2026, 12, 1), datetime.datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
        # The night clocks go forward (29 March 2026) and back (25 October 2026) in London.
        ("Europe/London", datetime.date(2026, 3, 28), datetime.datetime(2026, 3, 29, 0, 0, tzinfo=UTC)),
        ("Europe/London", datetime.date(2026, 3, 29), datetime.datetime(2026, 3, 29, 23, 0, tzinfo=UTC)),
        ("Europe/London", datetime.date(2026, 10, 25), datetime.datetime(2026, 10, 26, 0, 0, tzinfo=UTC)),
        # East of UTC, in southern-hemisphere summer time.
        ("Pacific/Auckland", datetime.date(2026, 1, 10), datetime.datetime(2026, 1, 10, 11, 0, tzinfo=UTC)),
        # West of UTC.
        ("America/Los_Angeles", datetime.date(2026, 11, 1), datetime.datetime(2026, 11, 2, 8, 0, tzinfo=UTC)),
    ],
)
def test_a_share_ends_at_the_first_instant_after_its_last_local_day(zone, day, ends_utc):
    assert end_of_local_day(day, ZoneInfo(zone)) == ends_utc


def test_a_share_lasts_ninety_days_by_default():
    assert default_end_date(datetime.date(2026, 11, 27)) == datetime.date(2027, 2, 25)


def test_an_invitation_is_valid_for_fourteen_days():
    sent = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    assert invitation_expires_at(sent) == datetime.datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
