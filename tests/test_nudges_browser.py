"""Reminders in a real Chromium: choose when they come, read the email, use its links without logging in."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from connections.models import Contact
from connections.nudges.models import ReminderSettings
from connections.nudges.services import nudge_send, nudges_sweep
from tests.factories import PASSWORD
from tests.nudges_fixtures import all_day_window, due_writer, make_due_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser: Browser, live_server, email: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/London")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    return page


def test_choose_when_reminders_come_read_one_and_use_its_links(browser: Browser, live_server, screenshot):
    now = timezone.now()
    writer = due_writer("robin@example.org", now=now, names=("Sam Okafor", "Priya"), **all_day_window())
    make_due_now(writer, now)
    nudge_send(nudge_id=nudges_sweep(now=now).created[0])
    message = mail.outbox[-1]

    # Settings: the writer picks evenings on weekdays, quiet hours across midnight, one email a week at most.
    page = signed_in(browser, live_server, writer.email)
    page.goto(live_server.url + "/settings/#reminders")
    reminders = page.locator("#reminders")
    expect(reminders.get_by_label("Send me reminder emails")).to_be_checked()
    reminders.get_by_label("From", exact=True).fill("18:30")
    reminders.get_by_label("Until", exact=True).fill("19:30")
    reminders.get_by_label("Saturday").uncheck()
    reminders.get_by_label("Sunday").uncheck()
    reminders.get_by_label("Quiet from").fill("22:00")
    reminders.get_by_label("Quiet until").fill("07:00")
    reminders.get_by_label("At most one email every").fill("7")
    reminders.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Your reminder settings are saved.")).to_be_visible()
    row = ReminderSettings.objects.get(writer=writer)
    assert (row.window_start.hour, row.window_start.minute, row.every_days) == (18, 30, 7)
    assert row.days == frozenset(range(5))
    expect(page.locator("#reminder-history")).to_contain_text("About Priya, Sam.")
    page.locator("#reminders").scroll_into_view_if_needed()
    screenshot(page, "nudges-settings")

    # A mistake is explained, and what was typed stays.
    reminders = page.locator("#reminders")
    reminders.get_by_label("Until", exact=True).fill("17:00")
    reminders.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("The window should end after it starts")).to_be_visible()
    expect(page.get_by_label("From", exact=True)).to_have_value("18:30")
    screenshot(page, "nudges-settings-error")
    page.context.close()

    # The email itself, as a mail client shows its HTML.
    reader = browser.new_context(viewport={"width": 1280, "height": 900})
    mail_view = reader.new_page()
    mail_view.set_content(message.alternatives[0].content)
    expect(mail_view.get_by_role("link", name="I reached out")).to_have_count(2)
    screenshot(mail_view, "nudges-email")

    # Its "I reached out" link, opened by someone who is not logged in: confirm first, then it is noted.
    link = re.search(r"https?://[^/\s]+(/n/\S+/reached-out/)", message.body).group(1)
    visitor = reader.new_page()
    visitor.goto(live_server.url + link)
    heading = visitor.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"You reached out to (Sam|Priya)\?"))
    assert Contact.objects.filter(owner=writer).count() == 0
    screenshot(visitor, "nudges-link-confirm")
    visitor.get_by_role("button", name=re.compile("Yes, I reached out to")).click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Noted: you reached out to")
    assert Contact.objects.filter(owner=writer).count() == 1
    screenshot(visitor, "nudges-link-done")

    visitor.goto(live_server.url + link.replace("/n/", "/n/x"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("This link does not work")
    screenshot(visitor, "nudges-link-bad")
    reader.close()
