"""In a real Chromium: export from Settings, import a file and watch it finish, a bad file explained, sessions."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import Browser, expect

from accounts.models import ImportJob
from accounts.portability.services import import_run
from journal.services import entry_create
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAYLIO = (
    "full_date,date,weekday,time,mood,activities,note_title,note\n"
    "2026-03-01,March 1,Sunday,21:40,rad,friends | long walk,Sunday roast,Everyone came.\n"
    "2026-03-02,March 2,Monday,08:05,ecstatic,work,,\n"
)


def sign_in(browser: Browser, live_server, email: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Settings")
    return context, page


def test_export_and_import_from_settings(browser: Browser, live_server, screenshot, tmp_path):
    writer = UserFactory(email="robin@example.org")
    entry_create(user=writer, title="The long way", body="Round the reservoir.", entry_date="2026-03-14", mood=4)
    context, page = sign_in(browser, live_server, writer.email)

    page.goto(live_server.url + "/settings/")
    expect(page.get_by_role("heading", name="Your writing, to keep or to move")).to_be_visible()
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    expect(page.locator(".session-list__item")).to_contain_text("this browser")
    screenshot(page, "settings-privacy")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my export (.zip)").click()
    download = download_info.value
    assert re.fullmatch(r"held-export-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert json.loads(archive.read("held.json"))["entries"][0]["body"] == "Round the reservoir."

    page.get_by_label("File to import").set_input_files(
        files=[{"name": "daylio_export.csv", "mimeType": "text/csv", "buffer": DAYLIO.encode()}]
    )
    page.get_by_role("button", name="Import this file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from a Daylio CSV")
    expect(page.get_by_role("heading", name="Waiting to start")).to_be_visible()
    expect(page.get_by_label("Imported so far")).to_be_visible()
    screenshot(page, "import-waiting")

    # The worker's part, run here: the page asks for progress and shows the result when it is done.
    import_run(job_id=ImportJob.objects.get(owner=writer).pk)
    expect(page.get_by_role("heading", name="Your import is done")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Added: 2 entries.")).to_be_visible()
    expect(page.get_by_text("Moods other than Daylio's five (kept without a mood): 1")).to_be_visible()
    screenshot(page, "import-done")
    context.close()


def test_a_bad_file_is_explained_next_to_the_file_field(browser: Browser, live_server, screenshot):
    writer = UserFactory(email="sam@example.org")
    context, page = sign_in(browser, live_server, writer.email)
    page.goto(live_server.url + "/settings/")

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../held.json", "{}")
    page.get_by_label("File to import").set_input_files(
        files=[{"name": "held-export.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="Import this file").click()

    error = page.locator("#id_file_error")
    expect(error).to_contain_text("unsafe path")
    expect(error).to_be_in_viewport()
    assert not ImportJob.objects.exists()
    screenshot(page, "import-error")
    context.close()


def test_signing_out_everywhere_else_from_settings(browser: Browser, live_server):
    writer = UserFactory(email="alex@example.org")
    laptop, laptop_page = sign_in(browser, live_server, writer.email)
    phone, phone_page = sign_in(browser, live_server, writer.email)

    laptop_page.goto(live_server.url + "/settings/")
    expect(laptop_page.locator(".session-list__item")).to_have_count(2)
    laptop_page.get_by_role("button", name="Sign out everywhere else").click()

    phone_page.goto(live_server.url + "/settings/")
    expect(phone_page).to_have_url(re.compile(r"/accounts/login/"))
    laptop_page.goto(live_server.url + "/settings/")
    expect(laptop_page.locator(".session-list__item")).to_have_count(1)
    laptop.close()
    phone.close()
