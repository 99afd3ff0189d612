"""Revoke in one click, effective on the very next request; the end date works the same way."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from connections.sharing.models import AccessEvent, ReadMark
from tests.sharing_fixtures import active_share, client_for, make_entry, pick

pytestmark = pytest.mark.django_db


def shared_entry_for(writer, practitioner, **scope):
    share = active_share(writer, practitioner, **scope)
    entry = make_entry(writer, title="Sunday", body="The words only Dr. K may read.")
    pick(share, entry)
    return share, entry


def test_revoke_is_one_click_and_the_next_request_shows_the_share_has_ended(writer, practitioner):
    share, entry = shared_entry_for(writer, practitioner)
    reader = client_for(practitioner)
    assert reader.get(f"/practice/{share.pk}/entries/{entry.pk}/").status_code == 200

    response = client_for(writer).post(f"/shares/{share.pk}/revoke/")

    assert response.status_code == 302
    for url in (f"/practice/{share.pk}/", f"/practice/{share.pk}/entries/{entry.pk}/"):
        page = reader.get(url)
        assert page.status_code == 410
        assert "This share has ended" in page.text
        assert "only Dr. K may read" not in page.text


def test_after_revoke_nothing_is_logged_or_marked(writer, practitioner):
    share, entry = shared_entry_for(writer, practitioner)
    client_for(writer).post(f"/shares/{share.pk}/revoke/")
    reader = client_for(practitioner)

    reader.get(f"/practice/{share.pk}/entries/{entry.pk}/")
    reader.post(f"/practice/{share.pk}/entries/{entry.pk}/read/", {"read": "1"})

    assert not AccessEvent.objects.filter(share=share).exists()
    assert not ReadMark.objects.filter(share=share).exists()


def test_the_writer_list_drops_a_revoked_share_from_practice(writer, practitioner):
    share, _ = shared_entry_for(writer, practitioner)
    reader = client_for(practitioner)
    assert f"/practice/{share.pk}/" in reader.get("/practice/").text

    client_for(writer).post(f"/shares/{share.pk}/revoke/")

    assert f"/practice/{share.pk}/" not in reader.get("/practice/").text


def test_the_share_ends_at_the_end_of_its_last_day_in_the_writers_zone(writer, practitioner):
    writer.time_zone = "Pacific/Auckland"
    writer.save()
    share, entry = shared_entry_for(writer, practitioner, days=3)
    last_day_end = datetime.datetime.combine(
        share.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=writer.zone
    )
    reader = client_for(practitioner)

    with time_machine.travel(last_day_end - datetime.timedelta(minutes=1)):
        assert reader.get(f"/practice/{share.pk}/entries/{entry.pk}/").status_code == 200
    with time_machine.travel(last_day_end):
        page = reader.get(f"/practice/{share.pk}/entries/{entry.pk}/")
    assert page.status_code == 410
    assert "This share has ended" in page.text


def test_every_shared_response_says_no_store(writer, practitioner):
    share, entry = shared_entry_for(writer, practitioner, include_moods=True)
    reader = client_for(practitioner)
    owner = client_for(writer)

    responses = [
        reader.get("/practice/"),
        reader.get(f"/practice/{share.pk}/"),
        reader.get(f"/practice/{share.pk}/entries/{entry.pk}/"),
        reader.get(f"/practice/{share.pk}/moods/"),
        owner.get(f"/shares/{share.pk}/"),
        owner.get(f"/shares/{share.pk}/preview/"),
        owner.get(f"/shares/{share.pk}/preview/entries/{entry.pk}/"),
    ]
    owner.post(f"/shares/{share.pk}/revoke/")
    responses.append(reader.get(f"/practice/{share.pk}/"))

    for response in responses:
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_the_writer_sees_the_share_as_ended_and_cannot_change_it(writer, practitioner):
    share, _ = shared_entry_for(writer, practitioner)
    owner = client_for(writer)
    owner.post(f"/shares/{share.pk}/revoke/")

    page = owner.get(f"/shares/{share.pk}/")
    owner.post(f"/shares/{share.pk}/agenda/", {"agenda-agenda": "Too late"})

    share.refresh_from_db()
    assert "when you stopped sharing" in page.text
    assert "Stop sharing now" not in page.text
    assert share.agenda_sealed == b""


def test_an_ended_share_is_listed_until_the_writer_starts_a_new_one(writer, practitioner):
    share, _ = shared_entry_for(writer, practitioner)
    with time_machine.travel(share.ends_at + datetime.timedelta(seconds=1)):
        page = client_for(writer).get("/shares/")
        assert f"Ended on {share.ends_on.day}" in page.text
        start = client_for(writer).get(f"/people/{share.person_id}/share/")
    assert start.status_code == 200  # a fresh invitation can be sent


def test_revoking_twice_keeps_the_first_time(writer, practitioner):
    share, _ = shared_entry_for(writer, practitioner)
    owner = client_for(writer)
    owner.post(f"/shares/{share.pk}/revoke/")
    share.refresh_from_db()
    first = share.revoked_at

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        owner.post(f"/shares/{share.pk}/revoke/")

    share.refresh_from_db()
    assert share.revoked_at == first


def test_a_practitioner_who_deletes_their_account_ends_the_share(writer, practitioner):
    from accounts.services import account_delete

    share, _ = shared_entry_for(writer, practitioner)

    account_delete(user=practitioner)

    share.refresh_from_db()
    assert share.status == "ended"
    assert "Ended on" in client_for(writer).get("/shares/").text


def test_deleting_the_writers_account_deletes_their_shares_and_log(writer, practitioner):
    from accounts.services import account_delete
    from connections.sharing.models import Share

    share, entry = shared_entry_for(writer, practitioner)
    client_for(practitioner).get(f"/practice/{share.pk}/entries/{entry.pk}/")

    account_delete(user=writer)

    assert not Share.objects.filter(pk=share.pk).exists()
    assert not AccessEvent.objects.exists()
    assert client_for(practitioner).get(f"/practice/{share.pk}/").status_code == 404


def test_removing_the_professional_from_people_keeps_the_share_under_their_name(writer, practitioner):
    share, _ = shared_entry_for(writer, practitioner)

    share.person.delete()

    page = client_for(writer).get(f"/shares/{share.pk}/")
    assert page.status_code == 200
    assert "Sharing with Dr. K" in page.text
