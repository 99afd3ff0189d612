"""Reading what ranking needs from the database, in a fixed number of queries however big the circle.

Five queries: the people, their topics, the two safety-plan lists, and the last week's entries with their
tags (dates, moods and tag names only; never a title or a body).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from connections.models import Person, SafetyPlan
from connections.querysets import entries_since
from connections.ranking import PersonFacts, RecentEntry, Suggestion, assess, heavy_entries, order_key, rank
from connections.ranking import recent_window_start as window_start


@dataclass(frozen=True)
class CircleNow:
    """Everyone in the circle as Reach out sees them at one moment."""

    people: dict[int, Person]
    facts: list[PersonFacts]
    recent_entries: list[RecentEntry]
    now: datetime

    @property
    def has_professional(self) -> bool:
        return any(person.is_professional for person in self.people.values())


def chosen_for_hard_days_ids(user: User) -> set[int]:
    """People the writer put on their safety plan as someone to ask for help, or as a professional."""
    help_people = SafetyPlan.help_people.through.objects.filter(safetyplan__owner_id=user.pk)
    professionals = SafetyPlan.professionals.through.objects.filter(safetyplan__owner_id=user.pk)
    return set(help_people.values_list("person_id", flat=True)) | set(professionals.values_list("person_id", flat=True))


def person_facts(person: Person, *, chosen_ids: set[int]) -> PersonFacts:
    return PersonFacts(
        id=person.pk,
        name=person.name,
        first_name=person.first_name,
        is_professional=person.is_professional,
        time_zone=person.time_zone,
        topic_names=tuple(tag.name for tag in person.topics.all()),
        ideal_every_days=person.ideal_every_days,
        too_long_after_days=person.too_long_after_days,
        last_contact_at=person.last_contact_at,
        created_at=person.created_at,
        snoozed_until=person.snoozed_until,
        is_paused=person.is_paused,
        chosen_for_hard_days=person.pk in chosen_ids,
    )


def recent_entries(user: User, *, now: datetime) -> list[RecentEntry]:
    from journal.models import Entry

    first_day = window_start(writer_zone=user.zone, now=now)
    rows = list(entries_since(user, first_day).values("id", "created_at", "entry_date", "mood"))
    tags_by_entry: dict[int, list[str]] = defaultdict(list)
    through = Entry.tags.through.objects.filter(entry_id__in=[row["id"] for row in rows])
    for entry_id, tag_name in through.values_list("entry_id", "tag__name"):
        tags_by_entry[entry_id].append(tag_name)
    return [
        RecentEntry(
            written_at=row["created_at"],
            entry_date=row["entry_date"],
            mood=row["mood"],
            tag_names=tuple(sorted(tags_by_entry[row["id"]])),
        )
        for row in rows
    ]


def circle_now(user: User, *, now: datetime | None = None) -> CircleNow:
    now = now or timezone.now()
    people = {person.pk: person for person in Person.objects.for_owner(user).with_topics()}
    chosen = chosen_for_hard_days_ids(user) if people else set()
    facts = [person_facts(person, chosen_ids=chosen) for person in people.values()]
    entries = recent_entries(user, now=now) if people else []
    return CircleNow(people=people, facts=facts, recent_entries=entries, now=now)


def ranked_suggestions(user: User, circle: CircleNow) -> list[Suggestion]:
    return rank(circle.facts, circle.recent_entries, writer_zone=user.zone, now=circle.now)


def everyone_assessed(user: User, circle: CircleNow) -> list[Suggestion]:
    """Every person (paused ones too) with their reasons, in ranking order: for lists that show everyone."""
    heavy = heavy_entries(circle.recent_entries)
    assessed = [
        assess(facts, circle.recent_entries, heavy=heavy, writer_zone=user.zone, now=circle.now)
        for facts in circle.facts
    ]
    return sorted(assessed, key=order_key)
