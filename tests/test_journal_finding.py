"""Finding entries: newest first, keyset pages, search over sealed text, filters, and a query count that
does not grow with the journal."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.models import Entry
from tests.journal_fixtures import write_entry

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)


def labels(html: str) -> list[str]:
    return [unescape(label) for label in re.findall(r'class="j-row__label[^"]*">([^<]*)<', html)]


def test_list_is_newest_first_with_date_title_or_first_line_mood_and_tags(writer_client, writer):
    write_entry(writer, title="Older", entry_date=DAY)
    write_entry(writer, body="# Harbour walk\n\nWith Sam.", entry_date=DAY + datetime.timedelta(days=1), mood=5,
                tags=["walks"])  # fmt: skip

    page = writer_client.get("/journal/").content.decode()

    assert labels(page) == ["Harbour walk", "Older"]
    assert "Tue 2 Jun 2026" in page
    assert "Mood: Very good" in page
    assert 'href="/journal/?tag=walks"' in page


def test_search_finds_entries_with_every_word_whatever_the_case_or_accents(writer_client, writer):
    write_entry(writer, title="Café with Sam", body="We talked about moving.", entry_date=DAY)
    write_entry(writer, title="Sam's garden", body="Tomatoes.", entry_date=DAY)
    write_entry(writer, title="Other", body="Nothing relevant.", entry_date=DAY)

    assert labels(writer_client.get("/journal/?q=cafe").content.decode()) == ["Café with Sam"]
    assert labels(writer_client.get("/journal/?q=SAM+moving").content.decode()) == ["Café with Sam"]
    assert sorted(labels(writer_client.get("/journal/?q=sam").content.decode())) == ["Café with Sam"]
    assert labels(writer_client.get("/journal/?q=sam's").content.decode()) == ["Sam's garden"]
    empty = writer_client.get("/journal/?q=sam+tomatoes+moving").content.decode()
    assert labels(empty) == []
    assert "Nothing matches “sam tomatoes moving”" in empty


def test_search_covers_feelings_and_tags(writer_client, writer):
    write_entry(writer, title="Marked", feelings=["lonely"], tags=["Night shift"], entry_date=DAY)
    write_entry(writer, title="Unmarked", entry_date=DAY)

    assert labels(writer_client.get("/journal/?q=lonely").content.decode()) == ["Marked"]
    assert labels(writer_client.get("/journal/?q=shift").content.decode()) == ["Marked"]


def test_search_never_shows_another_writers_entries(writer_client, writer, stranger):
    write_entry(stranger, title="Stranger harbour", body="harbour", entry_date=DAY)
    assert labels(writer_client.get("/journal/?q=harbour").content.decode()) == []


def test_filters_by_tag_mood_and_date_range(writer_client, writer):
    write_entry(writer, title="A", tags=["Family"], mood=2, entry_date=datetime.date(2026, 1, 10))
    write_entry(writer, title="B", tags=["work"], mood=2, entry_date=datetime.date(2026, 2, 10))
    write_entry(writer, title="C", tags=["family"], mood=4, entry_date=datetime.date(2026, 3, 10))

    assert labels(writer_client.get("/journal/?tag=family").content.decode()) == ["C", "A"]
    assert labels(writer_client.get("/journal/?mood=2").content.decode()) == ["B", "A"]
    assert labels(writer_client.get("/journal/?from=2026-02-01&to=2026-03-31").content.decode()) == ["C", "B"]
    assert labels(writer_client.get("/journal/?tag=family&mood=2").content.decode()) == ["A"]


def test_a_bad_filter_is_explained_and_ignored(writer_client, writer):
    write_entry(writer, title="A", entry_date=DAY)

    page = writer_client.get("/journal/?from=2026-13-45").content.decode()

    assert "That date doesn&#x27;t exist" in page
    assert labels(page) == ["A"]


def test_pages_follow_each_other_by_keyset_without_gaps_or_repeats(writer_client, writer):
    for offset in range(60):
        write_entry(writer, title=f"Entry {offset:02d}", entry_date=DAY - datetime.timedelta(days=offset // 2))

    seen: list[str] = []
    url = "/journal/"
    pages = 0
    while url:
        page = writer_client.get(url).content.decode()
        seen += labels(page)
        pages += 1
        older = re.search(r'href="\?([^"]*)" rel="next"', page)
        url = "/journal/?" + older.group(1).replace("&amp;", "&") if older else ""
    assert pages == 3
    assert len(seen) == 60
    assert len(set(seen)) == 60

    # And back: "Newer entries" from the last page gives the middle page again.
    last_page = writer_client.get(url_of_last_page(writer_client)).content.decode()
    newer = re.search(r'href="\?([^"]*)" rel="prev"', last_page).group(1).replace("&amp;", "&")
    assert labels(writer_client.get("/journal/?" + newer).content.decode()) == seen[25:50]


def url_of_last_page(client) -> str:
    url = "/journal/"
    while True:
        older = re.search(r'href="\?([^"]*)" rel="next"', client.get(url).content.decode())
        if not older:
            return url
        url = "/journal/?" + older.group(1).replace("&amp;", "&")


def test_the_list_never_uses_offset(writer_client, writer):
    write_entry(writer, entry_date=DAY)
    with CaptureQueriesContext(connection) as queries:
        writer_client.get("/journal/?after=2026-06-02.1")
    entry_queries = [q["sql"] for q in queries.captured_queries if 'FROM "journal_entry"' in q["sql"]]
    assert entry_queries
    assert not any("OFFSET" in sql for sql in entry_queries)


def test_a_malformed_page_cursor_shows_the_first_page(writer_client, writer):
    write_entry(writer, title="Only", entry_date=DAY)
    assert labels(writer_client.get("/journal/?after=yesterday").content.decode()) == ["Only"]


def list_page_query_count(client, path: str) -> int:
    client.get(path)  # the first request of a session records it (allauth user sessions): not the list's cost
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("path", ["/journal/", "/journal/?q=walk+harbour", "/journal/?tag=family&mood=3"])
def test_list_query_count_does_not_grow_with_the_number_of_entries(writer_client, writer, path):
    def add(count: int) -> None:
        for n in range(count):
            write_entry(writer, title=f"walk {n}", body="harbour", mood=3, tags=["family", f"t{n}"], entry_date=DAY)

    add(5)
    with_five = list_page_query_count(writer_client, path)
    add(45)
    with_fifty = list_page_query_count(writer_client, path)

    assert Entry.objects.for_owner(writer).count() == 50
    assert with_fifty == with_five
