"""The month calendar and "On this day" on the home page, both in the writer's time zone."""

import datetime

import pytest
import time_machine

from tests.journal_fixtures import write_entry

pytestmark = pytest.mark.django_db


def test_calendar_marks_the_days_with_entries_in_words_not_only_colour(writer_client, writer):
    write_entry(writer, entry_date=datetime.date(2026, 3, 4))
    write_entry(writer, entry_date=datetime.date(2026, 3, 4))
    write_entry(writer, entry_date=datetime.date(2026, 3, 20))
    write_entry(writer, entry_date=datetime.date(2026, 4, 1))

    page = writer_client.get("/journal/calendar/?month=2026-03").content.decode()

    assert "March 2026" in page
    assert "You wrote on 2 days this month." in page
    assert "Wednesday 4 March: 2 entries" in page
    assert "Friday 20 March: 1 entry" in page
    assert "/journal/?from=2026-03-04&amp;to=2026-03-04" in page
    assert "/journal/?from=2026-04-01" not in page


def test_calendar_opens_on_the_writers_current_month(writer_client, writer):
    writer.time_zone = "Pacific/Auckland"
    writer.save()
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=False):
        page = writer_client.get("/journal/calendar/").content.decode()
    assert "December 2026" in page  # already 1 December in Auckland


def test_a_bad_month_falls_back_to_this_month(writer_client):
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC), tick=False):
        assert "November 2026" in writer_client.get("/journal/calendar/?month=2026-13").content.decode()


def test_on_this_day_shows_earlier_years_same_date_in_the_writers_zone(writer_client, writer):
    writer.time_zone = "America/Los_Angeles"
    writer.save()
    write_entry(writer, title="Two years back", entry_date=datetime.date(2024, 11, 26))
    write_entry(writer, title="Last year", entry_date=datetime.date(2025, 11, 26))
    write_entry(writer, title="Other day", entry_date=datetime.date(2025, 11, 27))
    write_entry(writer, title="This year", entry_date=datetime.date(2026, 11, 26))

    # 03:00 UTC on the 27th is still the 26th in Los Angeles.
    with time_machine.travel(datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC), tick=False):
        page = writer_client.get("/").content.decode()

    assert "On this day" in page
    assert page.index("Last year") < page.index("Two years back")
    assert "a year ago" in page
    assert "2 years ago" in page
    assert "Other day" not in page
    assert "This year" not in page


def test_on_this_day_is_silent_when_there_is_nothing(writer_client, writer):
    assert "On this day" not in writer_client.get("/").content.decode()


def test_leap_day_entries_appear_on_28_february_of_common_years(writer_client, writer):
    write_entry(writer, title="Leap day", entry_date=datetime.date(2024, 2, 29))
    with time_machine.travel(datetime.datetime(2026, 2, 28, 12, 0, tzinfo=datetime.UTC), tick=False):
        assert "Leap day" in writer_client.get("/").content.decode()
