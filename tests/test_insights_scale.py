"""Years of writing cost the insights page no extra queries: the figures come from three reads, whatever the size."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.insights_views import kept_figures
from journal.models import Entry
from tests.factories import UserFactory
from tests.insights_fixtures import noon_today, seed_insights_data, seed_years_of_entries

pytestmark = pytest.mark.django_db

URL = "/journal/insights/"


def queries_for_page(client, writer, query: str = "") -> list[str]:
    client.force_login(writer)
    with time_machine.travel(noon_today(writer.time_zone), tick=False):
        client.get(URL)  # the first request of a session also records it (allauth's user sessions)
        kept_figures.forget_all()  # measure a page that works its figures out, not one kept from before
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL + query)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def data_reads(queries: list[str]) -> list[str]:
    """The page's reads of the journal and the contact log (not the journal stamp, config/stamped_cache.py)."""
    return [sql for sql in queries if ('"journal_' in sql or '"connections_' in sql) and "journalstamp" not in sql]


def test_three_years_of_daily_entries_and_2000_contacts_take_as_many_queries_as_a_few(client):
    small = UserFactory(time_zone="Europe/London")
    seed_insights_data(small)
    heavy = UserFactory(time_zone="Pacific/Auckland")
    seed_years_of_entries(heavy, days=3 * 365, contacts=2000)
    assert Entry.objects.for_owner(heavy).count() == 1095

    baseline = queries_for_page(client, small)
    assert len(queries_for_page(client, heavy)) == len(baseline)
    assert len(queries_for_page(client, heavy, "?by=week&year=2024")) == len(baseline)
    # Of those, the insights make two reads (entries with their tags, contacts): none per row or per chart.
    assert len(data_reads(baseline)) == 2


def test_the_heavy_page_shows_every_year_and_full_charts(client):
    heavy = UserFactory(time_zone="America/Los_Angeles")
    seed_years_of_entries(heavy, days=3 * 365, contacts=2000)
    client.force_login(heavy)
    with time_machine.travel(noon_today(heavy.time_zone), tick=False):
        html = client.get(URL + "?by=year").content.decode()
    for year in ("2023", "2024", "2025", "2026"):
        assert f">{year}</a>" in html
    assert html.count('role="img"><title>') > 100  # this year's days so far, each labelled
