"""A writer, in a real Chromium: writes, finds, edits, meets a second tab, loses the network and the session,
and never loses a word."""

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.keyring import cipher_for
from journal.models import Draft, Entry
from tests.factories import PASSWORD
from tests.journal_fixtures import write_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser: Browser, live_server, email: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/London")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    return context, page


def sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_write_find_edit_conflict_offline_trash_and_restore(browser: Browser, live_server, writer, screenshot):
    write_entry(writer, title="An older day", tags=["family"])
    context, page = signed_in_context(browser, live_server, writer.email)
    journal = live_server.url + "/journal/"

    # Write, with mood, feelings and tags.
    page.goto(journal + "new/")
    expect(page.get_by_role("heading", name="A prompt, if it helps")).to_be_visible()
    screenshot(page, "journal-new")
    page.get_by_label("Title").fill("Harbour walk")
    page.get_by_label("Your entry").fill("Walked to the harbour with Sam.\n\nThe light was *soft*.")
    page.get_by_label("Good", exact=True).check()
    page.locator("summary", has_text="Feelings").click()
    page.get_by_label("calm", exact=True).check()
    page.get_by_label("grateful", exact=True).check()
    tags = page.get_by_label("Tags")
    tags.fill("familly, walks")
    expect(page.locator("[data-journal-tag-hint]")).to_contain_text("Did you mean “family”?")
    page.get_by_role("button", name="Use “family”").click()
    expect(tags).to_have_value("family, walks")
    page.get_by_role("button", name="Save entry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour walk")
    expect(page.locator(".j-entry__body em")).to_have_text("soft")
    expect(page.locator(".j-entry__facts")).to_contain_text("Mood ●●●●○ Good")
    expect(page.get_by_text("calm, grateful")).to_be_visible()
    entry = Entry.objects.get(owner=writer, entry_date=writer.local_today(), mood=4)
    assert sorted(tag.name for tag in entry.tags.all()) == ["family", "walks"]
    screenshot(page, "journal-entry")

    # Find it by search.
    page.goto(journal)
    page.get_by_label("Search", exact=True).fill("harbour sam")
    page.get_by_role("button", name="Search").click()
    rows = page.locator(".j-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Harbour walk")
    expect(rows.first).to_contain_text("Mood: Good")
    screenshot(page, "journal-list")

    # Edit it.
    rows.first.get_by_role("link").first.click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Your entry").fill("Walked to the harbour with Sam. We talked about Dad.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".j-entry__body")).to_contain_text("We talked about Dad.")

    # Two tabs: the second one saves an older version and is shown both.
    edit_url = f"{journal}{entry.pk}/edit/"
    second_tab = context.new_page()
    second_tab.goto(edit_url)
    page.goto(edit_url)
    page.get_by_label("Your entry").fill("First tab's words.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".j-entry__body")).to_contain_text("First tab's words.")
    second_tab.get_by_label("Your entry").fill("Second tab's words.")
    second_tab.get_by_role("button", name="Save changes").click()
    expect(second_tab.get_by_role("heading", level=1)).to_have_text("This entry changed while you were editing")
    expect(second_tab.get_by_test_id("saved-version")).to_contain_text("First tab's words.")
    expect(second_tab.get_by_label(re.compile("^Your entry"))).to_have_value("Second tab's words.")
    screenshot(second_tab, "journal-conflict")
    second_tab.get_by_label(re.compile("^Your entry")).fill("Second tab's words, and the first tab's.")
    second_tab.get_by_role("button", name="Save your version").click()
    expect(second_tab.locator(".j-entry__body")).to_contain_text("Second tab's words, and the first tab's.")
    second_tab.close()

    # Offline mid-typing: the text stays in the browser, and comes back.
    page.goto(journal + "new/")
    body = page.get_by_label("Your entry")
    body.fill("Started online.")
    expect(page.locator("[data-journal-status]")).to_contain_text("Saved", timeout=15_000)
    draft_url = page.url
    assert "?draft=" in draft_url
    context.set_offline(True)
    body.press("End")
    body.type(" Then the train went into a tunnel.")
    expect(page.locator("[data-journal-status]")).to_contain_text("offline", timeout=15_000)
    page.close()
    context.set_offline(False)

    page = context.new_page()
    page.goto(draft_url)
    # Back from this browser's copy, or from the save Chromium sent as the tab closed: either way, all of it.
    expect(page.get_by_label("Your entry")).to_have_value("Started online. Then the train went into a tunnel.")
    expect(page.locator("[data-journal-status]")).to_contain_text(re.compile("saved", re.IGNORECASE), timeout=15_000)
    draft = Draft.objects.get(owner=writer, entry__isnull=True)
    assert draft.body(cipher_for(writer)) == "Started online. Then the train went into a tunnel."
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".j-entry__body")).to_contain_text("Then the train went into a tunnel.")
    assert not Draft.objects.filter(owner=writer).exists()

    # The saved text is forgotten by the browser: a new page starts blank.
    page.goto(journal + "new/")
    expect(page.get_by_label("Your entry")).to_have_value("")

    # Delete it, and restore it from Trash.
    page.goto(f"{journal}{entry.pk}/")
    page.get_by_role("button", name="Move to Trash").click()
    expect(page.get_by_text("Moved to Trash.")).to_be_visible()
    expect(page.locator(".j-row", has_text="Harbour walk")).to_have_count(0)
    page.get_by_role("link", name="Trash").first.click()
    page.get_by_role("button", name="Restore Harbour walk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour walk")
    expect(page.get_by_text("Restored. It's back in your journal.")).to_be_visible()

    page.goto(journal + "calendar/")
    expect(page.get_by_role("table")).to_contain_text(f"{entry.entry_date.day}")
    screenshot(page, "journal-calendar")
    context.close()


def test_an_expired_session_brings_the_writer_back_to_the_text(browser: Browser, live_server, writer, screenshot):
    context, page = signed_in_context(browser, live_server, writer.email)
    page.goto(live_server.url + "/journal/new/")
    context.clear_cookies(name="sessionid")  # the session ends while the page is open

    page.get_by_label("Title").fill("Letter to Dad")
    page.get_by_label("Your entry").fill("I kept meaning to call you.")
    status = page.locator("[data-journal-status]")
    expect(status).to_contain_text("You've been signed out", timeout=15_000)
    status.get_by_role("link", name="Sign in to keep going").click()

    sign_in(page, writer.email)
    expect(page).to_have_url(re.compile(r"/journal/new/"))
    expect(page.get_by_label("Title")).to_have_value("Letter to Dad")
    expect(page.get_by_label("Your entry")).to_have_value("I kept meaning to call you.")
    expect(status).to_contain_text("Saved", timeout=15_000)
    screenshot(page, "journal-restored")
    draft = Draft.objects.get(owner=writer)
    assert draft.title(cipher_for(writer)) == "Letter to Dad"

    page.goto(live_server.url + "/journal/drafts/")
    expect(page.get_by_role("link", name="Letter to Dad").first).to_be_visible()
    screenshot(page, "journal-drafts")
    context.close()
