"""Tampering: share ids, entry ids and hidden fields from another writer's share give 404 and change nothing."""

import pytest

from accounts.keyring import cipher_for
from connections.sharing import reading
from connections.sharing.models import AccessEvent, ReadMark, Share, SharedEntry
from connections.sharing.querysets import accepted_share_with_writer
from tests.factories import UserFactory
from tests.sharing_fixtures import (
    active_share,
    client_for,
    make_entry,
    make_professional,
    pick,
    start_share,
    tag_named,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shares(writer, practitioner, stranger):
    """The practitioner reads for two writers; the stranger also writes and shares with someone else."""
    other_writer = UserFactory(email="other.writer@example.org")
    mine = active_share(writer, practitioner)
    theirs = active_share(other_writer, practitioner)
    my_entry = make_entry(writer, title="Writer's own words")
    their_entry = make_entry(other_writer, title="Other writer's words")
    pick(mine, my_entry)
    pick(theirs, their_entry)
    return mine, theirs, my_entry, their_entry


def test_an_entry_of_another_share_is_not_found_through_this_share(practitioner, two_shares):
    mine, _, _, their_entry = two_shares
    reader = client_for(practitioner)

    response = reader.get(f"/practice/{mine.pk}/entries/{their_entry.pk}/")
    mark = reader.post(f"/practice/{mine.pk}/entries/{their_entry.pk}/read/", {"read": "1"})

    assert response.status_code == 404
    assert mark.status_code == 404
    assert not ReadMark.objects.exists()
    assert not AccessEvent.objects.filter(entry=their_entry).exists()


def test_a_stranger_gets_404_for_every_practice_url_of_a_share(stranger, two_shares):
    mine, _, my_entry, _ = two_shares
    client = client_for(stranger)

    for url in (
        f"/practice/{mine.pk}/",
        f"/practice/{mine.pk}/moods/",
        f"/practice/{mine.pk}/entries/{my_entry.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Writer&#x27;s own words" not in response.text
    assert client.post(f"/practice/{mine.pk}/entries/{my_entry.pk}/read/", {"read": "1"}).status_code == 404
    assert not AccessEvent.objects.exists()
    assert not ReadMark.objects.exists()


def test_a_writer_cannot_touch_another_writers_share(writer, two_shares):
    _, theirs, my_entry, their_entry = two_shares
    owner = client_for(writer)
    before = Share.objects.get(pk=theirs.pk)

    assert owner.get(f"/shares/{theirs.pk}/").status_code == 404
    assert owner.get(f"/shares/{theirs.pk}/preview/").status_code == 404
    assert owner.get(f"/shares/{theirs.pk}/preview/entries/{their_entry.pk}/").status_code == 404
    assert owner.post(f"/shares/{theirs.pk}/revoke/").status_code == 404
    assert owner.post(f"/shares/{theirs.pk}/resend/").status_code == 404
    assert owner.post(f"/shares/{theirs.pk}/agenda/", {"agenda-agenda": "hijack"}).status_code == 404
    assert owner.post(f"/shares/{theirs.pk}/entries/{my_entry.pk}/", {"picked": "1"}).status_code == 404
    assert owner.post(f"/shares/{theirs.pk}/", {"ends_on": "2099-01-01"}).status_code == 404

    after = Share.objects.get(pk=theirs.pk)
    assert (after.revoked_at, after.agenda_sealed, after.ends_on) == (None, before.agenda_sealed, before.ends_on)
    assert not SharedEntry.objects.filter(share=theirs, entry=my_entry).exists()


def test_picking_another_writers_entry_into_my_share_is_not_found(writer, two_shares):
    mine, _, _, their_entry = two_shares

    response = client_for(writer).post(f"/shares/{mine.pk}/entries/{their_entry.pk}/", {"picked": "1"})

    assert response.status_code == 404
    assert not SharedEntry.objects.filter(share=mine, entry=their_entry).exists()


def test_another_writers_tag_in_the_scope_form_is_not_found(writer, two_shares):
    mine, theirs, _, _ = two_shares
    foreign_tag = tag_named(theirs.writer, "secret")

    response = client_for(writer).post(
        f"/shares/{mine.pk}/", {"tags": [foreign_tag.pk], "ends_on": mine.ends_on.isoformat()}
    )

    assert response.status_code == 404
    assert not mine.tags.exists()


def test_starting_a_share_with_another_writers_professional_is_not_found(writer, stranger):
    their_therapist = make_professional(stranger, name="Dr. S", email="dr.s@example.org")

    response = client_for(writer).post(
        f"/people/{their_therapist.pk}/share/", {"email": "dr.s@example.org", "ends_on": "2099-01-01"}
    )

    assert response.status_code == 404
    assert not Share.objects.filter(person=their_therapist).exists()


def test_another_writers_tag_when_starting_is_not_found(writer, stranger):
    mine = make_professional(writer)
    foreign_tag = tag_named(stranger, "secret")
    ends_on = writer.local_today().replace(year=writer.local_today().year + 1)

    response = client_for(writer).post(
        f"/people/{mine.pk}/share/",
        {"email": "dr.k@example.org", "ends_on": ends_on.isoformat(), "tags": [foreign_tag.pk]},
    )

    assert response.status_code == 404
    assert not Share.objects.exists()


def test_the_writer_cannot_open_the_practitioner_side_of_their_own_share(writer, two_shares):
    mine, _, my_entry, _ = two_shares

    # Previews are the writer's way in; the practice URLs belong to the practitioner alone.
    assert client_for(writer).get(f"/practice/{mine.pk}/entries/{my_entry.pk}/").status_code == 404


def test_the_share_is_loaded_with_its_writer_and_key_only_for_the_practitioner_who_accepted_it(
    writer, practitioner, stranger, django_assert_num_queries
):
    cipher_for(writer)  # the writer's data key exists once they have written anything
    share = active_share(writer, practitioner)
    pending = start_share(writer, email="someone.else@example.org")

    loaded = accepted_share_with_writer(share.pk, practitioner)

    expected = Share.objects.select_related("writer", "writer__data_key").get(pk=share.pk)
    for original, copy in ((expected, loaded), (expected.writer, loaded.writer)):
        assert [getattr(copy, f.attname) for f in type(copy)._meta.concrete_fields] == [
            getattr(original, f.attname) for f in type(original)._meta.concrete_fields
        ]
    with django_assert_num_queries(0):
        assert reading.writer_cipher(loaded).data_key == cipher_for(writer).data_key
    assert accepted_share_with_writer(share.pk, stranger) is None
    assert accepted_share_with_writer(share.pk, writer) is None
    assert accepted_share_with_writer(pending.pk, practitioner) is None
