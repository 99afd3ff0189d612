"""Sharing in a real Chromium, two browser contexts side by side: the writer invites Dr. K; Dr. K accepts, reads
two entries and marks one read; the writer sees the access log and the read mark, then stops sharing; Dr. K's
next click shows "This share has ended". The invitation travels through a real worker and a real SMTP server."""

import datetime
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.sharing_fixtures import mailing_worker, make_entry, make_professional  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.usefixtures("mailing_worker"),
    pytest.mark.django_db(transaction=True),
]


def log_in(page: Page, base_url: str, email: str, path: str = "/") -> None:
    page.goto(base_url + "/accounts/login/?next=" + path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_writer_shares_practitioner_reads_writer_sees_and_revokes(
    browser: Browser, live_server, smtp_sink, screenshot, writer, practitioner
):
    writer.display_name = "Robin"
    writer.save()
    today = writer.local_today()
    person = make_professional(writer, name="Dr. K", email=practitioner.email)
    first = make_entry(
        writer,
        title="The morning after",
        body="I finally said it out loud.\n\nIt was *easier* than I feared.",
        entry_date=today - datetime.timedelta(days=1),
        mood=4,
        tags=["family"],
    )
    second = make_entry(writer, title="A quiet Sunday", body="Walked by the river.", entry_date=today, mood=3)
    make_entry(writer, title="Not for anyone", body="This one stays mine.", entry_date=today)

    writer_context = browser.new_context(viewport={"width": 1280, "height": 800}, timezone_id="Europe/London")
    reader_context = browser.new_context(viewport={"width": 1280, "height": 800}, timezone_id="Europe/London")
    writer_page = writer_context.new_page()
    reader_page = reader_context.new_page()

    # The writer invites Dr. K from their person page, and picks two entries with the switch on each.
    log_in(writer_page, live_server.url, writer.email, f"/people/{person.pk}/")
    writer_page.get_by_role("link", name="Share with Dr. K").click()
    expect(writer_page.get_by_label("Their email address")).to_have_value(practitioner.email)
    screenshot(writer_page, "sharing-start-form")
    writer_page.get_by_role("button", name="Send the invitation").click()
    expect(writer_page.get_by_role("heading", level=1)).to_have_text("Sharing with Dr. K")
    for entry in (first, second):
        writer_page.goto(f"{live_server.url}/journal/{entry.pk}/")
        switch = writer_page.get_by_role("switch", name="Share with Dr. K")
        expect(switch).to_have_attribute("aria-checked", "false")
        switch.click()
        expect(writer_page.get_by_role("switch", name="Share with Dr. K")).to_have_attribute("aria-checked", "true")
    screenshot(writer_page, "sharing-entry-switch")

    # Dr. K opens the link from the email, logs in with the invited address and accepts.
    (invitation,) = smtp_sink.wait_for(1, timeout=30)
    text = invitation.get_body(("plain",)).get_content()
    assert "finally said it" not in text
    path = re.search(r"https?://[^/\s]+(/shares/invitation/\S+/)", text).group(1)
    reader_page.goto(live_server.url + path)
    expect(reader_page.get_by_role("heading", level=1)).to_contain_text("Robin would like to share")
    screenshot(reader_page, "sharing-invitation")
    reader_page.get_by_role("link", name="Log in to accept").click()
    reader_page.get_by_label("Email").fill(practitioner.email)
    reader_page.get_by_label("Password").fill(PASSWORD)
    reader_page.get_by_role("button", name="Sign In").click()
    reader_page.get_by_role("button", name="Accept and start reading").click()

    expect(reader_page.get_by_role("heading", level=1)).to_have_text("Robin")
    titles = reader_page.locator(".shared-entry__title")
    expect(titles).to_have_text(["A quiet Sunday", "The morning after"])  # newest first, and only these two
    expect(reader_page.get_by_text("Not for anyone")).to_have_count(0)
    screenshot(reader_page, "sharing-practitioner-feed")

    # Dr. K reads both entries and marks one read.
    reader_page.get_by_role("link", name="The morning after").click()
    expect(reader_page.locator(".prose em")).to_have_text("easier")
    reader_page.get_by_role("button", name="Mark as read").click()
    expect(reader_page.get_by_text("You marked this read.")).to_be_visible()
    screenshot(reader_page, "sharing-practitioner-entry")
    reader_page.get_by_role("link", name="All entries Robin shares").click()
    reader_page.get_by_role("link", name="A quiet Sunday").click()
    expect(reader_page.get_by_text("Walked by the river.")).to_be_visible()

    # The writer sees who read what, and when, and the read mark; then stops sharing in one click.
    writer_page.goto(f"{live_server.url}/journal/{first.pk}/")
    expect(writer_page.get_by_text("Read by Dr. K")).to_be_visible()
    writer_page.goto(f"{live_server.url}/shares/")
    writer_page.get_by_role("link", name="Dr. K").click()
    expect(writer_page.locator(".access-log")).to_contain_text(re.compile(r"Dr\. K read 2 entries today, \d\d:\d\d"))
    expect(writer_page.locator(".read-marks")).to_contain_text("The morning after")
    screenshot(writer_page, "sharing-writer-share-page")
    writer_page.get_by_role("button", name="Stop sharing now").click()
    expect(writer_page.get_by_text("Sharing with Dr. K has stopped.")).to_be_visible()

    # Dr. K's very next click shows the share has ended, and nothing of the journal.
    reader_page.get_by_role("link", name="All entries Robin shares").click()
    expect(reader_page.get_by_role("heading", level=1)).to_have_text("This share has ended")
    expect(reader_page.get_by_text("Walked by the river.")).to_have_count(0)
    screenshot(reader_page, "sharing-practitioner-ended")

    writer_context.close()
    reader_context.close()
