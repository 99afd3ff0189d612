"""Scope: hand-picked entries (the switch on each entry), tags, a date on; never drafts, Trash or anything else.
"Preview as Dr. K" shows exactly what the practitioner sees."""

import datetime

import pytest

from connections.sharing import services
from connections.sharing.models import SharedEntry
from connections.sharing.querysets import entries_in_scope, scoped_entry_rows
from journal.models import Entry
from tests.sharing_fixtures import (
    active_share,
    client_for,
    make_draft,
    make_entry,
    pick,
    start_share,
    tag_named,
)

pytestmark = pytest.mark.django_db


def days_ago(user, days: int) -> datetime.date:
    return user.local_today() - datetime.timedelta(days=days)


def titles_seen(client, share) -> str:
    return client.get(f"/practice/{share.pk}/").text


def test_hand_picked_entries_are_shared_and_others_are_not(writer, practitioner):
    share = active_share(writer, practitioner)
    chosen = make_entry(writer, title="Chosen")
    make_entry(writer, title="Not chosen")

    pick(share, chosen)

    page = titles_seen(client_for(practitioner), share)
    assert "Chosen" in page
    assert "Not chosen" not in page


def test_entries_with_a_shared_tag_are_shared(writer, practitioner):
    share = active_share(writer, practitioner, tags=["therapy"])
    make_entry(writer, title="Tagged for therapy", tags=["therapy", "sleep"])
    make_entry(writer, title="Only about sleep", tags=["sleep"])

    page = titles_seen(client_for(practitioner), share)

    assert "Tagged for therapy" in page
    assert "Only about sleep" not in page


def test_every_entry_from_a_date_on_is_shared(writer, practitioner):
    share = active_share(writer, practitioner, entries_from=days_ago(writer, 7))
    make_entry(writer, title="Last week", entry_date=days_ago(writer, 7))
    make_entry(writer, title="Last month", entry_date=days_ago(writer, 30))

    page = titles_seen(client_for(practitioner), share)

    assert "Last week" in page
    assert "Last month" not in page


def test_an_entry_matching_several_rules_appears_once(writer, practitioner):
    share = active_share(writer, practitioner, tags=["therapy"], entries_from=days_ago(writer, 7))
    entry = make_entry(writer, title="Twice over", tags=["therapy"])
    pick(share, entry)

    assert list(entries_in_scope(share)) == [entry]


def test_the_practitioners_pages_read_exactly_the_entries_in_scope(writer, practitioner, stranger):
    """The feed and entry pages read through their own SQL; it must give the same answer as entries_in_scope."""
    share = active_share(writer, practitioner, entries_from=days_ago(writer, 10), tags=["therapy"])
    recent = make_entry(writer, title="Recent", entry_date=days_ago(writer, 2), tags=["Work", "anxiety"])
    on_the_day = make_entry(writer, title="On the day", entry_date=days_ago(writer, 10))
    tagged = make_entry(writer, title="Tagged", entry_date=days_ago(writer, 40), tags=["therapy"])
    picked = make_entry(writer, title="Picked", entry_date=days_ago(writer, 50))
    both = make_entry(writer, title="Both", entry_date=days_ago(writer, 60), tags=["therapy"])
    pick(share, picked, both)
    make_entry(writer, title="Too old", entry_date=days_ago(writer, 11), tags=["sleep"])
    binned = make_entry(writer, title="Binned", entry_date=days_ago(writer, 1), tags=["therapy"], in_trash=True)
    pick(share, binned)
    elsewhere = make_entry(stranger, title="Stranger", entry_date=days_ago(stranger, 1), tags=["therapy"])
    services.share_mark_read(share=share, entry=tagged, read=True)

    rows = scoped_entry_rows(share, limit=100)

    expected = list(entries_in_scope(share).newest_first())
    assert (
        [row.id for row in rows]
        == [entry.pk for entry in expected]
        == [recent.pk, on_the_day.pk, tagged.pk, picked.pk, both.pk]
    )
    assert rows[0].tag_names == ["anxiety", "Work"]
    assert rows[2].tag_names == ["therapy"]
    assert [row.is_marked_read for row in rows] == [False, False, True, False, False]
    for entry in [*expected, binned, elsewhere, Entry.objects.get(owner=writer, entry_date=days_ago(writer, 11))]:
        assert bool(scoped_entry_rows(share, entry_id=entry.pk, limit=1)) == (entry in expected)


def test_trash_drafts_and_other_writers_are_never_in_scope(writer, practitioner, stranger):
    share = active_share(writer, practitioner, entries_from=days_ago(writer, 30), tags=["therapy"])
    binned = make_entry(writer, title="In the bin", tags=["therapy"], in_trash=True)
    pick(share, binned)
    make_draft(writer, title="Half a thought", body="unfinished")
    make_entry(stranger, title="Someone else entirely", tags=["therapy"])

    page = titles_seen(client_for(practitioner), share)
    opened = client_for(practitioner).get(f"/practice/{share.pk}/entries/{binned.pk}/")

    assert "In the bin" not in page
    assert "Half a thought" not in page
    assert "Someone else entirely" not in page
    assert opened.status_code == 404


def test_changing_the_scope_applies_on_the_next_request(writer, practitioner):
    share = active_share(writer, practitioner, tags=["therapy"])
    make_entry(writer, title="Therapy notes", tags=["therapy"])
    make_entry(writer, title="Work worries", tags=["work"])
    reader = client_for(practitioner)
    assert "Work worries" not in titles_seen(reader, share)

    client_for(writer).post(
        f"/shares/{share.pk}/",
        {"tags": [tag_named(writer, "work").pk], "ends_on": share.ends_on.isoformat()},
    )

    page = titles_seen(reader, share)
    assert "Work worries" in page
    assert "Therapy notes" not in page


def test_the_switch_on_an_entry_shares_and_unshares_it(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Switch me")
    owner = client_for(writer)

    response = owner.post(f"/shares/{share.pk}/entries/{entry.pk}/", {"picked": "1", "next": f"/journal/{entry.pk}/"})
    assert response["Location"] == f"/journal/{entry.pk}/"
    assert "Switch me" in titles_seen(client_for(practitioner), share)

    owner.post(f"/shares/{share.pk}/entries/{entry.pk}/", {"picked": "0"})
    assert "Switch me" not in titles_seen(client_for(practitioner), share)


def test_the_switch_never_redirects_off_site(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Stay here")

    response = client_for(writer).post(
        f"/shares/{share.pk}/entries/{entry.pk}/", {"picked": "1", "next": "https://evil.example/"}
    )

    assert response["Location"] == f"/shares/{share.pk}/"


def test_the_entry_panel_shows_the_switch_state_and_read_by(writer, practitioner, rf):
    from django.template import Context, Template

    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Panel")
    pick(share, entry)
    client_for(practitioner).post(f"/practice/{share.pk}/entries/{entry.pk}/read/", {"read": "1"})
    request = rf.get(f"/journal/{entry.pk}/")
    request.user = writer

    html = Template('{% include "sharing/_entry_share_panel.html" %}').render(
        Context({"entry": entry, "request": request})
    )

    assert 'role="switch" aria-checked="true"' in html
    assert "Share with Dr. K" in html
    assert "Read by Dr. K" in html


def test_the_entry_panel_says_when_an_entry_is_shared_anyway_by_tag(writer, practitioner, rf):
    from django.template import Context, Template

    active_share(writer, practitioner, tags=["therapy"])
    entry = make_entry(writer, title="Tagged", tags=["therapy"])
    request = rf.get(f"/journal/{entry.pk}/")
    request.user = writer

    html = Template('{% include "sharing/_entry_share_panel.html" %}').render(
        Context({"entry": entry, "request": request})
    )

    assert 'aria-checked="false"' in html
    assert "can read this entry anyway" in html


def test_the_entry_panel_is_empty_for_anyone_but_the_writer(writer, practitioner, rf):
    from django.template import Context, Template

    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Mine")
    pick(share, entry)
    request = rf.get(f"/journal/{entry.pk}/")
    request.user = practitioner

    html = Template('{% include "sharing/_entry_share_panel.html" %}').render(
        Context({"entry": entry, "request": request})
    )

    assert "Share with" not in html


def test_the_person_panel_offers_share_with_for_a_professional(writer, rf):
    from django.template import Context, Template

    from tests.sharing_fixtures import make_professional

    person = make_professional(writer, name="Dr. K")
    request = rf.get(f"/people/{person.pk}/")
    request.user = writer

    html = Template('{% include "sharing/_person_share_panel.html" %}').render(
        Context({"person": person, "request": request})
    )

    assert f'href="/people/{person.pk}/share/"' in html
    assert "Share with Dr. K" in html


def test_preview_shows_exactly_what_the_practitioner_sees_without_logging(writer, practitioner):
    share = active_share(writer, practitioner, tags=["therapy"], include_moods=False)
    shared = make_entry(writer, title="Visible", body="Seen by both.", tags=["therapy"], mood=2)
    make_entry(writer, title="Hidden", body="Only mine.")
    owner = client_for(writer)

    preview = owner.get(f"/shares/{share.pk}/preview/")
    preview_entry = owner.get(f"/shares/{share.pk}/preview/entries/{shared.pk}/")
    practitioner_view = client_for(practitioner).get(f"/practice/{share.pk}/")

    assert "Preview as Dr. K" in preview.text
    assert [e.id for e in preview.context["page"].entries] == [e.id for e in practitioner_view.context["page"].entries]
    assert "Hidden" not in preview.text
    assert "Seen by both." in preview_entry.text
    assert "Mood 2 of 5" not in preview_entry.text  # moods are not shared, so the preview hides them too
    assert share.access_events.filter(kind="entry").count() == 0


def test_preview_works_before_the_invitation_is_accepted(writer):
    share = start_share(writer, tags=["therapy"])
    make_entry(writer, title="Ready for Dr. K", tags=["therapy"])

    page = client_for(writer).get(f"/shares/{share.pk}/preview/")

    assert "Ready for Dr. K" in page.text


def test_picks_are_kept_when_an_entry_goes_to_trash_but_not_shown(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="Binned later")
    pick(share, entry)
    entry.deleted_at = entry.created_at
    entry.save()

    assert SharedEntry.objects.filter(share=share, entry=entry).exists()
    assert "Binned later" not in titles_seen(client_for(practitioner), share)


def test_the_entry_page_carries_the_switch_and_the_person_page_the_invitation(writer, practitioner):
    share = active_share(writer, practitioner)
    entry = make_entry(writer, title="On the page")
    owner = client_for(writer)

    entry_page = owner.get(f"/journal/{entry.pk}/")
    person_page = owner.get(f"/people/{share.person_id}/")

    assert f'action="/shares/{share.pk}/entries/{entry.pk}/"' in entry_page.text
    assert 'role="switch" aria-checked="false"' in entry_page.text
    assert f'href="/shares/{share.pk}/"' in person_page.text
