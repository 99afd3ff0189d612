"""A new writer signs up, confirms the email, logs in, sees home and logs out, in a real Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_log_in_and_out(browser: Browser, live_server, screenshot):
    context = browser.new_context(timezone_id="Pacific/Auckland", viewport={"width": 1280, "height": 800})
    page = context.new_page()

    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("turns you back toward your people")
    screenshot(page, "landing")

    page.get_by_role("link", name="Start writing").click()
    expect(page.get_by_label("Your time zone")).to_have_value("Pacific/Auckland")
    screenshot(page, "signup")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password", exact=True).fill("a quiet room 42")
    page.get_by_label("Password (again)").fill("a quiet room 42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify Your Email Address")

    assert User.objects.get(email="robin@example.org").time_zone == "Pacific/Auckland"
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Confirm").click()

    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Password").fill("a quiet room 42")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello.")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Reach out")
    screenshot(page, "home")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
    page.goto(live_server.url + "/settings/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    context.close()
