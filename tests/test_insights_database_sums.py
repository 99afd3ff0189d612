"""On PostgreSQL the database sums the insights rows (journal/insights_sql.py); the figures must be exactly
the ones the portable path (one row per entry, summed in Python) gives, however odd the stored data is."""

import datetime

import pytest
from django.db.models import JSONField, Value

from connections.models import Contact, Person
from connections.sharing.querysets import entries_in_scope
from journal.insights import Period
from journal.insights_context import insights_chart_context
from journal.models import Entry, Tag
from tests.factories import UserFactory
from tests.insights_fixtures import TODAY, local, seed_insights_data
from tests.sharing_fixtures import active_share, pick

pytestmark = pytest.mark.django_db

JSON_NULL = Value(None, JSONField())

# (entry_date, mood, feelings, tag names, local time written): several entries a day, entries without a mood,
# feeling words in several spellings or repeated, feelings that are not a list of words, a day in the future.
ODD_ENTRIES = [
    ("2026-04-03", 3, [" Calm ", "calm", "CALM", 5, None, {"a": 1}, "ß", "ss", "  ", "", "\u00a0calm"], ["Été"]),
    ("2026-04-03", 4, ["calm", "calm"], ["Été", "Work"]),
    ("2026-04-03", None, ["SS"], ["Été"]),
    ("2026-04-04", 5, JSON_NULL, ["Été"]),
    ("2026-04-04", 2, {"not": "a list"}, []),
    ("2026-04-04", 1, "calm", ["Été"]),
    ("2026-04-05", 3, 7, ["Été"]),
    ("2026-04-06", 5, ["left out", "it's", "-x-", "x-"], ["Été"]),
    ("2026-04-20", 5, ["happy"], ["Work"]),
    ("2024-02-29", 4, ["happy", "happy"], ["Work"]),
]
# Late on the last day of a month, in the future, long ago, and just either side of the twelve months shown.
ODD_CONTACTS = ["2026-04-15 23:59", "2026-05-02 10:00", "2025-04-01 00:10", "2025-05-01 00:10", "2023-01-01 12:00"]


def add_odd_rows(writer):
    zone = writer.zone
    for index, (day, mood, feelings, tag_names, *_) in enumerate(ODD_ENTRIES):
        entry = Entry.objects.create(
            owner=writer, entry_date=datetime.date.fromisoformat(day), mood=mood, feelings=feelings
        )
        entry.tags.set(Tag.objects.get_or_create(owner=writer, name=name)[0] for name in tag_names)
        Entry.objects.filter(pk=entry.pk).update(created_at=local(zone, f"{day} {index * 5 % 24:02d}:30"))
    person = Person.objects.create(owner=writer, name="Zed")
    for moment in ODD_CONTACTS:
        Contact.objects.create(owner=writer, person=person, happened_at=local(zone, moment))


def figures(insights):
    """Everything the page shows, as comparable values."""
    shown = {key: insights[key]["chart"] for key in ("tags", "feelings", "hours")}
    shown["mood_over_time"] = insights["mood_over_time"]["chart"]
    result = {
        key: (chart.rows, str(chart.svg), str(chart.table_body)) if chart else None for key, chart in shown.items()
    }
    result["pixels"] = (str(insights["pixels"].svg), str(insights["pixels"].table_body))
    result["years"] = [choice.label for choice in insights["year_choices"]]
    result["tags_left_out"] = insights["tags"]["left_out"]
    if insights["shows_people"]:
        result["with_people"] = insights["with_people"]["result"]
        reached = insights["reached"]
        result["reached"] = (reached["chart"].rows, str(reached["chart"].svg), reached["total_people"])
    return result


def both_paths(monkeypatch, entries, writer, contacts, **options):
    in_database = figures(insights_chart_context(entries, writer, contacts, today=TODAY, **options)["insights"])
    monkeypatch.setattr("journal.insights_context.PLAIN_CURSOR_ON_POSTGRESQL", False)
    in_python = figures(insights_chart_context(entries, writer, contacts, today=TODAY, **options)["insights"])
    monkeypatch.setattr("journal.insights_context.PLAIN_CURSOR_ON_POSTGRESQL", True)
    return in_database, in_python


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
@pytest.mark.parametrize(("period", "year"), [(Period.MONTH, None), (Period.WEEK, 2024), (Period.YEAR, 2025)])
def test_database_sums_give_the_same_page_as_rows_summed_in_python(monkeypatch, zone, period, year):
    writer = UserFactory(time_zone=zone)
    seed_insights_data(writer)
    add_odd_rows(writer)
    in_database, in_python = both_paths(
        monkeypatch,
        Entry.objects.for_owner(writer),
        writer,
        Contact.objects.for_owner(writer),
        period=period,
        year=year,
    )
    assert in_database == in_python


def test_a_scope_joined_to_tags_gives_the_same_figures_on_both_paths(monkeypatch):
    writer = UserFactory(time_zone="Pacific/Auckland")
    seed_insights_data(writer)
    add_odd_rows(writer)
    scope = Entry.objects.for_owner(writer).filter(tags__name__in=["Work", "Été", "Family"])
    in_database, in_python = both_paths(monkeypatch, scope, writer, None, period=Period.WEEK)
    assert in_database == in_python


def test_a_shares_scope_gives_the_same_figures_on_both_paths(monkeypatch):
    """What a practitioner may see: entries by tag, from a date, or picked one by one."""
    writer = UserFactory(time_zone="America/Los_Angeles")
    seed_insights_data(writer)
    add_odd_rows(writer)
    share = active_share(writer, UserFactory(), tags=["Family", "Été"], entries_from=datetime.date(2026, 4, 1))
    pick(share, Entry.objects.for_owner(writer).get(entry_date=datetime.date(2025, 11, 20)))
    scope = entries_in_scope(share)
    assert 0 < scope.count() < Entry.objects.for_owner(writer).count()
    in_database, in_python = both_paths(monkeypatch, scope, writer, None, period=Period.YEAR)
    assert in_database == in_python


def test_spellings_of_a_feeling_fold_together_and_each_entry_counts_once():
    writer = UserFactory(time_zone="Europe/London")
    for feelings in ([" Calm ", "calm"], ["CALM"], ["calm", "calm"], ["ß"], ["SS", "ss"], [5, None, "  "], "calm"):
        Entry.objects.create(owner=writer, entry_date=TODAY, mood=3, feelings=feelings)
    Entry.objects.create(owner=writer, entry_date=TODAY, mood=3, feelings=JSON_NULL)
    insights = insights_chart_context(Entry.objects.for_owner(writer), writer, today=TODAY)["insights"]
    # calm: the first three entries; ss: "ß" folds to "ss", and "SS" with "ss" is one entry.
    assert insights["feelings"]["chart"].rows == [("calm", 3), ("ss", 2)]


def test_a_feeling_listed_twice_in_one_entry_counts_once():
    writer = UserFactory(time_zone="Europe/London")
    for feelings in (["calm", "calm"], ["calm", "tired"], ["tired", "tired", "calm"]):
        Entry.objects.create(owner=writer, entry_date=TODAY, mood=3, feelings=feelings)
    insights = insights_chart_context(Entry.objects.for_owner(writer), writer, today=TODAY)["insights"]
    assert insights["feelings"]["chart"].rows == [("calm", 3), ("tired", 2)]
