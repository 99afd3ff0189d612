"""What the circle's pages show about each person, put together once so templates only lay it out."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.urls import reverse

from accounts.models import User
from connections.models import Person
from connections.ranking import Reason, Suggestion, their_local_time
from connections.rhythm import RhythmState, Standing, last_touch_in_words, rhythm_in_words
from connections.starters import ContactAction, contact_actions, starter_choices, starter_key_for, starter_text
from connections.suggestions import CircleNow, PersonView, everyone_assessed

# Reach out shows this many suggestions before "Show N more", and this many of everyone else (quiet longest
# first) before pointing to the whole circle on /people/.
FIRST_SUGGESTIONS = 5
FIRST_OTHERS = 12


@dataclass(frozen=True)
class PersonCard:
    person: Person | PersonView
    rhythm: RhythmState
    reasons: tuple[Reason, ...] = ()
    starter_key: str = ""
    message: str = ""
    starters: list[tuple[str, str, str]] = field(default_factory=list)
    actions: list[ContactAction] = field(default_factory=list)

    @property
    def last_touch(self) -> str:
        return last_touch_in_words(self.rhythm)

    @property
    def rhythm_words(self) -> str:
        return rhythm_in_words(self.person.ideal_every_days, self.person.too_long_after_days)

    # What a row in a list shows, ready-made: long lists render in one template with few lookups.
    @property
    def when_line(self) -> str:
        return f"{self.last_touch} · {self.rhythm_words}"

    @property
    def due_label(self) -> str:
        if self.rhythm.standing == Standing.TOO_LONG:
            return "Been too long"
        return "Due" if self.rhythm.standing == Standing.DUE else ""

    @property
    def who(self) -> str:
        return self.person.who

    def row(self) -> dict[str, object]:
        """The row a list shows, as a plain dict: Django's templates resolve dict keys fastest, and a circle
        of 200 people renders in a fraction of the time it takes through attributes and properties."""
        person = self.person
        return {
            "id": person.pk,
            "name": person.name,
            "who": self.who,
            "when": self.when_line,
            "due": self.due_label,
            "paused": person.is_paused,
            "detail_url": self.detail_url,
            "reached_out_url": self.reached_out_url,
        }

    @property
    def detail_url(self) -> str:
        return f"{_people_prefix()}{self.person.pk}/"

    @property
    def reached_out_url(self) -> str:
        return f"{_people_prefix()}{self.person.pk}/reached-out/"


@cache
def _people_prefix() -> str:
    # Reversed once: a list of 200 people would otherwise reverse 400 URLs per page.
    return reverse("people")


def card_for(suggestion: Suggestion, person: PersonView) -> PersonCard:
    key = starter_key_for(suggestion)
    message = starter_text(key, name=person.name, first_name=person.first_name)
    return PersonCard(
        person=person,
        rhythm=suggestion.rhythm,
        reasons=suggestion.reasons,
        starter_key=key,
        message=message,
        starters=starter_choices(name=person.name, first_name=person.first_name),
        actions=contact_actions(first_name=person.first_name, phone=person.phone, email=person.email, message=message),
    )


@dataclass(frozen=True)
class ReachOutPage:
    suggestions: list[PersonCard]
    more_count: int
    everyone_else: list[dict[str, object]]
    everyone_else_more: int
    paused_count: int
    has_people: bool
    has_professional: bool


def reach_out_page(user: User, circle: CircleNow, *, show_all: bool) -> ReachOutPage:
    everyone = everyone_assessed(user, circle)
    ranked = [suggestion for suggestion in everyone if suggestion.is_suggested]
    shown = ranked if show_all else ranked[:FIRST_SUGGESTIONS]
    others = [suggestion for suggestion in everyone if not suggestion.is_suggested and not suggestion.person.is_paused]
    # Everyone else: whoever has been quiet longest first.
    others.sort(key=lambda s: (-s.rhythm.days_quiet, s.person.name.casefold(), s.person.id))
    return ReachOutPage(
        suggestions=[card_for(suggestion, circle.people[suggestion.person.id]) for suggestion in shown],
        more_count=len(ranked) - len(shown),
        everyone_else=[
            PersonCard(person=circle.people[s.person.id], rhythm=s.rhythm).row()
            for s in (others if show_all else others[:FIRST_OTHERS])
        ],
        everyone_else_more=0 if show_all else max(len(others) - FIRST_OTHERS, 0),
        paused_count=sum(1 for person in circle.people.values() if person.is_paused),
        has_people=bool(circle.people),
        has_professional=circle.has_professional,
    )


def their_time_words(user: User, person: Person, now: datetime) -> str:
    """'It's 19:10 for Ana' when their clock differs from the writer's, else ''."""
    theirs = their_local_time(person.time_zone, writer_zone=user.zone, now=now)
    return f"It's {theirs:%H:%M} for {person.first_name}" if theirs else ""
