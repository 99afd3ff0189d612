"""Reach out in a real Chromium: add someone with a rhythm, write about their topic, see them suggested with
both reasons, reach out and see them move down, then find them on the safety plan from the Help link."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from connections.models import Contact, Person
from tests.factories import PASSWORD
from tests.reach_out_fixtures import add_contact, add_person

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


def person_order(page: Page) -> list[str]:
    """Names of everyone on Reach out, top to bottom (suggestions first, then everyone else)."""
    return page.locator("main [data-person-id]").evaluate_all(
        "rows => rows.map(row => row.querySelector('a').textContent.trim())"
    )


def test_add_write_see_both_reasons_reach_out_and_find_them_on_the_safety_plan(
    browser: Browser, live_server, writer, screenshot
):
    # Someone already in the circle, due but less pressingly than Sam will be.
    ana = add_person(writer, "Ana", ideal_every_days=7, time_zone="Europe/London")
    add_contact(writer, ana, timezone.now() - timedelta(days=12))
    page = signed_in(browser, live_server, writer.email)
    base = live_server.url

    # Add Sam with a rhythm, a topic and the day we were last in touch.
    page.goto(base + "/people/")
    page.get_by_role("link", name="Add someone").first.click()
    page.get_by_label("Name").fill("Sam Okafor")
    page.get_by_label("Phone").fill("call me")
    page.get_by_label("Ideally every", exact=True).fill("2")
    page.get_by_label("When were you last in touch?").fill((writer.local_today() - timedelta(days=24)).isoformat())
    page.get_by_label("Good to talk with about").fill("work")
    page.get_by_label("Private notes").fill("Ask about the new flat.")
    page.get_by_role("button", name="Add to my circle").click()
    # A phone number in the wrong shape: said plainly, and nothing typed is lost.
    expect(page.get_by_text("That phone number doesn't look right.")).to_be_visible()
    expect(page.get_by_label("Private notes")).to_have_value("Ask about the new flat.")
    screenshot(page, "person-form-error")
    page.get_by_label("Phone").fill("+44 7700 900123")
    page.get_by_role("button", name="Add to my circle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Okafor")
    expect(page.get_by_text("Ideally every 2 weeks.")).to_be_visible()
    screenshot(page, "person")
    sam = Person.objects.get(owner=writer, name="Sam Okafor")

    # Write an entry tagged with Sam's topic, through the journal's own page.
    page.goto(base + "/journal/new/")
    page.get_by_label("Title").fill("The reorganisation")
    page.get_by_label("Your entry").fill("They moved my team again and I feel lost.")
    page.get_by_label("Tags").fill("work")
    page.get_by_role("button", name="Save entry").click()
    panel = page.get_by_role("complementary", name="Would someone you trust want to hear about this?")
    expect(panel).to_contain_text("Sam is someone you talk with about work")
    screenshot(page, "reach-out-after-entry")
    panel.get_by_role("button", name="Not now").click()
    expect(panel).to_be_hidden()

    # Reach out: Sam first, with both reasons in plain words.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reach out").click()
    first = page.locator(".suggestion").first
    expect(first.get_by_role("heading", level=3)).to_have_text("Sam Okafor")
    reasons = first.get_by_role("list", name="Why Sam")
    expect(reasons).to_contain_text("It's been 24 days; you hoped for every 2 weeks.")
    expect(reasons).to_contain_text("You wrote about work once this week; Sam is someone you talk with about work.")
    assert person_order(page)[:2] == ["Sam Okafor", "Ana"]

    # The first line is the writer's to change, and the Text link carries what they wrote.
    first.get_by_label("Start from").select_option(label="A hard few days")
    starter = first.get_by_label("A first line you can change")
    expect(starter).to_have_value("Hi Sam, I'm having a hard few days. Do you have a little time to talk?")
    starter.fill("Sam, could we get a coffee this week?")
    text_link = first.get_by_role("link", name="Text Sam")
    expect(text_link).to_have_attribute("href", re.compile(r"^sms:\+447700900123\?&body=Sam%2C%20could%20we%20get"))
    expect(first.get_by_role("link", name="Call Sam")).to_have_attribute("href", "tel:+447700900123")
    screenshot(page, "reach-out")

    # One click, and Sam moves down below Ana.
    first.get_by_role("button", name="I reached out to Sam Okafor").click()
    expect(page.get_by_text("Noted: you reached out to Sam today.")).to_be_visible()
    expect(page.locator(".suggestion").first.get_by_role("heading", level=3)).to_have_text("Ana")
    order = person_order(page)
    assert order.index("Sam Okafor") > order.index("Ana")
    expect(page.locator("[data-everyone-else]")).to_contain_text("In touch today")
    assert Contact.objects.filter(person=sam, outcome="attempt").count() == 1

    # Put Sam on the safety plan.
    page.goto(base + "/help/plan/")
    page.get_by_label("Warning signs").fill("Not sleeping. Cancelling on everyone.")
    page.get_by_role("group", name="People I can ask for help").get_by_label("Sam Okafor, friend").check()
    page.get_by_role("button", name="Save my plan").click()
    expect(page.get_by_text("Your safety plan is saved.")).to_be_visible()

    # From another page, "Need help now?" opens the plan with Sam in it, then the writer's country's lines.
    page.goto(base + "/people/")
    page.get_by_role("button", name="I reached out to Ana").click()
    expect(page.get_by_text("Noted: you reached out to Ana today.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/people/$"))
    screenshot(page, "people")
    page.get_by_role("banner").get_by_role("link", name="Need help now?").click()
    expect(page).to_have_url(re.compile(r"/help/$"))
    plan = page.get_by_role("region", name="Your safety plan")
    expect(plan).to_contain_text("Not sleeping. Cancelling on everyone.")
    expect(plan.get_by_role("link", name="Sam Okafor", exact=True)).to_be_visible()
    expect(plan.get_by_role("link", name="Call Sam Okafor")).to_have_attribute("href", "tel:+447700900123")
    lines = page.get_by_role("region", name="Crisis lines in United Kingdom")
    expect(lines).to_contain_text("Samaritans")
    expect(lines.get_by_role("link", name="Call 116 123, Samaritans")).to_have_attribute("href", "tel:116123")
    screenshot(page, "help")
    page.context.close()


def test_help_works_for_a_visitor_with_a_country_chooser(browser: Browser, live_server, screenshot):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_role("banner").get_by_role("link", name="Need help now?").click()
    expect(page.get_by_role("heading", name="Crisis lines anywhere")).to_be_visible()
    page.get_by_label("Somewhere else?").select_option(label="India")
    page.get_by_role("button", name="Show lines").click()
    lines = page.get_by_role("region", name="Crisis lines in India")
    expect(lines).to_contain_text("Tele-MANAS")
    expect(lines.get_by_role("link", name="Call 14416, Tele-MANAS")).to_have_attribute("href", "tel:14416")
    screenshot(page, "help-visitor")
    context.close()


def test_crisis_words_bring_a_calm_banner_with_the_chosen_people(browser: Browser, live_server, writer, screenshot):
    from connections.services import safety_plan_save

    dr_k = add_person(writer, "Dr. K", kind="therapist", phone="020 7946 0000")
    safety_plan_save(user=writer, steps={}, distraction_people=[], help_people=[], professionals=[dr_k])
    page = signed_in(browser, live_server, writer.email)
    page.goto(live_server.url + "/journal/new/")
    page.get_by_label("Your entry").fill("Some nights I want to die. I haven't told anyone.")
    page.get_by_role("button", name="Save entry").click()
    banner = page.get_by_role("status").filter(has_text="You don't have to hold this alone")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Dr. K", exact=True)).to_be_visible()
    expect(banner.get_by_role("link", name="Call Dr. K")).to_have_attribute("href", "tel:02079460000")
    expect(banner.get_by_role("link", name="people to call right now")).to_have_attribute("href", "/help/#crisis-lines")
    screenshot(page, "crisis-banner")
    page.get_by_role("link", name="Journal").first.click()
    expect(page.get_by_text("You don't have to hold this alone")).to_have_count(0)
    page.context.close()
