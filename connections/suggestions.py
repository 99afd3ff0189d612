"""Reading what ranking needs from the database, in a fixed number of queries however big the circle.

Two queries: the people with their topics and whether the safety plan names them, and the last week's
entries with their tags (dates, moods and tag names only; never a title or a body).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Value
from django.utils import timezone

from accounts.models import User
from connections.circle_cache import cached_circle
from connections.models import PROFESSIONAL_KINDS, Kind, Person, Relationship, SafetyPlan, short_name
from connections.querysets import entries_since
from connections.ranking import PersonFacts, RecentEntry, RecentWriting, Suggestion, assess, order_key, rank
from connections.ranking import recent_window_start as window_start

PERSON_FIELDS = (
    "id",
    "name",
    "kind",
    "relationship",
    "phone",
    "email",
    "handle",
    "time_zone",
    "ideal_every_days",
    "too_long_after_days",
    "last_contact_at",
    "created_at",
    "snoozed_until",
    "is_paused",
)
_KIND_LABELS = dict(Kind.choices)
_RELATIONSHIP_LABELS = dict(Relationship.choices)


class PersonView(NamedTuple):
    """A person as lists and suggestions show them, read as a row rather than as a model instance:
    a circle of 200 renders without building 200 models (a named tuple is built from the row in one step).
    Never holds their notes."""

    pk: int
    name: str
    kind: str
    relationship: str
    phone: str
    email: str
    handle: str
    time_zone: str
    ideal_every_days: int | None
    too_long_after_days: int | None
    last_contact_at: datetime | None
    created_at: datetime
    snoozed_until: date | None
    is_paused: bool

    @property
    def is_professional(self) -> bool:
        return self.kind in PROFESSIONAL_KINDS

    @property
    def first_name(self) -> str:
        return short_name(self.name, is_professional=self.is_professional)

    @property
    def who(self) -> str:
        return _KIND_LABELS[self.kind] if self.is_professional else _RELATIONSHIP_LABELS.get(self.relationship, "")


def people_in_circle(user: User) -> list[PersonView]:
    """The whole circle, by name: the same reading Reach out keeps (connections/circle_cache.py)."""
    return [person for person, _facts in cached_circle(user, _circle_rows)]


PLAN_LISTS = ("distraction_people", "help_people", "professionals")


def plan_people(user: User, plan: SafetyPlan) -> dict[str, list[PersonView]]:
    """The people on each of the safety plan's lists, by name: which ones in one query, the people themselves
    from the circle's reading (connections/circle_cache.py)."""
    lists = [
        getattr(SafetyPlan, name).through.objects.filter(safetyplan_id=plan.pk).values_list(Value(name), "person_id")
        for name in PLAN_LISTS
    ]
    on_lists = set(lists[0].union(*lists[1:], all=True))
    everyone = people_in_circle(user)
    return {name: [person for person in everyone if (name, person.pk) in on_lists] for name in PLAN_LISTS}


def _circle_rows(user: User) -> list[tuple[PersonView, PersonFacts]]:
    """Everyone, each with their topics and whether the safety plan names them for hard days, in one query.

    One row per person and topic (a left join of the topics costs PostgreSQL less than a subquery per
    person), folded back here; the safety plan's picks are two EXISTS, scoped to the writer's own plan."""
    help_list = SafetyPlan.help_people.through.objects.filter(person_id=OuterRef("pk"), safetyplan__owner_id=user.pk)
    professional_list = SafetyPlan.professionals.through.objects.filter(
        person_id=OuterRef("pk"), safetyplan__owner_id=user.pk
    )
    rows = (
        Person.objects.for_owner(user)
        .annotate(on_help_list=Exists(help_list), on_professional_list=Exists(professional_list))
        .order_by("name", "id", "topics__name")
        .values_list(*PERSON_FIELDS, "on_help_list", "on_professional_list", "topics__name")
    )
    people: list[tuple[PersonView, PersonFacts]] = []
    topics: list[str] = []
    last_row: tuple | None = None

    def fold(row: tuple, topic_names: list[str]) -> None:
        # PersonView's fields are PERSON_FIELDS in order, so the start of the row fills it directly.
        person = PersonView._make(row[:-3])
        on_help_list, on_professional_list = row[-3:-1]
        chosen = on_help_list or on_professional_list
        people.append((person, person_facts(person, topic_names=topic_names, chosen_for_hard_days=chosen)))

    for row in rows:
        if last_row is not None and row[0] != last_row[0]:
            fold(last_row, topics)
            topics = []
        if row[-1] is not None:
            topics.append(row[-1])
        last_row = row
    if last_row is not None:
        fold(last_row, topics)
    return people


@dataclass(frozen=True)
class CircleNow:
    """Everyone in the circle as Reach out sees them at one moment."""

    people: dict[int, PersonView]
    facts: list[PersonFacts]
    recent_entries: list[RecentEntry]
    now: datetime

    @property
    def has_professional(self) -> bool:
        return any(person.is_professional for person in self.people.values())


def person_facts(person: PersonView | Person, *, topic_names: list[str], chosen_for_hard_days: bool) -> PersonFacts:
    return PersonFacts(
        id=person.pk,
        name=person.name,
        first_name=person.first_name,
        is_professional=person.is_professional,
        time_zone=person.time_zone,
        topic_names=tuple(topic_names),
        ideal_every_days=person.ideal_every_days,
        too_long_after_days=person.too_long_after_days,
        last_contact_at=person.last_contact_at,
        created_at=person.created_at,
        snoozed_until=person.snoozed_until,
        is_paused=person.is_paused,
        chosen_for_hard_days=chosen_for_hard_days,
    )


def recent_entries(user: User, *, now: datetime) -> list[RecentEntry]:
    """The last week's entries with their tag names, in one query (one row per entry and tag)."""
    first_day = window_start(writer_zone=user.zone, now=now)
    rows = (
        entries_since(user, first_day)
        .order_by("id", "tags__name")
        .values("id", "created_at", "entry_date", "mood", "tags__name")
    )
    entries: dict[int, dict] = {}
    for row in rows:
        entry = entries.setdefault(row["id"], {**row, "tags": []})
        if row["tags__name"] is not None:
            entry["tags"].append(row["tags__name"])
    return [
        RecentEntry(
            written_at=entry["created_at"],
            entry_date=entry["entry_date"],
            mood=entry["mood"],
            tag_names=tuple(entry["tags"]),
        )
        for entry in entries.values()
    ]


def circle_now(user: User, *, now: datetime | None = None) -> CircleNow:
    now = now or timezone.now()
    rows = cached_circle(user, _circle_rows)
    people = {person.pk: person for person, _facts in rows}
    facts = [facts for _person, facts in rows]
    entries = recent_entries(user, now=now) if people else []
    return CircleNow(people=people, facts=facts, recent_entries=entries, now=now)


def ranked_suggestions(user: User, circle: CircleNow) -> list[Suggestion]:
    return rank(circle.facts, circle.recent_entries, writer_zone=user.zone, now=circle.now)


def everyone_assessed(user: User, circle: CircleNow) -> list[Suggestion]:
    """Every person (paused ones too) with their reasons, in ranking order: for lists that show everyone."""
    writing = RecentWriting.of(circle.recent_entries)
    zone = user.zone
    assessed = [assess(facts, writing, writer_zone=zone, now=circle.now) for facts in circle.facts]
    return sorted(assessed, key=order_key)
