"""The reminder email and its links: first names and time only, links that work without logging in, safely."""

import re
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import SMTP
from email.policy import default as default_policy
from unittest import mock
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone

from accounts.keyring import cipher_for
from connections.models import Contact, Person
from connections.nudges.emails import RFC5322_MAX_LINE, is_plain_address
from connections.nudges.models import Nudge, NudgeAction, ReminderSettings
from connections.nudges.services import nudge_send, nudges_sweep
from connections.nudges.tokens import Purpose, make_token
from journal.services import entry_create
from tests.nudges_fixtures import all_day_window, due_writer, make_due_now, smtp_mailer

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def sent_email():
    """One reminder email, sent through the real sweep and send services to the in-memory mailer."""
    now = timezone.now()
    writer = due_writer(
        "writer@example.org", now=now, names=("Sam Okafor", "Priya", "Alex", "Dana"), **all_day_window()
    )
    make_due_now(writer, now)
    nudge_id = nudges_sweep(now=now).created[0]
    assert nudge_send(nudge_id=nudge_id) == "sent"
    return writer, Nudge.objects.get(pk=nudge_id), mail.outbox[-1]


def links_in(message) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for url in LINK.findall(message.body):
        kind = url.rstrip("/").rsplit("/", 1)[-1]
        found.setdefault(kind, []).append(url)
    return found


def path_of(url: str) -> str:
    return urlsplit(url).path


def post_like_a_browser(url: str) -> tuple[Client, object]:
    """GET the confirmation page, then submit its form: CSRF enforced, no session, no login."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path_of(url))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return browser, browser.post(path_of(url), {"csrfmiddlewaretoken": token})


def test_one_email_names_at_most_three_people_by_first_name_with_how_long_it_has_been(sent_email):
    _writer, nudge, message = sent_email
    assert message.to == ["writer@example.org"]
    assert message.subject == "It's been a while since you talked with Alex, Dana and Priya"
    assert message.body.count("30 days since you were last in touch") == 3
    assert len(nudge.person_ids) == 3
    assert len(mail.outbox) == 1  # a digest, never one email per person


def test_the_email_never_carries_surnames_notes_or_journal_text():
    now = timezone.now()
    writer = due_writer("private@example.org", now=now, names=("Sam Okafor",), **all_day_window())
    sam = Person.objects.get(owner=writer)
    sam.seal_notes(cipher_for(writer), "Sam is going through chemotherapy")
    sam.save()
    entry_create(user=writer, title="Lonely Sunday", body="I miss Sam and feel awful.", entry_date=date(2026, 11, 1))
    make_due_now(writer, now)
    nudge_send(nudge_id=nudges_sweep(now=now).created[0])

    message = mail.outbox[-1]
    html = message.alternatives[0].content
    for text in (message.subject, message.body, html):
        assert "Sam" in text
        for secret in ("Okafor", "chemotherapy", "Lonely Sunday", "miss Sam", "awful"):
            assert secret not in text


def test_the_email_has_plain_text_and_html_and_one_click_unsubscribe_headers(sent_email):
    _, nudge, message = sent_email
    assert message.alternatives[0].mimetype == "text/html"
    assert "I reached out" in message.alternatives[0].content
    parsed = message.message()
    unsubscribe_url = links_in(message)["unsubscribe"][0]
    assert parsed["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Message-ID"] == nudge.message_id
    # Written on one line: a long URL folded into encoded words is no longer a URL to a mail client.
    assert b"List-Unsubscribe: <http" in parsed.as_bytes()


def with_fixed_boundary(data: bytes) -> bytes:
    """The bytes with their random MIME boundary made fixed, to compare two writings of one email."""
    boundary = re.search(rb'boundary="([^"]+)"', data).group(1)
    return data.replace(boundary, b"BOUNDARY")


def by_the_email_package(message) -> bytes:
    """What Django's own EmailMultiAlternatives.message() writes for this email, with the same long lines."""
    policy = SMTP.clone(max_line_length=RFC5322_MAX_LINE)
    return with_fixed_boundary(EmailMultiAlternatives.message(message, policy=policy).as_bytes())


def test_the_email_goes_out_exactly_as_the_email_package_would_write_it(sent_email):
    _, _, message = sent_email
    with mock.patch.object(EmailMultiAlternatives, "message", side_effect=AssertionError("the package's path")):
        sent = message.as_smtp_bytes()  # the usual email is written without building it through the package
    assert with_fixed_boundary(sent) == by_the_email_package(message)
    assert with_fixed_boundary(message.message(policy=SMTP).as_bytes()) == by_the_email_package(message)
    assert b"Content-Transfer-Encoding: 7bit" in sent


def test_unusual_but_plain_subjects_and_addresses_are_written_as_the_package_writes_them(sent_email):
    _, _, message = sent_email
    for subject, to in [
        ('Re: "quoted" (and parenthesised) =?not-encoded?= ; colons: yes', "o'brien+tag@example.org"),
        ("x" * 900, "Someone Else <someone@example.org>"),
        ("  spaced   out  ", '"Quoted, Name" <q@example.org>'),
        ("Hello", "UPPER.case{x}|~@Sub-Domain.Example.CO.UK"),
        ("Hello", '"much.more unusual"@example.org'),
        ("Hello", "a..b@example.org"),
        ("Hello", "first@example.org, second@example.org"),
    ]:
        message.subject, message.to = subject, [to]
        assert with_fixed_boundary(message.as_smtp_bytes()) == by_the_email_package(message)


def test_an_address_taken_as_plain_is_exactly_what_djangos_smtp_mailer_would_put_in_the_envelope(settings):
    settings.MAILERS = smtp_mailer(port=25)  # never connected: only its address preparation is used
    mailer = mail.mailers.default
    for address in ["writer@example.org", "o'brien+tag@example.org", "UPPER.case{x}|~@Sub-Domain.Example.CO.UK"]:
        assert is_plain_address(address)
        assert mailer.prep_address(address) == address
    unusual = ['"quoted"@example.org', "a..b@example.org", "Name <n@example.org>", "zoë@example.org", "x@[127.0.0.1]"]
    for address in unusual:
        assert not is_plain_address(address)


def test_names_beyond_ascii_arrive_intact_in_subject_and_both_bodies():
    now = timezone.now()
    writer = due_writer("zoe@example.org", now=now, names=("Zoë Ångström",), **all_day_window())
    writer.display_name = "Renée"
    writer.save()
    make_due_now(writer, now)
    nudge_send(nudge_id=nudges_sweep(now=now).created[0])

    received = message_from_bytes(mail.outbox[-1].as_smtp_bytes(), policy=default_policy)
    assert received["Subject"] == "It's been a while since you and Zoë talked"
    plain = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Hello Renée," in plain
    assert "Zoë: 30 days since you were last in touch" in plain
    assert "<strong>Zoë</strong>" in html
    assert "Ångström" not in plain + html


def test_every_link_is_absolute_and_signed_per_person_and_per_email(sent_email):
    _, _, message = sent_email
    links = links_in(message)
    assert len(links["reached-out"]) == 3
    assert len(links["snooze"]) == 3
    assert len(links["pause"]) == 1
    assert len(links["unsubscribe"]) == 1
    assert all(url.startswith("http://127.0.0.1:8000/") for urls in links.values() for url in urls)


def test_opening_a_link_only_asks_for_confirmation_and_changes_nothing(sent_email):
    writer, _, message = sent_email
    for urls in links_in(message).values():
        for url in urls:
            if "/settings/" in url:
                continue
            response = Client().get(path_of(url))
            assert response.status_code == 200
            assert b'method="post"' in response.content
    assert Contact.objects.filter(owner=writer).count() == 0
    settings_row = ReminderSettings.objects.get(writer=writer)
    assert settings_row.enabled is True
    assert settings_row.paused_until is None
    assert not Person.objects.filter(owner=writer, snoozed_until__isnull=False).exists()


def test_i_reached_out_logs_a_contact_without_logging_in_and_only_once(sent_email):
    writer, nudge, message = sent_email
    url = links_in(message)["reached-out"][0]
    first_name = re.search(r"\n(\w+): 30 days", message.body).group(1)
    person = Person.objects.get(owner=writer, name__startswith=first_name)

    browser, response = post_like_a_browser(url)
    assert response.status_code == 200
    assert f"Noted: you reached out to {first_name}" in response.content.decode()
    assert "_auth_user_id" not in browser.session  # nobody was logged in

    _, again = post_like_a_browser(url)
    assert "Already noted" in again.content.decode()
    contacts = Contact.objects.filter(person=person)
    assert contacts.count() == 1
    assert contacts.get().outcome == Contact.Outcome.ATTEMPT
    person.refresh_from_db()
    assert person.last_contact_at >= nudge.created_at
    assert NudgeAction.objects.filter(nudge=nudge, person=person, kind="reached_out").count() == 1


def test_snooze_a_week_keeps_that_person_out_of_reminders_for_seven_days(sent_email):
    writer, _, message = sent_email
    url = links_in(message)["snooze"][0]
    post_like_a_browser(url)
    snoozed = Person.objects.get(owner=writer, snoozed_until__isnull=False)
    assert snoozed.snoozed_until == writer.local_today() + timedelta(days=7)


def test_pause_for_two_weeks_moves_the_next_reminder_past_the_pause(sent_email):
    writer, _, message = sent_email
    _, response = post_like_a_browser(links_in(message)["pause"][0])
    assert "Reminders are paused" in response.content.decode()
    row = ReminderSettings.objects.get(writer=writer)
    assert row.paused_until == writer.local_today() + timedelta(days=14)
    assert row.next_nudge_at.astimezone(writer.zone).date() >= row.paused_until


def test_one_click_unsubscribe_post_works_without_cookies_or_csrf_token(sent_email):
    writer, _, message = sent_email
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider's POST: no session, no CSRF cookie
    response = mail_client.post(
        path_of(links_in(message)["unsubscribe"][0]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    row = ReminderSettings.objects.get(writer=writer)
    assert row.enabled is False
    assert row.off_reason == "unsubscribed"
    assert row.next_nudge_at is None


def test_the_other_links_refuse_a_post_without_the_confirmation_pages_csrf_token(sent_email):
    writer, _, message = sent_email
    links = links_in(message)
    for url in (links["reached-out"][0], links["snooze"][0], links["pause"][0]):
        response = Client(enforce_csrf_checks=True).post(path_of(url))
        assert response.status_code == 403
    assert Contact.objects.filter(owner=writer).count() == 0
    assert ReminderSettings.objects.get(writer=writer).paused_until is None


def test_a_tampered_link_shows_a_friendly_page_and_changes_nothing(sent_email):
    writer, _, message = sent_email
    url = links_in(message)["unsubscribe"][0]
    token = path_of(url).split("/")[2]
    tampered = path_of(url).replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    response = Client(enforce_csrf_checks=True).post(
        tampered, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert "Nothing was changed" in response.content.decode()
    assert ReminderSettings.objects.get(writer=writer).enabled is True


def test_a_link_used_for_another_purpose_is_refused(sent_email):
    writer, nudge, message = sent_email
    snooze_token = path_of(links_in(message)["snooze"][0]).split("/")[2]
    response = Client().get(f"/n/{snooze_token}/reached-out/")
    assert response.status_code == 400
    pause_token = make_token(Purpose.PAUSE, nudge_id=nudge.pk)
    assert Client().post(f"/n/{pause_token}/unsubscribe/").status_code == 400
    assert ReminderSettings.objects.get(writer=writer).enabled is True


def test_a_person_not_named_in_that_email_cannot_be_acted_on_with_its_links(sent_email, stranger):
    writer, nudge, _ = sent_email
    strangers_person = Person.objects.create(owner=stranger, name="Morgan", ideal_every_days=7)
    unnamed = Person.objects.create(owner=writer, name="Zed", ideal_every_days=7)
    for person in (strangers_person, unnamed):
        token = make_token(Purpose.REACHED_OUT, nudge_id=nudge.pk, person_id=person.pk)
        assert Client().get(f"/n/{token}/reached-out/").status_code == 400
    assert Contact.objects.count() == 0


def test_links_expire_after_thirty_days_but_unsubscribe_keeps_working(sent_email):
    writer, _, message = sent_email
    links = links_in(message)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        expired = Client().get(path_of(links["snooze"][0]))
        assert expired.status_code == 400
        assert "This link has expired" in expired.content.decode()
        assert Client().get(path_of(links["unsubscribe"][0])).status_code == 200
        one_click = Client(enforce_csrf_checks=True).post(
            path_of(links["unsubscribe"][0]),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
    assert one_click.status_code == 200
    assert ReminderSettings.objects.get(writer=writer).enabled is False


def test_unsubscribing_stops_an_email_that_was_not_sent_yet():
    now = timezone.now()
    writer = due_writer("stop@example.org", now=now, **all_day_window())
    make_due_now(writer, now)
    pending = Nudge.objects.get(pk=nudges_sweep(now=now).created[0])
    token = make_token(Purpose.UNSUBSCRIBE, nudge_id=pending.pk)
    Client().post(f"/n/{token}/unsubscribe/")
    assert nudge_send(nudge_id=pending.pk) == "not-claimed"
    assert Nudge.objects.get(pk=pending.pk).status == Nudge.Status.SKIPPED
    assert mail.outbox == []
