"""What the circle's pages show about each person, put together once so templates only lay it out."""

from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import User
from connections.models import Person
from connections.ranking import Reason, Suggestion, their_local_time
from connections.rhythm import RhythmState, last_touch_in_words, rhythm_in_words
from connections.starters import ContactAction, contact_actions, starter_choices, starter_key_for, starter_text
from connections.suggestions import CircleNow, everyone_assessed, ranked_suggestions

# Reach out shows this many suggestions before "Show everyone who could use a message".
FIRST_SUGGESTIONS = 5


@dataclass(frozen=True)
class PersonCard:
    person: Person
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


def card_for(suggestion: Suggestion, person: Person) -> PersonCard:
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
    everyone_else: list[PersonCard]
    paused_count: int
    has_people: bool
    has_professional: bool


def reach_out_page(user: User, circle: CircleNow, *, show_all: bool) -> ReachOutPage:
    ranked = ranked_suggestions(user, circle)
    shown = ranked if show_all else ranked[:FIRST_SUGGESTIONS]
    suggested_ids = {suggestion.person.id for suggestion in ranked}
    others = [
        suggestion
        for suggestion in everyone_assessed(user, circle)
        if suggestion.person.id not in suggested_ids and not suggestion.person.is_paused
    ]
    # Everyone else: whoever has been quiet longest first.
    others.sort(key=lambda s: (-s.rhythm.days_quiet, s.person.name.casefold(), s.person.id))
    return ReachOutPage(
        suggestions=[card_for(suggestion, circle.people[suggestion.person.id]) for suggestion in shown],
        more_count=len(ranked) - len(shown),
        everyone_else=[PersonCard(person=circle.people[s.person.id], rhythm=s.rhythm) for s in others],
        paused_count=sum(1 for person in circle.people.values() if person.is_paused),
        has_people=bool(circle.people),
        has_professional=circle.has_professional,
    )


def their_time_words(user: User, person: Person, now: datetime) -> str:
    """'It's 19:10 for Ana' when their clock differs from the writer's, else ''."""
    theirs = their_local_time(person.time_zone, writer_zone=user.zone, now=now)
    return f"It's {theirs:%H:%M} for {person.first_name}" if theirs else ""
