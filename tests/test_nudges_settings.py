"""Settings, Reminders: choices with clear messages, a history of what was sent and clicked, a private calendar."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.keyring import cipher_for
from accounts.models import User
from connections.models import Person
from connections.nudges.calendar import AllDayEvent, calendar_text, fold
from connections.nudges.models import Nudge, ReminderSettings
from connections.nudges.services import link_target, nudge_link_use, nudge_send, nudges_sweep
from connections.nudges.tokens import LinkClaim, Purpose
from tests.factories import PASSWORD
from tests.nudges_fixtures import all_day_window, due_writer, make_due_now, make_person

pytestmark = pytest.mark.django_db

EVERY_DAY = [str(day) for day in range(7)]


def reminders_form(**changes) -> dict:
    data = {
        "enabled": "on",
        "window_start": "09:00",
        "window_end": "10:00",
        "days": EVERY_DAY,
        "quiet_start": "",
        "quiet_end": "",
        "every_days": "3",
        "paused_until": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_settings_shows_reminders_with_gentle_defaults(writer_client):
    page = writer_client.get("/settings/").content.decode()
    assert 'id="reminders"' in page
    assert 'name="window_start" value="09:00"' in page
    assert 'name="window_end" value="10:00"' in page
    assert 'name="every_days" value="3"' in page
    assert len(re.findall(r'<input type="checkbox" name="days" value="\d"[^>]*checked', page)) == 7
    assert "Reminder history" in page
    assert "No reminder emails yet" in page


def test_reminder_settings_need_a_login(client):
    response = client.get("/settings/reminders/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_saving_choices_moves_the_next_reminder_into_the_new_window(writer_client, writer):
    make_person(writer, "Sam", now=timezone.now())
    response = writer_client.post(
        "/settings/reminders/", reminders_form(window_start="18:30", window_end="19:30", days=["5"], every_days="7")
    )
    assert response.status_code == 302
    row = ReminderSettings.objects.get(writer=writer)
    assert (row.every_days, row.days) == (7, frozenset({5}))
    upcoming = row.next_nudge_at.astimezone(writer.zone)
    assert (upcoming.weekday(), upcoming.hour, upcoming.minute) == (5, 18, 30)
    page = writer_client.get("/settings/").content.decode()
    assert "Saturday" in page
    assert "Your reminder settings are saved." in page


def test_a_window_ending_before_it_starts_is_explained_and_nothing_typed_is_lost(writer_client, writer):
    response = writer_client.post(
        "/settings/reminders/", reminders_form(window_start="18:00", window_end="08:00", every_days="5")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The window should end after it starts" in page
    assert 'value="18:00"' in page
    assert 'value="08:00"' in page
    assert 'name="every_days" value="5"' in page
    assert not ReminderSettings.objects.filter(writer=writer).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quiet_start": "08:00", "quiet_end": "11:00"}, "Your quiet hours cover the whole window"),
        ({"quiet_start": "22:00"}, "Quiet hours need a start and an end"),
        ({"every_days": "0"}, "At least one day between emails."),
        ({"days": []}, "Pick at least one day, or turn reminders off."),
        ({"paused_until": "2020-01-01"}, "Pick today or a later date"),
    ],
)
def test_choices_that_cannot_work_get_a_clear_message(writer_client, changes, message):
    response = writer_client.post("/settings/reminders/", reminders_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_quiet_hours_may_cross_midnight(writer_client, writer):
    response = writer_client.post(
        "/settings/reminders/",
        reminders_form(window_start="06:00", window_end="09:00", quiet_start="22:00", quiet_end="07:00"),
    )
    assert response.status_code == 302
    row = ReminderSettings.objects.get(writer=writer)
    assert (row.quiet_start.hour, row.quiet_end.hour) == (22, 7)


def test_turning_reminders_off_clears_the_schedule(writer_client, writer):
    make_person(writer, "Sam", now=timezone.now())
    assert ReminderSettings.objects.get(writer=writer).next_nudge_at is not None
    writer_client.post("/settings/reminders/", reminders_form(enabled=None))
    row = ReminderSettings.objects.get(writer=writer)
    assert (row.enabled, row.next_nudge_at) == (False, None)


def test_history_shows_what_was_sent_when_and_what_was_clicked(client):
    now = timezone.now()
    writer = due_writer("history@example.org", now=now, names=("Sam", "Priya"), **all_day_window())
    make_due_now(writer, now)
    nudge = Nudge.objects.get(pk=nudges_sweep(now=now).created[0])
    nudge_send(nudge_id=nudge.pk)
    sam = Person.objects.get(owner=writer, name="Sam")
    nudge_link_use(purpose=Purpose.SNOOZE, target=link_target(LinkClaim(nudge_id=nudge.pk, person_id=sam.pk)))

    client.force_login(writer)
    page = client.get("/settings/").content.decode()
    history = page[page.index("Reminder history") :]
    assert "Sent" in history
    assert "About Priya, Sam." in history
    assert "you snoozed Sam for a week" in history
    local_sent = nudge.created_at.astimezone(writer.zone)
    assert f"{local_sent:%-d %B %Y, %H:%M}" in history


def test_history_is_the_writers_own(client, stranger):
    now = timezone.now()
    writer = due_writer("mine@example.org", now=now, names=("Sam",), **all_day_window())
    make_due_now(writer, now)
    nudge_send(nudge_id=nudges_sweep(now=now).created[0])
    client.force_login(stranger)
    page = client.get("/settings/").content.decode()
    assert "About Sam" not in page
    assert "No reminder emails yet" in page


def test_saving_settings_sends_nothing_by_itself(writer_client):
    # Saving settings sends nothing by itself: reminders come from the sweep, in the window.
    writer_client.post("/settings/reminders/", reminders_form())
    assert mail.outbox == []


# --- the calendar feed ---------------------------------------------------------------------------------------


def feed_path(page: str) -> str:
    return re.search(r'value="http://[^/]+(/reminders/calendar/[^"]+\.ics)"', page).group(1)


def test_private_calendar_address_lists_upcoming_reach_outs(writer_client, writer):
    now = timezone.now()
    sam = make_person(writer, "Sam Okafor", now=now, every_days=7, quiet_days=30)
    sam.seal_notes(cipher_for(writer), "going through chemo")
    sam.save()
    make_person(writer, "Priya", now=now, every_days=14, quiet_days=2)

    page = writer_client.post("/settings/reminders/calendar/", {"action": "regenerate"}, follow=True)
    path = feed_path(page.content.decode())
    response = Client().get(path)  # a calendar app: no login

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Reach out to Sam\r\n" in body
    assert f"DTSTART;VALUE=DATE:{writer.local_today():%Y%m%d}" in body  # Sam is due already: today
    priya_day = writer.local_today() + timedelta(days=12)
    assert f"DTSTART;VALUE=DATE:{priya_day:%Y%m%d}" in body
    assert "Okafor" not in body
    assert "chemo" not in body


def test_a_new_calendar_address_retires_the_old_one_and_it_can_be_turned_off(writer_client):
    first = feed_path(
        writer_client.post("/settings/reminders/calendar/", {"action": "regenerate"}, follow=True).content.decode()
    )
    second = feed_path(
        writer_client.post("/settings/reminders/calendar/", {"action": "regenerate"}, follow=True).content.decode()
    )
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    writer_client.post("/settings/reminders/calendar/", {"action": "off"})
    assert Client().get(second).status_code == 404
    assert Client().get("/reminders/calendar/guess.ics").status_code == 404


def test_calendar_text_is_escaped_and_folded_at_75_octets():
    event = AllDayEvent(uid="x@held", day=date(2026, 3, 8), summary="Reach out to Zoë, Ana; and \\ friends " * 4)
    text = calendar_text([event], now=timezone.now(), name="Held")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Reach out to Zoë\\, Ana\\; and \\\\ friends" in unfolded
    assert "DTEND;VALUE=DATE:20260309" in unfolded
    # A multi-byte character is never split across a fold.
    assert fold("A" * 74 + "ë" + "B" * 10).split("\r\n ")[0] == "A" * 74


# --- operators -----------------------------------------------------------------------------------------------


def test_operators_see_delivery_status_and_times_but_no_names(client):
    now = timezone.now()
    writer = due_writer("ops@example.org", now=now, names=("Ellery",), **all_day_window())
    make_due_now(writer, now)
    nudge = Nudge.objects.get(pk=nudges_sweep(now=now).created[0])
    operator = User.objects.create_superuser("operator@held.example", PASSWORD)
    client.force_login(operator)
    for path in (
        "/operator/nudges/nudge/",
        f"/operator/nudges/nudge/{nudge.pk}/change/",
        "/operator/nudges/remindersettings/",
        f"/operator/nudges/remindersettings/{writer.pk}/change/",
    ):
        page = client.get(path).content.decode()
        assert "Ellery" not in page, path
    listing = client.get("/operator/nudges/nudge/").content.decode()
    assert "pending" in listing.lower()


# --- the account going away ----------------------------------------------------------------------------------


def test_deleting_an_account_removes_its_reminders_deliveries_and_clicks():
    from accounts.services import account_delete
    from connections.models import Contact
    from connections.nudges.models import NudgeAction
    from connections.services import contact_log

    now = timezone.now()
    writer = due_writer("leaving@example.org", now=now, names=("Sam", "Priya"), **all_day_window())
    for person in Person.objects.filter(owner=writer):
        contact_log(user=writer, person=person, outcome=Contact.Outcome.ATTEMPT, happened_at=now - timedelta(days=20))
    make_due_now(writer, now)
    nudge = Nudge.objects.get(pk=nudges_sweep(now=now).created[0])
    sam = Person.objects.get(owner=writer, name="Sam")
    nudge_link_use(purpose=Purpose.SNOOZE, target=link_target(LinkClaim(nudge_id=nudge.pk, person_id=sam.pk)))

    account_delete(user=writer)
    connection.check_constraints()  # what the commit would check: no row may point at the deleted account

    assert not ReminderSettings.objects.filter(writer_id=writer.pk).exists()
    assert not Nudge.objects.filter(writer_id=writer.pk).exists()
    assert not NudgeAction.objects.filter(nudge_id=nudge.pk).exists()
