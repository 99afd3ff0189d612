"""What the circle's pages show about each person, put together once so templates only lay it out."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from accounts.models import User
from connections.models import Person
from connections.ranking import Suggestion, their_local_time
from connections.rhythm import RhythmState, Standing, last_touch_in_words, rhythm_in_words
from connections.starters import STARTERS, contact_actions, starter_key_for, starter_text
from connections.suggestions import CircleNow, PersonView, everyone_assessed

# Reach out shows this many suggestions before "Show N more", and this many of everyone else (quiet longest
# first) before pointing to the whole circle on /people/.
FIRST_SUGGESTIONS = 5
FIRST_OTHERS = 12


@dataclass(frozen=True)
class PersonCard:
    """A person with where they stand against their rhythm, for the person page and lists of people."""

    person: Person | PersonView
    rhythm: RhythmState

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
            # A string, like every other value here: the rows are written out as text (templatetags/reach_out.py).
            "id": str(person.pk),
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


def card_for(suggestion: Suggestion, person: PersonView) -> dict[str, object]:
    """One suggestion as the page shows it: who, why, the first line and the ways to reach them, as plain values."""
    key = starter_key_for(suggestion)
    message = starter_text(key, name=person.name, first_name=person.first_name)
    person_url = f"{_people_prefix()}{person.pk}/"
    return {
        "id": str(person.pk),
        "name": person.name,
        "first_name": person.first_name,
        "who": person.who,
        "handle": person.handle,
        "reasons": [{"kind": str(reason.kind), "text": reason.text} for reason in suggestion.reasons],
        "message": message,
        "starter_options": starter_options(key),
        "actions": [
            {
                "channel": action.channel,
                "label": action.label,
                "href": action.href,
                "carries_message": action.carries_message,
            }
            for action in contact_actions(
                first_name=person.first_name, phone=person.phone, email=person.email, message=message
            )
        ],
        "detail_url": person_url,
        "edit_url": f"{person_url}edit/",
        "reached_out_url": f"{person_url}reached-out/",
        "snooze_url": f"{person_url}snooze/",
    }


@cache
def starter_options(selected_key: str) -> SafeString:
    """The <option>s of the "Start from" chooser, with one selected: made once per key, not per card."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((key, " selected" if key == selected_key else "", label) for key, (label, _text) in STARTERS.items()),
    )


def starter_templates() -> list[dict[str, str]]:
    """The gentle first lines, once per page, with {first_name} and {name} left for the page's script to fill."""
    return [{"key": key, "label": label, "text": text} for key, (label, text) in STARTERS.items()]


@dataclass(frozen=True)
class ReachOutPage:
    suggestions: list[dict[str, object]]
    starters: list[dict[str, str]]
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
        starters=starter_templates(),
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
