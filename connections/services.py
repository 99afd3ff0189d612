"""Writes about the circle: people, the contact log and the safety plan.

Keyword-only, typed `<entity>_<action>` functions. Text the writer typed about a person (notes, contact
notes, safety plan steps) is sealed with their key here and never logged; log lines carry ids only.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.keyring import cipher_for
from accounts.models import User
from connections.models import Contact, Person, SafetyPlan
from journal.models import Tag

log = logging.getLogger(__name__)

SNOOZE_CHOICES_DAYS = (1, 7)


class NotYoursError(LookupError):
    """A person or contact of another account was passed in; nothing was changed."""


def _check_owner(user: User, *rows: Person | Contact) -> None:
    for row in rows:
        if row.owner_id != user.pk:
            raise NotYoursError(f"{row} does not belong to account {user.pk}")


def moment_of_local_day(user: User, day: date) -> datetime:
    """The moment a contact on `day` (the writer's date) is stored at: now for today, local noon otherwise.

    Noon keeps a backdated contact on the same local day in any zone the writer might later move to.
    """
    if day == user.local_today():
        return timezone.now()
    return datetime.combine(day, time(12, 0), tzinfo=user.zone)


# --- people ---------------------------------------------------------------------------------------


def topics_named(*, user: User, names: Iterable[str]) -> list[Tag]:
    """The writer's journal tags with these names (matched case-insensitively), made when missing."""
    tags: list[Tag] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(raw.split())[: Tag._meta.get_field("name").max_length]
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        tag = Tag.objects.filter(owner=user, name__iexact=name).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(owner=user, name=name)
            except IntegrityError:
                # The journal made the same tag a moment ago (another tab): use theirs.
                tag = Tag.objects.get(owner=user, name__iexact=name)
        tags.append(tag)
    return tags


@transaction.atomic
def person_save(
    *,
    user: User,
    person: Person,
    notes: str,
    topic_names: Iterable[str],
    last_in_touch: date | None = None,
) -> Person:
    """Save a new or edited person with their sealed notes and topics.

    `last_in_touch` (new people only) starts their clock from when the writer was really last in touch,
    so someone added today after a month of silence is already due.
    """
    if person.pk is None:
        person.owner = user
    _check_owner(user, person)
    person.seal_notes(cipher_for(user), notes.strip())
    is_new = person.pk is None
    person.save()
    person.topics.set(topics_named(user=user, names=topic_names))
    if is_new and last_in_touch is not None:
        contact_log(
            user=user,
            person=person,
            outcome=Contact.Outcome.CONNECTION,
            happened_at=moment_of_local_day(user, last_in_touch),
        )
    log.info("person %s saved by account %s", person.pk, user.pk)
    return person


def person_set_paused(*, user: User, person: Person, paused: bool) -> Person:
    _check_owner(user, person)
    person.is_paused = paused
    person.save(update_fields=["is_paused", "updated_at"])
    return person


def person_snooze(*, user: User, person: Person, days: int) -> Person:
    """Not suggested again before the writer's local today + `days` (a day or a week)."""
    _check_owner(user, person)
    if days not in SNOOZE_CHOICES_DAYS:
        raise ValueError(f"snooze for {SNOOZE_CHOICES_DAYS} days, not {days}")
    person.snoozed_until = user.local_today() + timedelta(days=days)
    person.save(update_fields=["snoozed_until", "updated_at"])
    return person


def person_delete(*, user: User, person: Person) -> None:
    _check_owner(user, person)
    person_id = person.pk
    person.delete()
    log.info("person %s deleted by account %s", person_id, user.pk)


# --- the contact log ------------------------------------------------------------------------------


@transaction.atomic
def contact_log(
    *,
    user: User,
    person: Person,
    outcome: str,
    channel: str = Contact.Channel.OTHER,
    happened_at: datetime | None = None,
    note: str = "",
) -> Contact:
    """Log a moment of reaching out and reset the person's clock to it (never backwards).

    Called from the "I reached out" buttons, the person page's log form and the Nudges part's one-click
    email link. A snooze ends with a logged contact: the person has been reached.
    """
    _check_owner(user, person)
    if outcome not in Contact.Outcome.values:
        raise ValueError(f"unknown outcome {outcome!r}")
    if channel not in Contact.Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    happened_at = happened_at or timezone.now()
    contact = Contact(owner=user, person=person, outcome=outcome, channel=channel, happened_at=happened_at)
    contact.seal_note(cipher_for(user), note.strip())
    contact.save()
    # Conditional, so a contact logged late for an earlier day never moves the clock back.
    Person.objects.filter(pk=person.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=happened_at)
    ).update(last_contact_at=happened_at, snoozed_until=None, updated_at=timezone.now())
    person.refresh_from_db(fields=["last_contact_at", "snoozed_until", "updated_at"])
    log.info("contact %s (%s) logged for person %s", contact.pk, outcome, person.pk)
    return contact


@transaction.atomic
def contact_delete(*, user: User, contact: Contact) -> None:
    """Remove a contact logged by mistake; the person's clock goes back to their latest remaining one."""
    _check_owner(user, contact)
    person_id = contact.person_id
    contact.delete()
    latest = Contact.objects.filter(person_id=person_id).aggregate(latest=Max("happened_at"))["latest"]
    Person.objects.filter(pk=person_id).update(last_contact_at=latest, updated_at=timezone.now())


# --- the safety plan ------------------------------------------------------------------------------


def safety_plan_for(user: User) -> SafetyPlan:
    """The writer's plan, or an empty unsaved one until they first write it."""
    plan = SafetyPlan.objects.filter(owner=user).first()
    return plan if plan is not None else SafetyPlan(owner=user)


@transaction.atomic
def safety_plan_save(
    *,
    user: User,
    steps: dict[str, str],
    distraction_people: Iterable[Person],
    help_people: Iterable[Person],
    professionals: Iterable[Person],
) -> SafetyPlan:
    distraction_people, help_people, professionals = list(distraction_people), list(help_people), list(professionals)
    _check_owner(user, *distraction_people, *help_people, *professionals)
    plan = SafetyPlan.objects.select_for_update().filter(owner=user).first() or SafetyPlan(owner=user)
    cipher = cipher_for(user)
    for stem, _title, _hint in SafetyPlan.WRITTEN_STEPS:
        plan.seal_step(cipher, stem, steps.get(stem, "").strip())
    plan.save()
    plan.distraction_people.set(distraction_people)
    plan.help_people.set(help_people)
    plan.professionals.set(professionals)
    log.info("safety plan of account %s saved", user.pk)
    return plan
