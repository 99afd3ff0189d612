"""The Reach out page: ranked people with reasons, a first line to edit, and ways to reach them."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.reach_out_fixtures import add_entry, add_person

pytestmark = pytest.mark.django_db


def page_of(client, url="/reach-out/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_no_people_yet_invites_adding_one(writer_client):
    page = page_of(writer_client)
    assert "Start with one person" in page
    assert 'href="/people/add/"' in page


def test_a_suggestion_shows_its_reasons_and_a_gentle_editable_first_line(writer_client, writer):
    with time_machine.travel(timezone.now() - timedelta(days=24)):
        add_person(writer, "Sam Okafor", ideal_every_days=14, phone="+44 7700 900123", email="sam@example.org")
    page = page_of(writer_client)
    assert "It's been 24 days since you added Sam; you hoped for every 2 weeks." in page
    assert "A first line you can change" in page
    starter = "Hi Sam, it's been a while and I'd love to catch up. Do you have time this week?"
    assert f">{starter}</textarea>" in page
    assert 'href="tel:+447700900123"' in page
    assert "sms:+447700900123?&body=Hi%20Sam%2C%20it%27s%20been%20a%20while" in page
    assert 'href="mailto:sam@example.org?body=Hi%20Sam' in page
    assert "Snooze a day" in page
    assert "Snooze a week" in page


def test_the_first_line_never_carries_entry_text_or_tags(writer_client, writer):
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        add_person(writer, "Sam", ideal_every_days=14, topics=["divorce"], phone="07700 900123")
    add_entry(writer, day=writer.local_today(), tags=["divorce"], title="The lawyer called", body="He wants the house.")
    page = page_of(writer_client)
    starter_area = page.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert "divorce" not in starter_area
    assert "lawyer" not in page
    assert "the house" not in page
    assert "You wrote about divorce once this week; Sam is someone you talk with about divorce." in page


def test_a_professional_gets_a_booking_line_and_heavy_days_reason(writer_client, writer):
    add_person(writer, "Dr. K", kind="therapist", email="k@clinic.example")
    add_entry(writer, day=writer.local_today(), mood=1)
    add_entry(writer, day=writer.local_today() - timedelta(days=1), mood=2)
    page = page_of(writer_client)
    assert "Your last entries were heavy; Dr. K is someone you chose for this." in page
    assert "Hello Dr. K, I'd like to book a session" in page


def test_without_a_professional_reach_out_suggests_adding_one_and_links_to_help(writer_client, writer):
    add_person(writer, "Sam")
    page = page_of(writer_client)
    assert "There is no therapist, counsellor, doctor or support line in your circle yet." in page
    assert 'href="/help/#find-a-professional"' in page
    add_person(writer, "Dr. K", kind="counsellor")
    assert "There is no therapist" not in page_of(writer_client)


def test_people_not_suggested_are_listed_below_quiet_longest_first(writer_client, writer):
    with time_machine.travel(timezone.now() - timedelta(days=50)):
        add_person(writer, "Long quiet")
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        add_person(writer, "Recent")
    add_person(writer, "Paused one", is_paused=True)
    page = page_of(writer_client)
    everyone = page.split("Everyone else", 1)[1]
    assert everyone.index("Long quiet") < everyone.index("Recent")
    assert "Paused one" not in everyone
    assert "1 paused person not shown." in page


def test_only_the_first_five_then_show_more(writer_client, writer):
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        for index in range(8):
            add_person(writer, f"Friend {index}", ideal_every_days=7)
    assert page_of(writer_client).count('class="suggestion"') == 5
    assert "Show 3 more" in page_of(writer_client)
    assert page_of(writer_client, "/reach-out/?all=1").count('class="suggestion"') == 8


def test_snoozed_people_leave_the_suggestions(writer_client, writer):
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        person = add_person(writer, "Sam", ideal_every_days=7)
    writer_client.post(f"/people/{person.pk}/snooze/", {"days": "1", "next": "/reach-out/"})
    page = page_of(writer_client)
    assert "Nobody is due right now." in page
    assert "Snoozed: Sam won't be suggested again until tomorrow." in page


def test_reach_out_is_private_and_never_cached(writer_client):
    assert "no-store" in writer_client.get("/reach-out/")["Cache-Control"]
    response = Client().get("/reach-out/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
