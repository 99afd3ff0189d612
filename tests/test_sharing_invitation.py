"""Starting a share from a professional in People, and accepting it with exactly the invited, verified address."""

import datetime
import re
from urllib.parse import quote

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from connections.models import Kind, Person
from connections.sharing import services
from connections.sharing.models import Share
from tests.factories import PASSWORD, UserFactory
from tests.sharing_fixtures import client_for, make_entry, make_professional, start_share

pytestmark = pytest.mark.django_db


def invitation_path(share: Share) -> str:
    """Deliver the invitation as the Celery task would, and return the link's path from the email."""
    mail.outbox.clear()
    assert services.share_invitation_deliver(share_id=share.pk)
    return re.search(r"https?://[^/\s]+(/shares/invitation/\S+/)", mail.outbox[-1].body).group(1)


def test_writer_starts_a_share_from_a_professional(writer, django_capture_on_commit_callbacks):
    person = make_professional(writer, name="Dr. K", email="dr.k@example.org")
    ends_on = writer.local_today() + datetime.timedelta(days=30)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(writer).post(
            f"/people/{person.pk}/share/",
            {"email": "dr.k@example.org", "ends_on": ends_on.isoformat(), "include_moods": "on"},
        )

    share = Share.objects.get(writer=writer)
    assert response.status_code == 302
    assert response["Location"] == f"/shares/{share.pk}/"
    assert share.status == "pending"
    assert share.ends_on == ends_on
    assert share.include_moods
    assert len(callbacks) == 1  # the invitation email, queued once the share is saved


def test_the_start_form_suggests_the_persons_address_and_ninety_days(writer):
    person = make_professional(writer, email="k@clinic.example")

    page = client_for(writer).get(f"/people/{person.pk}/share/")

    assert 'value="k@clinic.example"' in page.text
    assert (writer.local_today() + datetime.timedelta(days=90)).isoformat() in page.text


def test_a_past_end_date_is_refused_in_words_and_keeps_what_was_typed(writer):
    person = make_professional(writer)
    yesterday = writer.local_today() - datetime.timedelta(days=1)

    page = client_for(writer).post(
        f"/people/{person.pk}/share/", {"email": "someone.else@example.org", "ends_on": yesterday.isoformat()}
    )

    assert page.status_code == 200
    assert "Choose today or a later day" in page.text
    assert 'value="someone.else@example.org"' in page.text
    assert not Share.objects.exists()


def test_only_a_professional_can_be_invited(writer):
    friend = Person.objects.create(owner=writer, name="Sam", kind=Kind.TRUSTED, email="sam@example.org")

    assert client_for(writer).get(f"/people/{friend.pk}/share/").status_code == 404


def test_the_invitation_email_carries_no_journal_content(writer, practitioner):
    make_entry(writer, title="The hardest week", body="What my father said at dinner.")
    share = start_share(writer, email=practitioner.email, entries_from=writer.local_today())
    services.share_update_agenda(share=share, agenda="The dinner with my father.")

    path = invitation_path(share)

    message = mail.outbox[-1]
    assert message.to == [practitioner.email]
    everything = message.subject + message.body + message.alternatives[0].content
    for private in ("hardest week", "father", "dinner"):
        assert private not in everything
    assert "/shares/invitation/" in path
    expires = (share.invited_at + datetime.timedelta(days=14)).astimezone(writer.zone)
    assert f"works until {expires.day} {expires:%B %Y}" in message.body


def test_practitioner_with_the_invited_verified_address_accepts(writer, practitioner):
    share = start_share(writer, email=practitioner.email)
    path = invitation_path(share)
    client = client_for(practitioner)

    page = client.get(path)
    assert "Accept and start reading" in page.text
    response = client.post(path)

    share.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/practice/{share.pk}/"
    assert share.practitioner == practitioner
    assert share.status == "active"


def test_the_address_matches_whatever_its_case(writer):
    practitioner = UserFactory(email="Dr.K@Example.org")
    share = start_share(writer, email="dr.k@example.org")

    client_for(practitioner).post(invitation_path(share))

    share.refresh_from_db()
    assert share.practitioner == practitioner


def test_another_account_cannot_accept(writer, stranger):
    share = start_share(writer, email="dr.k@example.org")
    path = invitation_path(share)
    client = client_for(stranger)

    page = client.get(path)
    assert "sent to a different email address" in page.text
    assert "Accept and start reading" not in page.text
    client.post(path)

    share.refresh_from_db()
    assert share.practitioner is None
    assert share.status == "pending"


def test_an_unverified_address_cannot_accept(writer):
    unverified = UserFactory(email="dr.k@example.org", verified=False)
    share = start_share(writer, email="dr.k@example.org")

    page = client_for(unverified).post(invitation_path(share))

    share.refresh_from_db()
    assert "Confirm your email address first" in page.text
    assert share.practitioner is None


def test_a_second_verified_address_on_the_account_counts(writer, stranger):
    EmailAddress.objects.create(user=stranger, email="work.address@example.org", verified=True, primary=False)
    share = start_share(writer, email="work.address@example.org")

    client_for(stranger).post(invitation_path(share))

    share.refresh_from_db()
    assert share.practitioner == stranger


def test_the_writer_cannot_accept_their_own_invitation(writer):
    EmailAddress.objects.create(user=writer, email="second@example.org", verified=True, primary=False)
    share = start_share(writer, email="second@example.org")

    page = client_for(writer).post(invitation_path(share))

    share.refresh_from_db()
    assert "your own invitation" in page.text
    assert share.practitioner is None


def test_a_visitor_is_asked_to_log_in_or_sign_up_and_comes_back(writer, client):
    share = start_share(writer, email="dr.k@example.org")
    path = invitation_path(share)

    page = client.get(path)

    assert page.status_code == 200
    assert f'href="/accounts/login/?next={quote(path)}"' in page.text
    assert f'href="/accounts/signup/?next={quote(path)}"' in page.text


def test_a_new_practitioner_signs_up_with_the_invited_address_then_accepts(writer, client):
    share = start_share(writer, email="new.therapist@example.org")
    path = invitation_path(share)

    client.post(
        "/accounts/signup/",
        {"email": "new.therapist@example.org", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "UTC"},
    )
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    client.post(confirm)
    client.post("/accounts/login/", {"login": "new.therapist@example.org", "password": PASSWORD})
    response = client.post(path)

    share.refresh_from_db()
    assert response.status_code == 302
    assert share.practitioner.email == "new.therapist@example.org"


def test_the_link_expires_after_fourteen_days(writer, practitioner):
    share = start_share(writer, email=practitioner.email, days=60)
    path = invitation_path(share)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=14, minutes=1)):
        page = client_for(practitioner).post(path)

    share.refresh_from_db()
    assert page.status_code == 410
    assert "This invitation has expired" in page.text
    assert share.practitioner is None


def test_a_new_invitation_replaces_the_old_link(writer, practitioner):
    share = start_share(writer, email=practitioner.email)
    old_path = invitation_path(share)

    client_for(writer).post(f"/shares/{share.pk}/resend/")
    new_path = invitation_path(share)
    client = client_for(practitioner)

    assert client.get(old_path).status_code == 404
    assert client.post(new_path).status_code == 302


def test_a_hand_edited_link_is_not_found(writer, practitioner):
    share = start_share(writer, email=practitioner.email)
    path = invitation_path(share)

    assert client_for(practitioner).get(path[:-3] + "xx/").status_code == 404


def test_a_revoked_invitation_cannot_be_accepted(writer, practitioner):
    share = start_share(writer, email=practitioner.email)
    path = invitation_path(share)
    services.share_revoke(share=share)

    page = client_for(practitioner).post(path)

    share.refresh_from_db()
    assert "This share has ended" in page.text
    assert share.practitioner is None


def test_once_accepted_the_link_leads_the_practitioner_to_the_feed_and_nobody_else_anywhere(
    writer, practitioner, stranger
):
    share = start_share(writer, email=practitioner.email)
    path = invitation_path(share)
    client_for(practitioner).post(path)

    assert client_for(practitioner).get(path)["Location"] == f"/practice/{share.pk}/"
    assert client_for(stranger).get(path).status_code == 404
