"""What Reach out adds to other pages: the quiet panel after an entry is saved, and the home page."""

from datetime import timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from connections.home import connections_home_context
from connections.panels import after_entry_context
from tests.reach_out_fixtures import add_contact, add_entry, add_person

pytestmark = pytest.mark.django_db


def render_panel(writer, entry) -> str:
    request = RequestFactory().get(f"/journal/{entry.pk}/")
    request.user = writer
    return render_to_string("connections/_after_entry_panel.html", after_entry_context(writer, entry), request=request)


def names_and_reasons(context) -> list[tuple[str, str]]:
    return [(item.person.name, item.why) for item in context["after_entry_people"]]


def test_after_an_entry_people_who_talk_about_its_topic_come_first(writer):
    add_person(writer, "Sam", topics=["work"])
    add_person(writer, "Ana", topics=["family"])
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        add_person(writer, "Bo", ideal_every_days=14)
    entry = add_entry(writer, day=writer.local_today(), tags=["Work"], mood=3)
    assert names_and_reasons(after_entry_context(writer, entry)) == [
        ("Sam", "Sam is someone you talk with about work"),
        ("Bo", "It's been 30 days since you added Bo; you hoped for every 2 weeks"),
    ]


def test_after_a_heavy_entry_the_people_chosen_for_hard_days_come_first(writer):
    add_person(writer, "Sam", topics=["work"])
    add_person(writer, "Dr. K", kind="therapist")
    entry = add_entry(writer, day=writer.local_today(), tags=["work"], mood=1)
    assert names_and_reasons(after_entry_context(writer, entry))[0] == (
        "Dr. K",
        "Dr. K is someone you chose for hard days",
    )


def test_at_most_three_people_and_never_paused_or_snoozed_ones(writer):
    for name in ("A1", "A2", "A3", "A4"):
        add_person(writer, name, topics=["work"])
    add_person(writer, "Paused", topics=["work"], is_paused=True)
    add_person(writer, "Snoozed", topics=["work"], snoozed_until=writer.local_today() + timedelta(days=1))
    entry = add_entry(writer, day=writer.local_today(), tags=["work"])
    assert [name for name, _why in names_and_reasons(after_entry_context(writer, entry))] == ["A1", "A2", "A3"]


def test_with_nobody_tied_to_the_entry_whoever_has_been_quiet_longest_is_offered(writer):
    with time_machine.travel(timezone.now() - timedelta(days=9)):
        add_person(writer, "Quiet")
    entry = add_entry(writer, day=writer.local_today())
    assert names_and_reasons(after_entry_context(writer, entry)) == [("Quiet", "Added 9 days ago")]


def test_the_panel_asks_the_question_offers_one_click_and_can_be_dismissed(writer):
    add_person(writer, "Sam", topics=["work"])
    entry = add_entry(writer, day=writer.local_today(), tags=["work"], body="The secret body text.")
    panel = render_panel(writer, entry)
    assert "Would someone you trust want to hear about this?" in panel
    assert "I reached out" in panel
    assert "data-dismiss-panel" in panel
    assert "connections-panel.js" in panel
    assert "secret body" not in panel


def test_with_an_empty_circle_the_panel_invites_adding_someone(writer):
    entry = add_entry(writer, day=writer.local_today())
    panel = render_panel(writer, entry)
    assert "Add them to your circle" in panel


def test_home_counts_people_reached_this_month_never_days_in_a_row(writer_client, writer):
    sam = add_person(writer, "Sam")
    ana = add_person(writer, "Ana")
    add_person(writer, "Bo")
    add_contact(writer, sam, timezone.now())
    add_contact(writer, sam, timezone.now() - timedelta(minutes=5))
    add_contact(writer, ana, timezone.now())
    context = connections_home_context(writer)
    assert [person.name for person in context["reached_this_month"]] == ["Ana", "Sam"]
    page = writer_client.get("/").content.decode()
    assert "People you reached this month:" in page
    assert "streak" not in page.lower()


def test_home_shows_who_has_been_quiet_longest(writer):
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        add_person(writer, "Oldest")
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        add_person(writer, "Middle")
    add_person(writer, "Newest")
    add_person(writer, "Paused", is_paused=True)
    context = connections_home_context(writer)
    assert [row["name"] for row in context["quiet_longest"]] == ["Oldest", "Middle", "Newest"]


def test_home_with_no_people_invites_adding_one(writer_client):
    page = writer_client.get("/").content.decode()
    assert "Add someone to your circle" in page
