"""The insights page: private, server-rendered SVG with text alternatives and tables, no inline styles."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from connections.models import Contact, Person
from journal.models import Entry
from tests.factories import UserFactory
from tests.insights_fixtures import noon_today, seed_insights_data

pytestmark = pytest.mark.django_db

URL = "/journal/insights/"


@pytest.fixture
def seeded_client(client):
    writer = UserFactory(time_zone="Pacific/Auckland")
    seed_insights_data(writer)
    client.force_login(writer)
    with time_machine.travel(noon_today(writer.time_zone), tick=False):
        yield client


def test_the_page_lives_at_its_public_route():
    assert reverse("insights:page") == URL


def test_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_is_never_cached(seeded_client):
    response = seeded_client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_every_chart_has_a_text_alternative_and_a_table(seeded_client):
    html = seeded_client.get(URL).content.decode()
    charts = re.findall(r"<svg class=\"chart [^\"]*\"[^>]*>", html)
    # mood over time, pixels, tags, feelings, hours, with people (2), people reached
    assert len(charts) == 8
    for opening in charts:
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', opening).group(1).split()
        for element_id in labelled_by:
            assert f'id="{element_id}"' in html
    assert html.count("<table") == 8
    for heading in (
        "Mood over time",
        "Year in pixels, 2026",
        "Mood by tag",
        "Feeling words",
        "When you write",
        "With people, and on your own",
        "People reached",
    ):
        assert f">{heading}</h2>" in html


def test_no_inline_styles_or_scripts_so_the_strict_csp_holds(seeded_client):
    html = seeded_client.get(URL).content.decode()
    assert "style=" not in html
    assert "<script>" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_with_people_is_said_in_plain_words_with_counts_and_a_caveat(seeded_client):
    html = seeded_client.get(URL).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert (
        "On the 7 days you logged a contact, your mood averaged 4.1. "
        "On the 8 days without one, it averaged 2.4. That is 1.7 higher on days with people." in text
    )
    assert (
        "On the 5 days after a contact, your mood averaged 3.0. On the 10 days after a day without one, "
        "it averaged 3.3. That is 0.3 lower after time with people." in text
    )
    assert "not what caused what" in text
    assert "at least 5 days with a mood" in text


def test_gaps_are_said_as_gaps_never_as_zero(seeded_client):
    html = seeded_client.get(URL).content.decode()
    assert re.search(r"<th scope=\"row\">December 2025</th><td>No mood recorded</td><td>0</td>", html)
    assert "<title>December 2025: no mood recorded</title>" in html


def test_the_period_and_year_switch_with_plain_links(seeded_client):
    html = seeded_client.get(URL + "?by=week&year=2025").content.decode()
    assert 'href="?by=week&amp;year=2025#mood-over-time" aria-current="true">By week</a>' in html
    assert "Year in pixels, 2025" in html
    assert ">Week of 2 Mar 2026</th>" in html


def test_a_hand_edited_query_string_falls_back_quietly(seeded_client):
    response = seeded_client.get(URL + "?by=fortnight&year=banana")
    assert response.status_code == 200
    assert 'aria-current="true">By month</a>' in response.content.decode()
    assert "Year in pixels, 2026" in response.content.decode()


def test_a_new_writer_sees_a_gentle_empty_page(client):
    writer = UserFactory()
    client.force_login(writer)
    html = client.get(URL).content.decode()
    assert "Nothing to show yet." in html
    assert "Not enough days to compare yet: so far 0 days with a mood and a contact, and 0 with a mood" in html
    assert "streak" not in html.lower()


def test_not_enough_days_shows_no_numbers(client):
    writer = UserFactory(time_zone="Europe/London")
    person = Person.objects.create(owner=writer, name="Ana")
    for day in range(1, 5):  # four days with people: one short of the minimum
        when = datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC)
        Entry.objects.create(owner=writer, entry_date=when.date(), mood=5)
        Contact.objects.create(owner=writer, person=person, happened_at=when)
    for day in range(10, 20):
        Entry.objects.create(owner=writer, entry_date=datetime.date(2026, 3, day), mood=2)
    client.force_login(writer)
    html = client.get(URL).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Not enough days to compare yet: so far 4 days with a mood and a contact, and 10 with a mood" in text
    assert 'id="with-people-title"' not in html


def test_only_the_writers_own_rows_are_shown(client, seeded_client):
    stranger = UserFactory(email="someone-else@example.org")
    client.force_login(stranger)
    html = client.get(URL).content.decode()
    assert "Nothing to show yet." in html
    assert "Garden" not in html
