"""Reach out's reading of the circle is kept per process, and any change to what it read is seen at once.

The circle stamp (connections.models.CircleStamp) is changed by PostgreSQL triggers, so these tests make
each change the way Held makes it and also behind Held's back (queryset updates, deletes), and check the next
reading equals a fresh one.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connections import services
from connections.circle_cache import forget_all
from connections.models import Contact, Person
from connections.suggestions import circle_now
from journal.models import Tag
from tests.reach_out_fixtures import add_contact, add_person, tag_named

pytestmark = pytest.mark.django_db


def reading(writer) -> list[tuple]:
    """What ranking sees of everyone, in order."""
    return [
        (f.name, f.topic_names, f.chosen_for_hard_days, f.is_paused, f.snoozed_until, f.last_contact_at)
        for f in circle_now(writer).facts
    ]


def fresh_reading(writer) -> list[tuple]:
    forget_all()
    return reading(writer)


def circle_queries(writer) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        circle_now(writer)
    return [query["sql"] for query in captured if 'FROM "connections_person"' in query["sql"]]


@pytest.fixture
def circle(writer):
    sam = add_person(writer, "Sam", topics=["work"], ideal_every_days=7)
    ana = add_person(writer, "Ana", topics=["running"])
    dr_k = add_person(writer, "Dr. K", kind="therapist")
    forget_all()
    return {"sam": sam, "ana": ana, "dr_k": dr_k}


def test_a_second_page_reuses_the_reading_and_reads_only_the_stamp(writer, circle):
    assert len(circle_queries(writer)) == 1
    assert circle_queries(writer) == []


def add_someone(writer, circle):
    add_person(writer, "Noor")


def rename_behind_helds_back(writer, circle):
    Person.objects.filter(pk=circle["sam"].pk).update(name="Samuel")


def pause(writer, circle):
    services.person_set_paused(user=writer, person=circle["ana"], paused=True)


def snooze(writer, circle):
    services.person_snooze(user=writer, person=circle["sam"], days=7)


def log_a_contact(writer, circle):
    add_contact(writer, circle["sam"], timezone.now() - timedelta(hours=1))


def delete_a_contact(writer, circle):
    contact = Contact.objects.get(owner=writer, person=circle["sam"])
    services.contact_delete(user=writer, contact=contact)


delete_a_contact.prepare = lambda writer, circle: add_contact(writer, circle["sam"], timezone.now())


def remove_someone(writer, circle):
    services.person_delete(user=writer, person=circle["ana"])


def add_a_topic(writer, circle):
    circle["ana"].topics.add(tag_named(writer, "grief"))


def rename_a_topic_tag(writer, circle):
    Tag.objects.filter(owner=writer, name="work").update(name="job")


def delete_a_topic_tag(writer, circle):
    Tag.objects.filter(owner=writer, name="running").delete()


def choose_for_hard_days(writer, circle):
    plan = services.safety_plan_for(writer)
    plan.save()
    plan.help_people.add(circle["ana"])


def unchoose_for_hard_days(writer, circle):
    services.safety_plan_for(writer).professionals.remove(circle["dr_k"])


def _put_dr_k_on_the_plan(writer, circle):
    plan = services.safety_plan_for(writer)
    plan.save()
    plan.professionals.add(circle["dr_k"])


unchoose_for_hard_days.prepare = _put_dr_k_on_the_plan


CHANGES = [
    add_someone,
    rename_behind_helds_back,
    pause,
    snooze,
    log_a_contact,
    delete_a_contact,
    remove_someone,
    add_a_topic,
    rename_a_topic_tag,
    delete_a_topic_tag,
    choose_for_hard_days,
    unchoose_for_hard_days,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_every_change_to_the_circle_is_seen_on_the_next_page(writer, circle, change):
    if hasattr(change, "prepare"):
        change.prepare(writer, circle)
    before = reading(writer)
    change(writer, circle)
    after = reading(writer)
    assert after == fresh_reading(writer)
    assert after != before


def test_another_writers_changes_leave_this_reading_in_place(writer, stranger, circle):
    reading(writer)
    add_person(stranger, "Someone else")
    assert circle_queries(writer) == []


def test_a_rolled_back_change_never_makes_its_reading_look_current(writer, circle):
    before = reading(writer)

    def failing_request():
        with transaction.atomic():
            Person.objects.filter(pk=circle["sam"].pk).update(name="Never saved")
            assert [row[0] for row in reading(writer)] == ["Ana", "Dr. K", "Never saved"]
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert reading(writer) == before == fresh_reading(writer)


def test_deleting_an_account_takes_its_stamp_with_it(writer, circle):
    from accounts.services import account_delete
    from connections.models import CircleStamp

    reading(writer)
    assert CircleStamp.objects.filter(owner=writer).exists()
    account_delete(user=writer)
    assert not CircleStamp.objects.filter(owner_id=writer.pk).exists()


def test_only_the_writers_own_safety_plan_marks_someone_chosen(writer, stranger, circle):
    # A plan row pointing at someone else's person (never made by Held's forms) must not reach their ranking.
    theirs = services.safety_plan_for(stranger)
    theirs.save()
    theirs.help_people.add(circle["ana"])
    chosen = {facts.name: facts.chosen_for_hard_days for facts in circle_now(writer).facts}
    assert chosen["Ana"] is False
