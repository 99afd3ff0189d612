"""Access log: every open is recorded, and the writer reads it as visits ("Dr. K read 3 entries on Tuesday, 18:02")."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from connections.sharing.models import AccessEvent
from connections.sharing.visits import Opening, group_into_visits, visit_sentence, when_words
from tests.sharing_fixtures import active_share, client_for, make_entry, pick

LONDON = ZoneInfo("Europe/London")


def at(text: str, zone: ZoneInfo = LONDON) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zone)


# --- told as visits (pure) ------------------------------------------------------------------------


def test_openings_close_together_are_one_visit_counting_distinct_entries():
    openings = [
        Opening(at(f"2026-11-24T18:0{minute}"), entry_id)
        for minute, entry_id in ((2, None), (3, 1), (5, 2), (7, 1), (9, 3))
    ]

    (visit,) = group_into_visits(openings, LONDON)

    assert visit.entries_read == 3
    assert visit.started_at == at("2026-11-24T18:02")


def test_a_gap_of_more_than_half_an_hour_starts_a_new_visit_newest_first():
    openings = [Opening(at("2026-11-24T18:02"), 1), Opening(at("2026-11-24T18:40"), 2)]

    visits = group_into_visits(openings, LONDON)

    assert [visit.started_at.hour * 60 + visit.started_at.minute for visit in visits] == [18 * 60 + 40, 18 * 60 + 2]


def test_the_sentence_names_the_weekday_within_the_week():
    (visit,) = group_into_visits([Opening(at("2026-11-24T18:02"), n) for n in (1, 2, 3)], LONDON)

    assert visit_sentence(visit, reader="Dr. K", today=datetime.date(2026, 11, 27)) == (
        "Dr. K read 3 entries on Tuesday, 18:02"
    )


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        ("2026-11-27T09:15", "today, 09:15"),
        ("2026-11-26T23:59", "yesterday, 23:59"),
        ("2026-11-21T08:00", "Saturday, 08:00"),
        ("2026-11-20T08:00", "20 November, 08:00"),
        ("2025-12-31T08:00", "31 December 2025, 08:00"),
    ],
)
def test_when_words(moment, words):
    assert when_words(at(moment), datetime.date(2026, 11, 27)) == words


def test_a_visit_that_opened_only_the_feed_says_so():
    (visit,) = group_into_visits([Opening(at("2026-11-27T10:00"), None)], LONDON)

    assert visit_sentence(visit, reader="Dr. K", today=datetime.date(2026, 11, 27)) == (
        "Dr. K opened what you share today, 10:00"
    )


def test_visits_are_told_in_the_writers_zone():
    utc_evening = datetime.datetime(2026, 11, 24, 23, 30, tzinfo=datetime.UTC)

    (visit,) = group_into_visits([Opening(utc_evening, 1)], ZoneInfo("Pacific/Auckland"))

    assert visit.started_at.strftime("%A %H:%M") == "Wednesday 12:30"


# --- recorded and shown -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_open_of_the_feed_or_an_entry_is_recorded(writer, practitioner):
    share = active_share(writer, practitioner)
    first, second = make_entry(writer, title="One"), make_entry(writer, title="Two")
    pick(share, first, second)
    reader = client_for(practitioner)

    reader.get(f"/practice/{share.pk}/")
    reader.get(f"/practice/{share.pk}/entries/{first.pk}/")
    reader.get(f"/practice/{share.pk}/entries/{second.pk}/")
    reader.get(f"/practice/{share.pk}/entries/{first.pk}/")

    events = list(AccessEvent.objects.filter(share=share).order_by("at").values_list("kind", "entry_id", "reader_id"))
    assert events == [
        ("feed", None, practitioner.pk),
        ("entry", first.pk, practitioner.pk),
        ("entry", second.pk, practitioner.pk),
        ("entry", first.pk, practitioner.pk),
    ]


@pytest.mark.django_db
def test_the_writer_sees_who_read_how_many_entries_and_when(writer, practitioner):
    share = active_share(writer, practitioner)
    entries = [make_entry(writer, title=f"Entry {n}") for n in range(3)]
    pick(share, *entries)
    reader = client_for(practitioner)
    with time_machine.travel(at("2026-11-24T18:02"), tick=False):
        reader.get(f"/practice/{share.pk}/")
        for entry in entries:
            reader.get(f"/practice/{share.pk}/entries/{entry.pk}/")

    with time_machine.travel(at("2026-11-27T12:00")):
        page = client_for(writer).get(f"/shares/{share.pk}/")

    assert "Dr. K read 3 entries on Tuesday, 18:02" in page.text


@pytest.mark.django_db
def test_the_writers_preview_is_never_logged(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Preview me")
    pick(share, entry)

    client_for(writer).get(f"/shares/{share.pk}/preview/")
    client_for(writer).get(f"/shares/{share.pk}/preview/entries/{entry.pk}/")

    assert not AccessEvent.objects.exists()
    assert "has not opened anything yet" in client_for(writer).get(f"/shares/{share.pk}/").text
