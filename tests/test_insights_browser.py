"""The insights page and the late-night note in a real Chromium, with JavaScript off: the charts need none.

Screenshots (test-artifacts/screenshots/): insights-{360,1280}-{light,dark}.png,
insights-week-{360,1280}-{light,dark}.png and home-late-night-{360,1280}-{light,dark}.png.
"""

import datetime

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect

from connections.models import Person
from journal.models import Entry
from tests.factories import PASSWORD, UserFactory
from tests.insights_fixtures import local, noon_today, seed_insights_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser: Browser, live_server, email: str) -> Page:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    return page


def test_insights_page_reads_without_javascript_in_light_and_dark(browser: Browser, live_server, screenshot):
    writer = UserFactory(email="robin@example.org", time_zone="Europe/London")
    seed_insights_data(writer)
    with time_machine.travel(noon_today(writer.time_zone), tick=True):
        page = log_in(browser, live_server, writer.email)
        page.goto(live_server.url + "/journal/insights/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your patterns")

        # Each day of the pixel grid is an image with its own name; the mood is in words, not only colour.
        expect(
            page.get_by_role("img", name="Monday 2 March 2026: mood 3.5 of 5 on average, about good")
        ).to_be_visible()
        expect(page.get_by_role("img", name="Average mood by month")).to_be_visible()

        finding = page.locator("#with-people .insight-finding").first
        expect(finding).to_contain_text("On the 7 days you logged a contact, your mood averaged 4.1.")

        # Tables are folded away and open with a click (a <details>, no script).
        page.get_by_text("Mood over time as a table").click()
        expect(page.get_by_role("table").filter(has_text="Average mood by month").first).to_be_visible()
        screenshot(page, "insights")

        page.get_by_role("link", name="By week").click()
        expect(page.get_by_role("link", name="By week")).to_have_attribute("aria-current", "true")
        expect(page.get_by_role("img", name="Average mood by week")).to_be_visible()
        screenshot(page, "insights-week")
        page.context.close()


def test_late_night_note_on_home_suggests_someone_and_can_be_put_away(browser: Browser, live_server, screenshot):
    writer = UserFactory(email="sam@example.org", time_zone="America/Los_Angeles")
    zone = writer.zone
    Person.objects.create(owner=writer, name="Priya Shah", last_contact_at=local(zone, "2026-03-22 18:00"))
    Person.objects.create(owner=writer, name="Jo", last_contact_at=local(zone, "2026-04-10 18:00"))
    # Monday 13 to Wednesday 15 April 2026: three nights written after midnight, nobody logged this week.
    for day, moment in ((13, "2026-04-13 00:40"), (14, "2026-04-14 01:55"), (15, "2026-04-15 02:10")):
        entry = Entry.objects.create(owner=writer, entry_date=datetime.date(2026, 4, day - 1), mood=2)
        Entry.objects.filter(pk=entry.pk).update(created_at=local(zone, moment))
    with time_machine.travel(noon_today(writer.time_zone), tick=True):
        page = log_in(browser, live_server, writer.email)
        note = page.get_by_role("region", name="You’ve been writing late. Who could you tell tomorrow?")
        expect(note).to_be_visible()
        expect(note).to_contain_text("Maybe Priya Shah. It has been 24 days since you were last in touch.")
        screenshot(page, "home-late-night")

        note.get_by_role("button", name="Not this week").click()
        expect(page.get_by_text("We won’t ask again this week.")).to_be_visible()
        expect(page.get_by_text("You’ve been writing late.")).to_have_count(0)
        page.reload()
        expect(page.get_by_text("You’ve been writing late.")).to_have_count(0)
        page.context.close()
