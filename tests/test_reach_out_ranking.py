"""Who Reach out suggests, in what order, and the reason it gives in plain words (connections/ranking.py).

Pure tests build facts by hand; the last ones go through the database with the clock frozen (time-machine).
"""

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from connections.ranking import PersonFacts, ReasonKind, RecentEntry, rank
from connections.suggestions import circle_now, ranked_suggestions
from tests.reach_out_fixtures import add_contact, add_entry, add_person

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 27, 17, 10, tzinfo=UTC)  # a Friday, 17:10 in London
TODAY = date(2026, 11, 27)


def facts(name="Sam", *, person_id=1, days_quiet=None, **changes) -> PersonFacts:
    base = PersonFacts(
        id=person_id,
        name=name,
        first_name=name.split()[0],
        is_professional=False,
        time_zone="",
        topic_names=(),
        ideal_every_days=None,
        too_long_after_days=None,
        last_contact_at=NOW - timedelta(days=days_quiet) if days_quiet is not None else None,
        created_at=NOW - timedelta(days=365),
        snoozed_until=None,
        is_paused=False,
    )
    return base._replace(**changes)


def entry(days_ago=0, *, mood=None, tags=(), hours_ago=None) -> RecentEntry:
    written = NOW - timedelta(days=days_ago, hours=hours_ago or 0)
    return RecentEntry(
        written_at=written, entry_date=(NOW - timedelta(days=days_ago)).date(), mood=mood, tag_names=tags
    )


def texts(suggestion) -> list[str]:
    return [reason.text for reason in suggestion.reasons]


def ranked(people, entries=()):
    return rank(people, entries, writer_zone=LONDON, now=NOW)


def test_overdue_reason_in_plain_words():
    [suggestion] = ranked([facts("Sam", days_quiet=24, ideal_every_days=14)])
    assert texts(suggestion) == ["It's been 24 days; you hoped for every 2 weeks"]


def test_too_long_reason_names_the_writers_own_limit():
    [suggestion] = ranked([facts("Sam", days_quiet=40, ideal_every_days=14, too_long_after_days=30)])
    assert texts(suggestion) == ["It's been 40 days; you said 30 days would be too long"]


def test_someone_never_contacted_counts_from_when_they_were_added():
    person = facts("Sam", ideal_every_days=14, created_at=NOW - timedelta(days=20))
    [suggestion] = ranked([person])
    assert texts(suggestion) == ["It's been 20 days since you added Sam; you hoped for every 2 weeks"]


def test_topic_reason_counts_this_weeks_entries_with_their_tag():
    sam = facts("Sam", days_quiet=10, topic_names=("work",))
    entries = [entry(1, tags=("work",)), entry(4, tags=("Work", "sleep")), entry(8, tags=("work",))]
    [suggestion] = ranked([sam], entries)
    assert texts(suggestion) == ["You wrote about work twice this week; Sam is someone you talk with about work"]


def test_topic_reason_picks_the_topic_written_about_most():
    sam = facts("Sam", days_quiet=10, topic_names=("grief", "work"))
    entries = [entry(1, tags=("grief",)), entry(2, tags=("work",)), entry(3, tags=("work",)), entry(5, tags=("work",))]
    [suggestion] = ranked([sam], entries)
    assert texts(suggestion) == ["You wrote about work 3 times this week; Sam is someone you talk with about work"]


def test_entries_written_before_the_last_contact_are_already_shared():
    sam = facts("Sam", days_quiet=1, topic_names=("work",))
    assert ranked([sam], [entry(2, tags=("work",)), entry(3, tags=("work",))]) == []
    [suggestion] = ranked([sam], [entry(0, tags=("work",)), entry(3, tags=("work",))])
    assert "You wrote about work once this week" in texts(suggestion)[0]


def test_heavy_days_point_to_the_people_chosen_for_them():
    dr_k = facts("Dr. K", person_id=2, is_professional=True, days_quiet=10)
    dr_k = dr_k._replace(first_name="Dr. K")
    friend = facts("Ana", person_id=3, days_quiet=10)
    chosen_friend = facts("Jo", person_id=4, days_quiet=10, chosen_for_hard_days=True)
    entries = [entry(0, mood=1), entry(1, mood=2), entry(2, mood=4)]
    suggestions = ranked([dr_k, friend, chosen_friend], entries)
    assert [s.person.name for s in suggestions] == ["Dr. K", "Jo"]
    assert texts(suggestions[0]) == ["Your last entries were heavy; Dr. K is someone you chose for this"]


def test_one_heavy_entry_among_the_last_three_is_not_heavy_days():
    dr_k = facts("Dr. K", is_professional=True, days_quiet=10)
    assert ranked([dr_k], [entry(0, mood=1), entry(1, mood=3), entry(2, mood=4)]) == []


def test_their_time_is_added_to_a_suggestion_in_their_daytime():
    ana = facts("Ana", days_quiet=24, ideal_every_days=14, time_zone="Europe/Athens")
    [suggestion] = ranked([ana])
    assert texts(suggestion) == ["It's been 24 days; you hoped for every 2 weeks", "It's 19:10 for Ana"]


def test_their_night_suggests_a_message_and_ranks_them_lower():
    night_owl = facts("Kai", person_id=1, days_quiet=24, ideal_every_days=14, time_zone="Pacific/Auckland")
    daytime = facts("Ana", person_id=2, days_quiet=24, ideal_every_days=14, time_zone="Europe/Athens")
    suggestions = ranked([night_owl, daytime])
    assert [s.person.name for s in suggestions] == ["Ana", "Kai"]
    assert texts(suggestions[1])[1] == "It's 06:10 for Kai; a message may be kinder than a call"


def test_their_time_alone_never_puts_someone_on_the_list():
    assert ranked([facts("Ana", days_quiet=2, ideal_every_days=14, time_zone="Europe/Athens")]) == []


def test_same_clock_as_the_writer_says_nothing_about_time():
    [suggestion] = ranked([facts("Ana", days_quiet=24, ideal_every_days=14, time_zone="Europe/Lisbon")])
    assert not suggestion.has(ReasonKind.THEIR_TIME)


def test_two_reasons_outrank_one():
    sam = facts("Sam", person_id=1, days_quiet=24, ideal_every_days=14, topic_names=("work",))
    ana = facts("Ana", person_id=2, days_quiet=40, ideal_every_days=14)
    suggestions = ranked([ana, sam], [entry(0, tags=("work",))])
    assert [s.person.name for s in suggestions] == ["Sam", "Ana"]
    assert texts(suggestions[0]) == [
        "It's been 24 days; you hoped for every 2 weeks",
        "You wrote about work once this week; Sam is someone you talk with about work",
    ]


def test_too_long_outranks_merely_due():
    due = facts("Ana", person_id=1, days_quiet=29, ideal_every_days=7, too_long_after_days=60)
    too_long = facts("Bo", person_id=2, days_quiet=31, ideal_every_days=14, too_long_after_days=30)
    assert [s.person.name for s in ranked([due, too_long])] == ["Bo", "Ana"]


def test_paused_and_snoozed_people_are_not_suggested_for_any_reason():
    paused = facts("Pat", person_id=1, days_quiet=90, ideal_every_days=7, is_paused=True, topic_names=("work",))
    snoozed = facts("Sol", person_id=2, days_quiet=90, ideal_every_days=7, snoozed_until=TODAY + timedelta(days=1))
    snoozed_until_today = facts("Tam", person_id=3, days_quiet=90, ideal_every_days=7, snoozed_until=TODAY)
    suggestions = ranked([paused, snoozed, snoozed_until_today], [entry(0, tags=("work",))])
    assert [s.person.name for s in suggestions] == ["Tam"]


def test_no_rhythm_and_nothing_written_means_no_suggestion():
    assert ranked([facts("Sam", days_quiet=300)]) == []


def test_the_order_is_the_same_whatever_order_people_come_in():
    people = [
        facts(f"Person {index:02d}", person_id=index, days_quiet=10 + index % 5, ideal_every_days=7)
        for index in range(30)
    ]
    expected = [s.person.id for s in ranked(people)]
    for seed in range(5):
        shuffled = people[:]
        random.Random(seed).shuffle(shuffled)
        assert [s.person.id for s in ranked(shuffled)] == expected


def test_equal_scores_go_to_whoever_has_been_quiet_longest_then_by_name():
    first = facts("Zed", person_id=1, days_quiet=30, ideal_every_days=14, too_long_after_days=14)
    tied_b = facts("Bea", person_id=2, days_quiet=30, ideal_every_days=14, too_long_after_days=14)
    tied_a = facts("Al", person_id=3, days_quiet=30, ideal_every_days=14, too_long_after_days=14)
    assert [s.person.name for s in ranked([first, tied_b, tied_a])] == ["Al", "Bea", "Zed"]


# --- through the database, with the clock frozen ----------------------------------------------------


@pytest.mark.django_db
def test_suggestions_from_the_database_with_frozen_time(writer):
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        sam = add_person(writer, "Sam Okafor", ideal_every_days=14, topics=["work"])
        add_person(writer, "Ana", ideal_every_days=30, time_zone="Europe/Athens")
        add_person(writer, "Dr. K", kind="therapist")
    with time_machine.travel(NOW - timedelta(days=24), tick=False):
        add_contact(writer, sam, NOW - timedelta(days=24))
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        add_entry(writer, day=TODAY - timedelta(days=1), tags=["work"], mood=2)
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        add_entry(writer, day=TODAY, tags=["work"], mood=1)

    with time_machine.travel(NOW, tick=False):
        suggestions = ranked_suggestions(writer, circle_now(writer))

    assert [(s.person.name, texts(s)) for s in suggestions] == [
        (
            "Sam Okafor",
            [
                "It's been 24 days; you hoped for every 2 weeks",
                "You wrote about work twice this week; Sam is someone you talk with about work",
            ],
        ),
        ("Ana", ["It's been 60 days since you added Ana; you hoped for every 30 days", "It's 19:10 for Ana"]),
        ("Dr. K", ["Your last entries were heavy; Dr. K is someone you chose for this"]),
    ]


@pytest.mark.django_db
def test_reaching_out_moves_someone_down(writer):
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        sam = add_person(writer, "Sam", ideal_every_days=14, topics=["work"])
        add_person(writer, "Ana", ideal_every_days=14)
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        add_entry(writer, day=TODAY, tags=["work"])
    with time_machine.travel(NOW, tick=False):
        before = [s.person.name for s in ranked_suggestions(writer, circle_now(writer))]
        add_contact(writer, sam, NOW, outcome="attempt")
        after = [s.person.name for s in ranked_suggestions(writer, circle_now(writer))]
    assert before == ["Sam", "Ana"]
    assert after == ["Ana"]
