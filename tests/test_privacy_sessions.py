"""Sessions: Settings lists where you are signed in and can end the others; logging out ends it on the server."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.sessions import describe_user_agent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def signed_in(user, user_agent: str) -> Client:
    browser = Client(HTTP_USER_AGENT=user_agent)
    response = browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_settings_lists_every_browser_you_are_signed_in_on(writer):
    laptop = signed_in(writer, FIREFOX_LINUX)
    signed_in(writer, SAFARI_IPHONE)

    html = laptop.get("/settings/").content.decode()

    assert "Where you are signed in" in html
    assert '<strong>Firefox on Linux</strong> <span class="session-list__this">this browser</span>' in html
    assert "<strong>Safari on iPhone</strong>" in html
    assert "Sign out everywhere else" in html


def test_signing_out_everywhere_else_ends_the_other_sessions_on_the_server(writer):
    laptop = signed_in(writer, FIREFOX_LINUX)
    phone = signed_in(writer, SAFARI_IPHONE)
    phone_session = phone.cookies["sessionid"].value

    response = laptop.post("/accounts/sessions/", {})

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=phone_session).exists()
    assert phone.get("/settings/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/settings/").status_code == 200
    assert UserSession.objects.filter(user=writer).count() == 1


def test_with_one_session_there_is_nothing_else_to_end(writer):
    laptop = signed_in(writer, FIREFOX_LINUX)
    html = laptop.get("/settings/").content.decode()
    assert "You are signed in here only." in html
    assert "Sign out everywhere else" not in html


def test_logging_out_ends_the_session_on_the_server(writer):
    browser = signed_in(writer, FIREFOX_LINUX)
    session_key = browser.cookies["sessionid"].value
    assert Session.objects.filter(session_key=session_key).exists()

    browser.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=session_key).exists()
    assert not UserSession.objects.filter(session_key=session_key).exists()
    # A copy of the old cookie, replayed, opens nothing.
    thief = Client()
    thief.cookies["sessionid"] = session_key
    assert thief.get("/settings/")["Location"].startswith("/accounts/login/")


def test_a_strangers_sessions_are_never_listed(writer, stranger):
    laptop = signed_in(writer, FIREFOX_LINUX)
    signed_in(stranger, SAFARI_IPHONE)
    assert "iPhone" not in laptop.get("/settings/").content.decode()


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (FIREFOX_LINUX, "Firefox on Linux"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "A browser"),
    ],
)
def test_sessions_are_described_in_words(user_agent, words):
    assert describe_user_agent(user_agent) == words
