"""Accounts: sign-up with a validated time zone, mandatory verification, settings, and real deletion."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models

from accounts.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, **overrides):
    data = {
        "email": "new@example.org",
        "password1": "a quiet room 42",
        "password2": "a quiet room 42",
        "time_zone": "America/New_York",
        "country": "US",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_sign_up_keeps_the_browser_time_zone_and_country(client):
    sign_up(client)
    user = User.objects.get(email="new@example.org")
    assert user.time_zone == "America/New_York"
    assert user.country == "US"


def test_sign_up_with_an_unknown_time_zone_is_refused_and_keeps_what_was_typed(client):
    response = sign_up(client, time_zone="Mars/Olympus_Mons")
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()
    page = response.content.decode()
    assert "is not a time zone we know" in page
    assert 'value="new@example.org"' in page


def test_sign_up_requires_verification_before_the_journal_opens(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert client.get("/settings/").status_code == 302  # not logged in until verified

    link = re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(email="new@example.org").verified


def test_login_with_an_unverified_email_sends_a_new_link_instead_of_logging_in(client):
    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="unverified@example.org", verified=False)
    response = client.post("/accounts/login/", {"login": "unverified@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_login_rate_limit_stops_guessing_even_with_the_right_password_next(client, writer, password):
    for attempt in range(6):
        client.post("/accounts/login/", {"login": writer.email, "password": f"wrong {attempt}"})
    response = client.post("/accounts/login/", {"login": writer.email, "password": password})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_settings_changes_time_zone_and_country(writer_client, writer):
    response = writer_client.post(
        "/settings/", {"display_name": "Robin", "time_zone": "Asia/Kolkata", "country": "IN"}, follow=True
    )
    assert "Your profile is saved." in response.content.decode()
    writer.refresh_from_db()
    assert (writer.time_zone, writer.country, writer.display_name) == ("Asia/Kolkata", "IN", "Robin")


def test_settings_refuses_an_unknown_time_zone(writer_client, writer):
    response = writer_client.post("/settings/", {"display_name": "Robin", "time_zone": "Nowhere/Land", "country": ""})
    assert response.status_code == 200
    assert "is not a time zone we know" in response.content.decode()
    writer.refresh_from_db()
    assert writer.time_zone == "Europe/London"


def test_delete_account_with_the_wrong_password_deletes_nothing(writer_client, writer):
    response = writer_client.post("/settings/delete/", {"password": "not it", "confirm": "on"})
    assert response.status_code == 200
    assert "That password is not right." in response.content.decode()
    assert User.objects.filter(pk=writer.pk).exists()


def rows_pointing_at(user_id: int) -> dict[str, int]:
    """Every row in any model with a foreign key to the user model, by model."""
    found = {}
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is User:
                count = model._default_manager.filter(**{model_field.attname: user_id}).count()
                if count:
                    found[f"{model._meta.label}.{model_field.name}"] = count
    return found


def test_delete_account_leaves_no_row_of_the_user_behind(client, writer, password):
    client.post("/accounts/login/", {"login": writer.email, "password": password})
    assert UserSession.objects.filter(user=writer).exists()
    user_id = writer.pk
    assert rows_pointing_at(user_id)  # the check below can fail: the account does own rows now

    response = client.post("/settings/delete/", {"password": password, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user_id).exists()
    assert rows_pointing_at(user_id) == {}
    assert not Session.objects.exists()
    assert "_auth_user_id" not in client.session
