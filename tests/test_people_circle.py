"""The circle (/people/): adding, editing, pausing and removing people, bad input, and strangers."""

import pytest
from django.urls import reverse

from connections.models import Contact, Person
from tests.reach_out_fixtures import add_person

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Sam Okafor",
    "relationship": "friend",
    "kind": "trusted",
    "phone": "+44 7700 900123",
    "email": "sam@example.org",
    "handle": "@sam on Signal",
    "time_zone": "Europe/Lisbon",
    "ideal_every": "2",
    "ideal_unit": "weeks",
    "too_long_after": "30",
    "too_long_unit": "days",
    "topics": "work, running",
    "notes": "Loves long walks; ask about her new job.",
}


def test_empty_circle_invites_adding_someone(writer_client):
    response = writer_client.get("/people/")
    assert response.status_code == 200
    assert "Who holds you in mind?" in response.content.decode()


def test_adding_a_person_with_a_rhythm_topics_and_sealed_notes(writer_client, writer):
    response = writer_client.post("/people/add/", GOOD)
    person = Person.objects.get(owner=writer)
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[person.pk])
    assert person.name == "Sam Okafor"
    assert (person.ideal_every_days, person.too_long_after_days) == (14, 30)
    assert sorted(tag.name for tag in person.topics.all()) == ["running", "work"]
    # The notes are stored sealed: the plain words are not in the row.
    assert b"long walks" not in bytes(person.notes_sealed)
    page = writer_client.get(response["Location"]).content.decode()
    assert "Loves long walks; ask about her new job." in page
    assert "Ideally every 2 weeks; too long after 30 days" in page


def test_the_circle_page_lists_people_with_their_rhythm(writer_client, writer):
    add_person(writer, "Ana", ideal_every_days=7)
    add_person(writer, "Dr. K", kind="therapist")
    page = writer_client.get("/people/").content.decode()
    assert "Ana" in page
    assert "Ideally every week" in page
    assert "Professionals" in page
    assert "Dr. K" in page
    assert 'I reached out<span class="visually-hidden"> to Ana' in page


def test_names_in_the_list_are_escaped_not_run(writer_client, writer):
    # The list is built in Python for speed (connections/templatetags/reach_out.py): a name is text, never markup.
    add_person(writer, '<img src=x onerror="alert(1)"> & Jo', ideal_every_days=7)
    page = writer_client.get("/people/").content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Jo</a>" in page
    assert 'I reached out<span class="visually-hidden"> to &lt;img src=x' in page


def test_every_row_reaches_out_to_its_own_person_through_one_form(writer_client, writer):
    ana = add_person(writer, "Ana")
    bo = add_person(writer, "Bo")
    page = writer_client.get("/people/").content.decode()
    assert page.count('id="reached-out-list"') == 1
    assert f'formaction="/people/{ana.pk}/reached-out/"' in page
    assert f'formaction="/people/{bo.pk}/reached-out/"' in page
    form = page.split('id="reached-out-list"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/people/"' in form


def test_last_in_touch_starts_a_new_persons_clock_from_then(writer_client, writer):
    last_month = writer.local_today().replace(day=1)
    writer_client.post("/people/add/", {**GOOD, "last_in_touch": last_month.isoformat()})
    person = Person.objects.get(owner=writer)
    contact = Contact.objects.get(person=person)
    assert contact.outcome == Contact.Outcome.CONNECTION
    assert person.last_contact_at == contact.happened_at
    assert contact.happened_at.astimezone(writer.zone).date() == last_month


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "call me maybe"}, "phone", "That phone number doesn't look right."),
        ({"phone": "12"}, "phone", "That phone number doesn't look right."),
        ({"email": "sam at example"}, "email", "That email address doesn't look right"),
        ({"ideal_every": "0"}, "ideal_every", "A rhythm needs at least 1 day."),
        ({"ideal_every": "10000", "ideal_unit": "days", "too_long_after": ""}, "ideal_every", "Choose 2 years"),
        ({"too_long_after": "10000"}, "too_long_after", "Choose 2 years"),
        ({"ideal_every": "4", "ideal_unit": "weeks", "too_long_after": "10"}, "too_long_after", "can't come before"),
        ({"name": "   "}, "name", "Please give them a name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved_or_lost(writer_client, writer, changes, field, message):
    response = writer_client.post("/people/add/", {**GOOD, **changes})
    assert response.status_code == 200
    assert not Person.objects.filter(owner=writer).exists()
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()
    # What the writer typed is still there to fix, notes included.
    assert "Loves long walks; ask about her new job." in page
    assert 'value="Sam Okafor"' in page or field == "name"


def test_no_rhythm_is_a_choice(writer_client, writer):
    writer_client.post("/people/add/", {**GOOD, "ideal_every": "", "too_long_after": ""})
    person = Person.objects.get(owner=writer)
    assert person.ideal_every_days is None
    assert person.too_long_after_days is None
    assert "No reminders" in writer_client.get("/people/").content.decode()


def test_editing_keeps_notes_and_shows_the_rhythm_in_weeks(writer_client, writer):
    writer_client.post("/people/add/", GOOD)
    person = Person.objects.get(owner=writer)
    form_page = writer_client.get(f"/people/{person.pk}/edit/")
    form = form_page.context["form"]
    assert form.initial["ideal_every"] == 2
    assert form.initial["ideal_unit"] == "weeks"
    assert "Loves long walks" in form_page.content.decode()
    writer_client.post(f"/people/{person.pk}/edit/", {**GOOD, "name": "Sam O.", "topics": "work"})
    person.refresh_from_db()
    assert person.name == "Sam O."
    assert [tag.name for tag in person.topics.all()] == ["work"]


def test_topics_reuse_the_journals_tags_whatever_the_case(writer_client, writer):
    from journal.models import Tag

    Tag.objects.create(owner=writer, name="Work")
    writer_client.post("/people/add/", {**GOOD, "topics": "work, WORK, grief"})
    assert sorted(Tag.objects.filter(owner=writer).values_list("name", flat=True)) == ["Work", "grief"]


def test_pausing_and_resuming(writer_client, writer):
    person = add_person(writer, "Jo", ideal_every_days=7)
    writer_client.post(f"/people/{person.pk}/pause/", {"paused": "1"})
    person.refresh_from_db()
    assert person.is_paused
    page = writer_client.get("/people/").content.decode()
    assert "Paused people are never suggested" in page
    writer_client.post(f"/people/{person.pk}/pause/", {"paused": "0"})
    person.refresh_from_db()
    assert not person.is_paused


def test_removing_someone_asks_first_then_deletes_their_log(writer_client, writer):
    person = add_person(writer, "Jo")
    writer_client.post(f"/people/{person.pk}/reached-out/")
    confirm = writer_client.get(f"/people/{person.pk}/delete/")
    assert "Remove Jo from your circle?" in confirm.content.decode()
    writer_client.post(f"/people/{person.pk}/delete/")
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Contact.objects.filter(person_id=person.pk).exists()


def test_circle_pages_are_never_cached(writer_client, writer):
    person = add_person(writer, "Jo", notes="private")
    for url in ("/people/", f"/people/{person.pk}/", f"/people/{person.pk}/edit/", "/people/add/"):
        assert "no-store" in writer_client.get(url)["Cache-Control"], url


def test_circle_needs_a_signed_in_writer(client):
    response = client.get("/people/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


STRANGER_GETS = ["/people/{id}/", "/people/{id}/edit/", "/people/{id}/delete/"]
STRANGER_POSTS = [
    "/people/{id}/edit/",
    "/people/{id}/pause/",
    "/people/{id}/delete/",
    "/people/{id}/log/",
    "/people/{id}/reached-out/",
    "/people/{id}/snooze/",
]


@pytest.mark.parametrize("url", STRANGER_GETS)
def test_a_stranger_gets_404_for_someone_elses_person(client, writer, stranger, url):
    person = add_person(writer, "Sam", notes="secret notes")
    client.force_login(stranger)
    response = client.get(url.format(id=person.pk))
    assert response.status_code == 404
    assert b"Sam" not in response.content


@pytest.mark.parametrize("url", STRANGER_POSTS)
def test_a_stranger_posting_to_someone_elses_person_changes_nothing(client, writer, stranger, url):
    person = add_person(writer, "Sam", ideal_every_days=14)
    before = Person.objects.filter(pk=person.pk).values().get()
    client.force_login(stranger)
    response = client.post(
        url.format(id=person.pk),
        {**GOOD, "paused": "1", "days": "7", "outcome": "connection", "channel": "call", "day": "2026-01-01"},
    )
    assert response.status_code == 404
    assert Person.objects.filter(pk=person.pk).values().get() == before
    assert not Contact.objects.filter(person=person).exists()
