"""Reading what ranking needs from the database, in a fixed number of queries however big the circle.

Three queries: the people with their topics, the people the safety plan names, and the last week's entries
with their tags (dates, moods and tag names only; never a title or a body).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from accounts.models import User
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


@dataclass(frozen=True)
class PersonView:
    """A person as lists and suggestions show them, read as a row rather than as a model instance:
    a circle of 200 renders without building 200 models. Never holds their notes."""

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

    @classmethod
    def from_row(cls, row: dict) -> "PersonView":
        return cls(pk=row["id"], **{name: row[name] for name in PERSON_FIELDS if name != "id"})

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
    """The whole circle, by name, in one query."""
    return [PersonView.from_row(row) for row in Person.objects.for_owner(user).order_by("name").values(*PERSON_FIELDS)]


def _circle_rows(user: User) -> tuple[list[PersonView], dict[int, list[str]], set[int]]:
    """Everyone with their topics (one row per person and topic, folded back here), and the people the safety
    plan names for hard days (one UNION query): two queries, both cheap to build."""
    rows = (
        Person.objects.for_owner(user)
        .order_by("name", "id", "topics__name")
        .values_list(*PERSON_FIELDS, "topics__name")
    )
    people: dict[int, PersonView] = {}
    topics: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        person_id = row[0]
        if person_id not in people:
            # PersonView's fields are PERSON_FIELDS in order, so the row fills it directly.
            people[person_id] = PersonView(*row[:-1])
        if row[-1] is not None:
            topics[person_id].append(row[-1])
    if not people:
        return [], topics, set()
    return list(people.values()), topics, chosen_for_hard_days_ids(user)


def chosen_for_hard_days_ids(user: User) -> set[int]:
    """People the writer put on their safety plan as someone to ask for help, or as a professional."""
    help_people = SafetyPlan.help_people.through.objects.filter(safetyplan__owner_id=user.pk)
    professionals = SafetyPlan.professionals.through.objects.filter(safetyplan__owner_id=user.pk)
    return set(help_people.values_list("person_id", flat=True).union(professionals.values_list("person_id", flat=True)))


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


def person_facts(person: PersonView | Person, *, chosen_ids: set[int], topic_names: list[str]) -> PersonFacts:
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
        chosen_for_hard_days=person.pk in chosen_ids,
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
    views, topics, chosen = _circle_rows(user)
    people = {person.pk: person for person in views}
    facts = [
        person_facts(person, chosen_ids=chosen, topic_names=topics.get(person.pk, [])) for person in people.values()
    ]
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
