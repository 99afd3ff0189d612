"""The practitioner's side: /practice/ lists who shares, each feed is newest first, read-only, with read marks."""

import datetime
import re

import pytest

from connections.sharing import services
from connections.sharing.models import AccessEvent, ReadMark
from tests.sharing_fixtures import active_share, client_for, make_entry, pick, start_share

pytestmark = pytest.mark.django_db


def days_ago(writer, days: int) -> datetime.date:
    return writer.local_today() - datetime.timedelta(days=days)


def test_practice_lists_writers_who_currently_share(writer, practitioner, stranger):
    writer.display_name = "Robin"
    writer.save()
    active_share(writer, practitioner, entries_from=days_ago(writer, 10))
    ended = active_share(stranger, practitioner, entries_from=days_ago(stranger, 10))
    from connections.sharing import services

    services.share_revoke(share=ended)

    page = client_for(practitioner).get("/practice/")

    assert page.status_code == 200
    assert "Robin" in page.text
    assert "stranger@example.org" not in page.text


def test_feed_shows_shared_entries_newest_first_and_nothing_else(writer, practitioner):
    share = active_share(writer, practitioner)
    older = make_entry(writer, title="The long walk", body="Rain all day.", entry_date=days_ago(writer, 5))
    newer = make_entry(writer, title="After the call", body="Felt lighter.", entry_date=days_ago(writer, 1))
    make_entry(writer, title="Kept to myself", body="Not for sharing.", entry_date=days_ago(writer, 2))
    pick(share, older, newer)

    page = client_for(practitioner).get(f"/practice/{share.pk}/")

    assert page.status_code == 200
    assert page.text.index("After the call") < page.text.index("The long walk")
    assert "Felt lighter." in page.text
    assert "Kept to myself" not in page.text


def test_each_feed_row_links_to_its_entry_with_its_date_mood_and_tags_in_words(writer, practitioner):
    share = active_share(writer, practitioner, include_moods=True)
    titled = make_entry(
        writer, title="Sunday", body="Slept.", entry_date=datetime.date(2026, 3, 3), mood=4, tags=["work", "Sleep"]
    )
    untitled = make_entry(writer, body="No title today.", entry_date=datetime.date(2026, 2, 28))
    pick(share, titled, untitled)

    page = client_for(practitioner).get(f"/practice/{share.pk}/").text

    assert f'<a href="/practice/{share.pk}/entries/{titled.pk}/">Sunday</a>' in page
    assert '<time datetime="2026-03-03">Tuesday 3 March 2026</time> · Mood 4 of 5, good · Sleep, work' in page
    assert f'<a href="/practice/{share.pk}/entries/{untitled.pk}/">Untitled entry</a>' in page
    assert '<time datetime="2026-02-28">Saturday 28 February 2026</time></p>' in page


def test_feed_rows_show_the_writers_words_as_text_never_as_markup(writer, practitioner):
    share = active_share(writer, practitioner, include_moods=True)
    entry = make_entry(writer, title="<b>Bold</b> & brave", body='<script>alert("x")</script> "quoted"', tags=["a<b"])
    pick(share, entry)
    services.share_mark_read(share=share, entry=entry, read=True)

    page = client_for(practitioner).get(f"/practice/{share.pk}/").text

    assert "<script>" not in page
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; brave</a>" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;quoted&quot;</p>" in page
    assert " · a&lt;b</p>" in page
    assert '<span aria-hidden="true">✓</span> You marked this read</p>' in page


def test_the_practitioners_own_journal_never_mixes_into_a_shared_feed(writer, practitioner):
    share = active_share(writer, practitioner, entries_from=days_ago(writer, 30))
    make_entry(writer, title="Robin's entry")
    make_entry(practitioner, title="My own notes on the week")

    page = client_for(practitioner).get(f"/practice/{share.pk}/")

    assert "Robin&#x27;s entry" in page.text or "Robin's entry" in page.text
    assert "My own notes on the week" not in page.text


def test_agenda_for_the_next_session_is_at_the_top(writer, practitioner):
    from connections.sharing import services

    share = active_share(writer, practitioner, entries_from=days_ago(writer, 30))
    make_entry(writer, title="Tuesday")
    services.share_update_agenda(share=share, agenda="Talk about my sister's visit.")

    page = client_for(practitioner).get(f"/practice/{share.pk}/")

    assert "For our next session" in page.text
    assert page.text.index("my sister") < page.text.index("Tuesday")


def test_opening_an_entry_shows_it_rendered_and_logs_the_read(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Sunday", body="I *finally* slept.", mood=4, tags=["sleep"])
    pick(share, entry)

    page = client_for(practitioner).get(f"/practice/{share.pk}/entries/{entry.pk}/")

    assert page.status_code == 200
    assert "<em>finally</em>" in page.text
    assert "Tags: sleep" in page.text
    assert AccessEvent.objects.filter(share=share, kind="entry", entry=entry, reader=practitioner).count() == 1


def test_mood_is_hidden_unless_the_writer_shares_moods(writer, practitioner):
    share = active_share(writer, practitioner, include_moods=False)
    entry = make_entry(writer, title="Grey", mood=1)
    pick(share, entry)

    page = client_for(practitioner).get(f"/practice/{share.pk}/entries/{entry.pk}/")
    moods = client_for(practitioner).get(f"/practice/{share.pk}/moods/")

    assert "Very low" not in page.text
    assert "very low" not in page.text
    assert moods.status_code == 404


def test_mood_chart_covers_only_shared_entries(writer, practitioner):
    share = active_share(writer, practitioner, include_moods=True, tags=["work"])
    make_entry(writer, title="In scope", mood=5, tags=["work"], entry_date=days_ago(writer, 1))
    make_entry(writer, title="Out of scope", mood=1, entry_date=days_ago(writer, 1))

    page = client_for(practitioner).get(f"/practice/{share.pk}/moods/")

    assert page.status_code == 200
    assert "<svg" in page.text
    assert "5.0 of 5" in page.text
    assert "3.0 of 5" not in page.text


def test_practitioner_marks_an_entry_read_and_the_writer_sees_read_by(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Sunday")
    pick(share, entry)

    response = client_for(practitioner).post(f"/practice/{share.pk}/entries/{entry.pk}/read/", {"read": "1"})

    assert response.status_code == 302
    assert ReadMark.objects.filter(share=share, entry=entry).exists()
    writer_page = client_for(writer).get(f"/shares/{share.pk}/")
    assert "Read by Dr. K" in writer_page.text
    feed = client_for(practitioner).get(f"/practice/{share.pk}/")
    assert "You marked this read" in feed.text


def test_practitioner_can_unmark_an_entry(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Sunday")
    pick(share, entry)
    client = client_for(practitioner)
    client.post(f"/practice/{share.pk}/entries/{entry.pk}/read/", {"read": "1"})

    client.post(f"/practice/{share.pk}/entries/{entry.pk}/read/", {"read": "0"})

    assert not ReadMark.objects.filter(share=share, entry=entry).exists()


def test_practitioner_cannot_write_edit_or_see_the_writers_journal_pages(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Sunday", body="Only for me and Dr. K.")
    pick(share, entry)
    client = client_for(practitioner)

    # The writer's own routes answer the practitioner as any stranger: 404, never the entry.
    for url in (f"/journal/{entry.pk}/", f"/journal/{entry.pk}/edit/", f"/shares/{share.pk}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Only for me" not in response.text
    # The practitioner's routes accept no writes beyond the read mark.
    assert client.post(f"/practice/{share.pk}/entries/{entry.pk}/").status_code == 405
    assert client.post(f"/practice/{share.pk}/", {"body": "a comment"}).status_code == 405


def test_feed_pages_through_older_entries(writer, practitioner):
    share = active_share(writer, practitioner, entries_from=days_ago(writer, 100))
    for day in range(30):
        make_entry(writer, title=f"Day {day:02d}", entry_date=days_ago(writer, day))
    client = client_for(practitioner)

    first = client.get(f"/practice/{share.pk}/")
    assert "Day 00" in first.text
    assert "Day 19" in first.text
    assert "Day 20" not in first.text
    older_link = re.search(r'href="(\?after=[^"]+)">Older entries', first.text).group(1)
    second = client.get(f"/practice/{share.pk}/{older_link}")

    assert "Day 20" in second.text
    assert "Day 29" in second.text
    assert "Day 19" not in second.text
    assert "Older entries" not in second.text


def test_a_pending_share_is_not_readable_by_anyone_yet(writer, practitioner):
    share = start_share(writer, email=practitioner.email, entries_from=days_ago(writer, 3))
    make_entry(writer, title="Too soon")

    response = client_for(practitioner).get(f"/practice/{share.pk}/")

    assert response.status_code == 404


def test_the_practitioners_export_holds_only_their_own_journal(writer, practitioner):
    import io
    import zipfile

    share = active_share(writer, practitioner)
    pick(share, make_entry(writer, title="Robin's shared evening", body="Shared, never exported by anyone else."))
    make_entry(practitioner, title="Dr. K's own notebook")
    client = client_for(practitioner)
    client.get(f"/practice/{share.pk}/")

    response = client.post("/settings/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    everything = "".join(archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist())

    assert "Dr. K's own notebook" in everything
    assert "Robin's shared evening" not in everything
    assert "never exported" not in everything


def test_header_links_to_shared_journals_after_signing_in_with_an_active_share(
    client, writer, practitioner, stranger, password
):
    active_share(writer, practitioner)

    for account, expected in ((practitioner, True), (stranger, False), (writer, False)):
        client.post("/accounts/login/", {"login": account.email, "password": password})
        assert ('href="/practice/"' in client.get("/journal/").text) is expected, account.email
        client.post("/accounts/logout/")
