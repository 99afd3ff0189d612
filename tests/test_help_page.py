"""Help (/help/): the writer's own safety plan first, then crisis lines for their country, then where to
find a professional. Open to anyone, signed in or not."""

import html

import pytest
from django.test import Client

from connections.models import SafetyPlan
from tests.reach_out_fixtures import add_person

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_anonymous_visitors_get_help_with_international_lines_by_default():
    page = text_of(Client().get("/help/"))
    assert "Need help now?" in page
    assert "Crisis lines anywhere" in page
    assert "findahelpline.com" in page
    assert "Your safety plan" not in page
    assert "checked 27 November 2026" in page


def test_anonymous_visitors_can_choose_a_country():
    page = text_of(Client().get("/help/?country=AU"))
    assert "Crisis lines in Australia" in page
    assert 'href="tel:131114"' in page
    assert 'href="tel:000"' in page
    assert "Finding a professional in Australia" in page
    assert 'value="AU" selected' in page


def test_an_unknown_country_choice_falls_back_quietly():
    page = text_of(Client().get("/help/?country=<script>"))
    assert "Crisis lines anywhere" in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_a_writer_sees_the_lines_of_their_own_country(writer_client, writer):
    assert writer.country == "GB"
    page = text_of(writer_client.get("/help/"))
    assert "Crisis lines in United Kingdom" in page
    assert 'href="tel:116123"' in page
    assert "Samaritans" in page
    assert 'href="tel:999"' in page
    assert "NHS Talking Therapies" in page


def test_a_writer_without_a_plan_is_invited_to_write_one(writer_client):
    page = text_of(writer_client.get("/help/"))
    assert "Write my safety plan" in page
    assert page.index("Your safety plan") < page.index("Crisis lines in")


def test_help_is_linked_from_every_page(writer_client):
    for url in ("/", "/people/", "/reach-out/", "/settings/"):
        assert 'href="/help/"' in writer_client.get(url).content.decode(), url


PLAN = {
    "warning_signs": "Not sleeping; cancelling on people.",
    "coping": "A long walk with music.",
    "distractions": "The library on Saturday.",
    "safe_surroundings": "Give the spare pills to Sam.",
    "worth_living_for": "My niece.",
}


def test_writing_a_safety_plan_with_people_from_the_circle(writer_client, writer):
    sam = add_person(writer, "Sam", phone="+44 7700 900123")
    dr_k = add_person(writer, "Dr. K", kind="therapist", email="k@clinic.example")
    form = writer_client.get("/help/plan/")
    assert "Warning signs" in form.content.decode()
    response = writer_client.post(
        "/help/plan/", {**PLAN, "help_people": [sam.pk], "professionals": [dr_k.pk], "distraction_people": [sam.pk]}
    )
    assert response.status_code == 302
    page = text_of(writer_client.get("/help/"))
    plan = page.split("Your safety plan", 1)[1].split("Crisis lines in", 1)[0]
    for text in PLAN.values():
        assert text in plan
    assert "People I can ask for help" in plan
    assert 'href="tel:+447700900123"' in plan
    assert "Dr. K" in plan
    # Each list holds its own people: Sam helps and distracts, Dr. K is the professional.
    helpers = plan.split("People I can ask for help", 1)[1].split("Professionals I can contact", 1)[0]
    professionals = plan.split("Professionals I can contact", 1)[1].split("Making my surroundings", 1)[0]
    assert "Sam" in helpers
    assert "Dr. K" not in helpers
    assert "Dr. K" in professionals
    assert "Sam" not in professionals
    assert page.index("Your safety plan") < page.index("Crisis lines in") < page.index("Finding a professional")


def test_the_safety_plan_is_sealed_and_only_its_writer_sees_it(writer_client, writer, stranger):
    writer_client.post("/help/plan/", PLAN)
    stored = SafetyPlan.objects.get(owner=writer)
    assert b"niece" not in bytes(stored.worth_living_for_sealed)
    other = Client()
    other.force_login(stranger)
    assert "My niece." not in other.get("/help/").content.decode()


def test_a_person_from_another_account_cannot_be_put_on_the_plan(writer_client, writer, stranger):
    theirs = add_person(stranger, "Not yours")
    mine = add_person(writer, "Sam")
    writer_client.post("/help/plan/", {**PLAN, "help_people": [mine.pk]})
    response = writer_client.post("/help/plan/", {**PLAN, "coping": "Changed.", "help_people": [theirs.pk]})
    assert response.status_code == 200
    assert "Someone picked here isn't in your circle." in text_of(response)
    assert "Changed." in text_of(response)
    plan = SafetyPlan.objects.get(owner=writer)
    assert list(plan.help_people.all()) == [mine]
    from accounts.keyring import cipher_for

    assert plan.step_text(cipher_for(writer), "coping") == "A long walk with music."


def test_only_professionals_can_be_picked_as_professionals(writer_client, writer):
    friend = add_person(writer, "Sam")
    response = writer_client.post("/help/plan/", {**PLAN, "professionals": [friend.pk]})
    assert "Someone picked here isn't in your circle." in text_of(response)
    assert not SafetyPlan.objects.filter(owner=writer).exists()


def test_the_help_pages_are_never_cached(writer_client):
    assert "no-store" in writer_client.get("/help/")["Cache-Control"]
    assert "no-store" in writer_client.get("/help/plan/")["Cache-Control"]


def test_editing_the_plan_needs_an_account():
    response = Client().get("/help/plan/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
