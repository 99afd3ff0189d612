"""Importing Daylio's CSV export: moods mapped onto 1-5, activities kept as tags, the rest reported."""

import datetime
import io

import pytest

from accounts.keyring import cipher_for
from accounts.portability.services import import_run, import_start
from journal.models import Entry

pytestmark = pytest.mark.django_db

DAYLIO_CSV = (
    "\ufefffull_date,date,weekday,time,mood,activities,note_title,note\n"
    '2026-03-01,March 1,Sunday,21:40,rad,friends | long walk | cooking,Sunday roast,"Everyone came.<br>Even Sam."\n'
    "2026-03-02,March 2,Monday,8:05 am,good,work,,\n"
    "2026-03-03,March 3,Tuesday,22:10,meh,,,Tired &amp; flat.\n"
    "2026-03-04,March 4,Wednesday,19:00,bad,family,,\n"
    "2026-03-05,March 5,Thursday,23:59,awful,,,\n"
    "2026-03-06,March 6,Friday,12:00,ecstatic,music,,A mood I made up in Daylio.\n"
    "2026-03-07,March 7,Saturday,12:00,rad,,,\n"
    "2026-03-07,March 7,Saturday,12:00,rad,,,\n"
)


def run(user, text: str, name: str = "daylio_export_2026_03_08.csv"):
    data = text.encode("utf-8")
    job = import_start(user=user, file=io.BytesIO(data), name=name, size=len(data))
    assert import_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    return job


def test_daylio_moods_map_onto_held_moods(writer):
    run(writer, DAYLIO_CSV)
    moods = dict(Entry.objects.filter(owner=writer).values_list("entry_date", "mood"))
    assert moods == {
        datetime.date(2026, 3, 1): 5,
        datetime.date(2026, 3, 2): 4,
        datetime.date(2026, 3, 3): 3,
        datetime.date(2026, 3, 4): 2,
        datetime.date(2026, 3, 5): 1,
        datetime.date(2026, 3, 6): None,
        datetime.date(2026, 3, 7): 5,
    }


def test_activities_become_tags_and_notes_become_text(writer):
    run(writer, DAYLIO_CSV)
    cipher = cipher_for(writer)
    sunday = Entry.objects.get(owner=writer, entry_date=datetime.date(2026, 3, 1))
    assert sorted(tag.name for tag in sunday.tags.all()) == ["cooking", "friends", "long walk"]
    assert (sunday.title(cipher), sunday.body(cipher)) == ("Sunday roast", "Everyone came.\nEven Sam.")
    tuesday = Entry.objects.get(owner=writer, entry_date=datetime.date(2026, 3, 3))
    assert tuesday.body(cipher) == "Tired & flat."


def test_times_are_read_in_the_writers_time_zone(writer):
    run(writer, DAYLIO_CSV)
    monday = Entry.objects.get(owner=writer, entry_date=datetime.date(2026, 3, 2))
    # The writer is in Europe/London, which is UTC in March.
    assert monday.created_at == datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.UTC)


def test_the_report_says_what_was_skipped(writer):
    job = run(writer, DAYLIO_CSV)
    assert job.report["created"] == {"entry": 7}
    assert job.report["left_out"] == {
        "moods other than Daylio's five (kept without a mood)": 1,
        "rows that appear twice": 1,
    }


def test_the_same_daylio_file_twice_adds_nothing(writer):
    run(writer, DAYLIO_CSV)
    again = run(writer, DAYLIO_CSV)
    assert again.report["created"] == {}
    assert again.report["already_here"] == {"entry": 7}
    assert Entry.objects.filter(owner=writer).count() == 7


def test_an_older_daylio_export_with_year_and_date_columns_imports(writer):
    older = "year,date,weekday,time,mood,activities,note\n2019,31 December,Tuesday,23:00,good,party,Fireworks.\n"
    run(writer, older)
    entry = Entry.objects.get(owner=writer)
    assert (entry.entry_date, entry.mood) == (datetime.date(2019, 12, 31), 4)


def test_a_row_with_an_unreadable_date_refuses_the_file(writer):
    from accounts.portability.plan import ImportFileError

    broken = "full_date,date,weekday,time,mood,activities,note_title,note\nsoon,,,,good,,,\n"
    with pytest.raises(ImportFileError, match="CSV line 2: the date is missing"):
        import_start(user=writer, file=io.BytesIO(broken.encode()), name="daylio.csv", size=len(broken))
    assert not Entry.objects.exists()
