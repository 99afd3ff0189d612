""" "Preview as Dr. K" and the shared mood chart in a real Chromium, before Dr. K has even accepted."""

import datetime

import pytest
from playwright.sync_api import Browser, expect

from connections.sharing import services
from tests.factories import PASSWORD
from tests.sharing_fixtures import make_entry, start_share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_writer_previews_the_feed_the_agenda_and_the_mood_chart(browser: Browser, live_server, screenshot, writer):
    today = writer.local_today()
    for days_ago in range(0, 60, 3):
        make_entry(
            writer,
            title=f"Week note {days_ago}",
            body="Slept badly, then better.",
            entry_date=today - datetime.timedelta(days=days_ago),
            mood=1 + days_ago % 5,
            tags=["sleep"],
        )
    make_entry(writer, title="Private", body="Not in the preview.", entry_date=today)
    share = start_share(writer, tags=["sleep"], include_moods=True)
    services.share_update_agenda(share=share, agenda="How the new routine is going.\nMy sister's visit.")

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/shares/{share.pk}/")
    page.get_by_label("Email").fill(writer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("link", name="Preview as Dr. K").click()
    expect(page.get_by_role("note")).to_contain_text("This is exactly what they see")
    expect(page.get_by_role("heading", name="For our next session")).to_be_visible()
    expect(page.get_by_text("Private")).to_have_count(0)
    expect(page.locator(".shared-entry").first).to_contain_text("Mood 1 of 5, very low")
    screenshot(page, "sharing-preview-feed")

    page.get_by_role("link", name="Mood over time").click()
    expect(page.get_by_role("img", name="Mood by week, from shared entries")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("of 5")
    screenshot(page, "sharing-preview-moods")
    context.close()
