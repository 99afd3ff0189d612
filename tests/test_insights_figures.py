"""Every figure on the insights page, checked against numbers worked out by hand from tests/insights_fixtures.py.

The same local-time data set is seeded for writers in Los Angeles (UTC-8/-7, clocks change 8 March) and
Auckland (UTC+13/+12, clocks change 5 April): the figures must come out the same, because a day is the
writer's local day. Hand working is in the comments.
"""

import datetime
from decimal import Decimal

import pytest

from connections.models import Contact
from journal.insights import Period
from journal.insights_context import insights_chart_context
from journal.models import Entry
from tests.factories import UserFactory
from tests.insights_fixtures import TODAY, seed_insights_data

pytestmark = pytest.mark.django_db

ZONES = ["America/Los_Angeles", "Pacific/Auckland"]


@pytest.fixture(params=ZONES)
def seeded_writer(request):
    writer = UserFactory(time_zone=request.param)
    seed_insights_data(writer)
    # Someone else's rows must never count.
    stranger = UserFactory(time_zone=request.param)
    Entry.objects.create(owner=stranger, entry_date=datetime.date(2026, 3, 5), mood=1, feelings=["numb"])
    return writer


def charts_for(writer, period=Period.MONTH, year=None):
    return insights_chart_context(
        Entry.objects.for_owner(writer),
        writer,
        Contact.objects.for_owner(writer),
        period=period,
        year=year,
        today=TODAY,
    )["insights"]


def table(points):
    return [(point.label, point.average_text, point.days) for point in points]


def test_mood_by_month_averages_day_moods_and_keeps_empty_months_as_gaps(seeded_writer):
    insights = charts_for(seeded_writer, Period.MONTH)
    # March day moods: 3.5 (2 Mar: 3 and 4), 2, 4, 3, 5, 4, 2, 1, 3, 4, 5, 3 -> 39.5 / 12 = 3.29
    # (the trashed 5 on 10 March does not count; 5 March has an entry but no mood).
    assert table(insights["mood_over_time"]["chart"].rows) == [
        ("November 2025", "2.0", 1),
        ("December 2025", "", 0),
        ("January 2026", "", 0),
        ("February 2026", "", 0),
        ("March 2026", "3.3", 12),
        ("April 2026", "3.0", 2),
    ]
    gaps = [point for point in insights["mood_over_time"]["chart"].rows if point.days == 0]
    assert all(point.average is None for point in gaps)


def test_mood_by_year_rounds_half_up(seeded_writer):
    insights = charts_for(seeded_writer, Period.YEAR)
    # 2026: 14 days, 39.5 + 2 + 4 = 45.5 -> 3.25, shown 3.3 (half up, not banker's 3.2).
    assert table(insights["mood_over_time"]["chart"].rows) == [("2025", "2.0", 1), ("2026", "3.3", 14)]


def test_mood_by_week_runs_monday_to_sunday_from_the_first_mood(seeded_writer):
    rows = table(charts_for(seeded_writer, Period.WEEK)["mood_over_time"]["chart"].rows)
    # From the week of Monday 17 Nov 2025 to the week of Monday 13 Apr 2026: 22 weeks.
    assert len(rows) == 22
    assert rows[0] == ("Week of 17 Nov 2025", "2.0", 1)
    assert rows[-1] == ("Week of 13 Apr 2026", "", 0)
    with_moods = [row for row in rows if row[2]]
    assert with_moods == [
        ("Week of 17 Nov 2025", "2.0", 1),
        # 2-8 March: 3.5, 2, 4, 3, 5, 4 -> 21.5 / 6 = 3.58
        ("Week of 2 Mar 2026", "3.6", 6),
        # 9-15 March: 2, 1, 3, 4 -> 2.5
        ("Week of 9 Mar 2026", "2.5", 4),
        ("Week of 16 Mar 2026", "4.0", 2),
        ("Week of 30 Mar 2026", "3.0", 2),
    ]


def test_year_in_pixels_labels_every_day_with_its_mood(seeded_writer):
    insights = charts_for(seeded_writer, year=2026)
    svg = str(insights["pixels"].svg)
    assert "<title>Monday 2 March 2026: mood 3.5 of 5 on average, about good</title>" in svg
    assert "<title>Tuesday 10 March 2026: mood 1 of 5, very low</title>" in svg
    assert "<title>Thursday 5 March 2026: no mood recorded</title>" in svg
    assert "Thursday 16 April 2026" not in svg  # tomorrow: drawn faintly, not labelled
    assert insights["pixels"].desc == (
        "14 days of 2026 have a mood: 2 very good, 5 good, 3 okay, 3 low, 1 very low. "
        "Each square names its day and mood."
    )
    # The table mirrors the grid: day 2 of March holds 3.5, day 10 holds 1, 5 March is empty.
    march = 2
    assert insights["pixels"].rows[1]["cells"][march] == "3.5"
    assert insights["pixels"].rows[9]["cells"][march] == 1
    assert insights["pixels"].rows[4]["cells"][march] == ""
    assert [choice.label for choice in insights["year_choices"]] == ["2025", "2026"]


def test_year_in_pixels_for_an_earlier_year(seeded_writer):
    insights = charts_for(seeded_writer, year=2025)
    assert insights["year"] == 2025
    assert "<title>Thursday 20 November 2025: mood 2 of 5, low</title>" in str(insights["pixels"].svg)


def test_mood_by_tag_uses_entries_with_a_mood_and_leaves_out_rare_tags(seeded_writer):
    tags = charts_for(seeded_writer)["tags"]
    # Work: 2, 3, 2, 3, 1, 3, 2 (the entry without a mood is not counted) -> 16 / 7 = 2.29
    # Family: 4, 4, 5, 4, 5 -> 4.4; Garden: 5, 4, 3, 4 -> 4.0; Rare: one entry, left out.
    assert [(tag.name, tag.average_text, tag.entries) for tag in tags["chart"].rows] == [
        ("Work", "2.3", 7),
        ("Family", "4.4", 5),
        ("Garden", "4.0", 4),
    ]
    assert tags["left_out"] == 1


def test_feeling_words_count_entries_not_repeats(seeded_writer):
    feelings = charts_for(seeded_writer)["feelings"]
    assert feelings["chart"].rows == [
        ("tired", 6),
        ("calm", 4),
        ("happy", 3),
        ("anxious", 2),
        ("connected", 2),
        ("lonely", 2),
        ("grateful", 1),
        ("hopeful", 1),
        ("sad", 1),
        ("unsure", 1),
    ]


def test_when_you_write_counts_local_hours(seeded_writer):
    hours = charts_for(seeded_writer)["hours"]
    counts = {row["hour"][:5]: row["count"] for row in hours["chart"].rows}
    assert counts["00:00"] == 1  # 4 March 00:30, an entry about the 3rd
    assert counts["01:00"] == 1
    assert counts["23:00"] == 2
    assert counts["03:00"] == 0  # the trashed entry was begun at 03:00
    assert sum(counts.values()) == 17
    assert [row for row in counts if counts[row]] == [
        "00:00", "01:00", "06:00", "07:00", "08:00", "09:00", "10:00", "12:00",
        "13:00", "15:00", "18:00", "19:00", "20:00", "21:00", "22:00", "23:00",
    ]  # fmt: skip
    assert hours["parts"] == [
        ("at night", "00:00 to 05:59", 2),
        ("in the morning", "06:00 to 11:59", 5),
        ("in the afternoon", "12:00 to 17:59", 3),
        ("in the evening", "18:00 to 23:59", 7),
    ]


def test_mood_with_people_and_on_your_own(seeded_writer):
    people = charts_for(seeded_writer)["with_people"]
    result = people["result"]
    # Days with a contact and a mood: 2 Mar 3.5, 4 Mar 4, 7 Mar 5 (23:30 local), 8 Mar 4, 12 Mar 3 (00:30 local),
    # 16 Mar 5, 2 Apr 4 -> 28.5 / 7 = 4.07. Without: 20 Nov 2, 3 Mar 2, 6 Mar 3, 9 Mar 2, 10 Mar 1, 13 Mar 4,
    # 17 Mar 3, 1 Apr 2 -> 19 / 8 = 2.375.
    same = result.same_day
    assert (same.with_people.average_text, same.with_people.days) == ("4.1", 7)
    assert (same.without_people.average_text, same.without_people.days) == ("2.4", 8)
    assert same.has_enough_days
    assert (same.direction, same.difference_text) == ("higher", "1.7")
    # The day after a contact: 3 Mar 2, 8 Mar 4, 9 Mar 2, 13 Mar 4, 17 Mar 3 -> 3.0 over 5 days.
    # The day after a day without: the other ten days, 32.5 / 10 = 3.25 -> 3.3 (half up).
    after = result.day_after
    assert (after.with_people.average_text, after.with_people.days) == ("3.0", 5)
    assert (after.without_people.average_text, after.without_people.days) == ("3.3", 10)
    assert after.has_enough_days
    assert (after.direction, after.difference_text) == ("lower", "0.3")
    # Local days with a contact, April 2025 included: 11.
    assert result.days_with_contact == 11


def test_people_reached_per_month_counts_each_person_once(seeded_writer):
    reached = charts_for(seeded_writer)["reached"]
    months = reached["chart"].rows
    assert [month.label for month in months][:2] == ["May 2025", "June 2025"]
    assert len(months) == 12
    figures = {month.label: (month.people, month.contacts) for month in months if month.contacts}
    # 28 Feb 23:50 local stays in February; 30 April 2025 23:30 stays out of the twelve months.
    assert figures == {"February 2026": (1, 1), "March 2026": (3, 8), "April 2026": (2, 2)}
    assert reached["total_people"] == 4


def test_practitioner_charts_without_contacts_leave_out_the_people_sections(seeded_writer):
    insights = insights_chart_context(Entry.objects.for_owner(seeded_writer), seeded_writer, today=TODAY)["insights"]
    assert not insights["shows_people"]
    assert "with_people" not in insights
    assert insights["tags"]["chart"].rows[0].name == "Work"


def test_a_scoped_queryset_gives_figures_for_that_scope_only(seeded_writer):
    """What a share passes in: only entries tagged Family, say."""
    family = Entry.objects.for_owner(seeded_writer).filter(tags__name="Family")
    insights = insights_chart_context(family, seeded_writer, today=TODAY, period=Period.YEAR)["insights"]
    # Family entries: 2 Mar 4, 4 Mar 4, 7 Mar 5, 13 Mar 4, 16 Mar 5 -> 22 / 5 = 4.4 in 2026.
    assert table(insights["mood_over_time"]["chart"].rows) == [("2026", "4.4", 5)]
    assert [(word, count) for word, count in insights["feelings"]["chart"].rows][:2] == [("happy", 3), ("connected", 2)]


def test_entries_matched_twice_by_a_scope_count_once(seeded_writer):
    """A share by several tags joins the tag table: an entry with both tags must not count twice."""
    both = Entry.objects.for_owner(seeded_writer).filter(tags__name__in=["Family", "Garden"])
    insights = insights_chart_context(both, seeded_writer, today=TODAY, period=Period.YEAR)["insights"]
    # Family 2 Mar 4, 4 Mar 4, 7 Mar 5 (also Garden), 13 Mar 4, 16 Mar 5; Garden 8 Mar 4, 12 Mar 3, 2 Apr 4.
    # Eight days: 33 / 8 = 4.125 -> 4.1.
    assert table(insights["mood_over_time"]["chart"].rows) == [("2026", "4.1", 8)]
    assert sum(row["count"] for row in insights["hours"]["chart"].rows) == 8
    assert dict(insights["feelings"]["chart"].rows)["happy"] == 3


@pytest.mark.parametrize(
    ("zone", "local_day", "local_hour"),
    [("America/Los_Angeles", datetime.date(2026, 3, 10), 4), ("Pacific/Auckland", datetime.date(2026, 3, 11), 0)],
)
def test_one_utc_moment_falls_on_the_writers_own_day_and_hour(zone, local_day, local_hour):
    writer = UserFactory(time_zone=zone)
    moment = datetime.datetime(2026, 3, 10, 11, 30, tzinfo=datetime.UTC)
    entry = Entry.objects.create(owner=writer, entry_date=local_day, mood=4)
    Entry.objects.filter(pk=entry.pk).update(created_at=moment)
    person = writer.people.create(name="Ana")
    Contact.objects.create(owner=writer, person=person, happened_at=moment)
    for day in range(1, 9):  # enough days on their own for the comparison to be made
        Entry.objects.create(owner=writer, entry_date=datetime.date(2026, 2, day), mood=2)
    insights = charts_for(writer)
    hours = [row["count"] for row in insights["hours"]["chart"].rows]
    assert hours[local_hour] == 1
    same_day = insights["with_people"]["result"].same_day
    assert (same_day.with_people.days, same_day.with_people.average_text) == (1, "4.0")
    assert not same_day.has_enough_days
    assert Decimal(same_day.without_people.average_text) == Decimal("2.0")


def test_the_plain_cursor_fast_path_gives_the_same_figures_as_django(seeded_writer, monkeypatch):
    """On PostgreSQL the big reads skip Django's row conversion; with it switched on, nothing changes."""
    fast = charts_for(seeded_writer, Period.WEEK)
    monkeypatch.setattr("journal.insights_context.PLAIN_CURSOR_ON_POSTGRESQL", False)
    slow = charts_for(seeded_writer, Period.WEEK)
    for key in ("mood_over_time", "tags", "feelings", "hours", "reached"):
        assert fast[key]["chart"].rows == slow[key]["chart"].rows, key
    assert fast["with_people"]["result"] == slow["with_people"]["result"]
    assert str(fast["pixels"].svg) == str(slow["pixels"].svg)
