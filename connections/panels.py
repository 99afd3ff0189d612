"""Panels the reach-out part offers to other pages.

`after_entry_context(user, entry)` feeds templates/connections/_after_entry_panel.html, which the journal
shows right after an entry is saved: "Would someone you trust want to hear about this?" with up to three
people and why. It reads the entry's tags and mood only, never its title or body.
"""

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from connections.models import Person
from connections.ranking import HEAVY_MOODS, PersonFacts, Reason, ReasonKind, RecentWriting, assess
from connections.rhythm import last_touch_in_words
from connections.suggestions import circle_now

PANEL_PEOPLE = 3
# The panel is about this one entry; the week's writing has its say on Reach out.
NO_WRITING = RecentWriting.of(())


@dataclass(frozen=True)
class PanelPerson:
    person: Person
    why: str


# Someone tied to this very entry comes before someone who is merely due (whose weights stay under 140).
THIS_ENTRY_HEAVY, THIS_ENTRY_TOPIC = 200, 150


def _why_for_this_entry(facts: PersonFacts, *, entry_tags: set[str], heavy_entry: bool) -> Reason | None:
    if heavy_entry and (facts.is_professional or facts.chosen_for_hard_days):
        return Reason(ReasonKind.HEAVY, f"{facts.first_name} is someone you chose for hard days", THIS_ENTRY_HEAVY)
    shared = sorted(name for name in facts.topic_names if name.casefold() in entry_tags)
    if shared:
        text = f"{facts.first_name} is someone you talk with about {shared[0]}"
        return Reason(ReasonKind.TOPIC, text, THIS_ENTRY_TOPIC)
    return None


def after_entry_context(user: User, entry: object) -> dict[str, object]:
    """Context for the after-entry panel: `after_entry_people` (up to three) and `after_entry_has_circle`."""
    circle = circle_now(user, now=timezone.now())
    if not circle.people:
        return {"after_entry_people": [], "after_entry_has_circle": False}
    entry_tags = {tag.name.casefold() for tag in entry.tags.all()}
    heavy_entry = getattr(entry, "mood", None) in HEAVY_MOODS

    today = user.local_today()
    scored: list[tuple[int, int, str, int, PanelPerson]] = []
    for facts in circle.facts:
        person = circle.people[facts.id]
        if person.is_paused or (person.snoozed_until is not None and today < person.snoozed_until):
            continue
        general = assess(facts, NO_WRITING, writer_zone=user.zone, now=circle.now)
        reason = _why_for_this_entry(facts, entry_tags=entry_tags, heavy_entry=heavy_entry)
        if reason is None:
            # Nobody tied to this entry: whoever the writer hoped to hear from and hasn't.
            reason = next((r for r in general.reasons if r.kind in (ReasonKind.TOO_LONG, ReasonKind.DUE)), None)
        if reason is None:
            continue
        scored.append(
            (
                -reason.weight,
                -general.rhythm.days_quiet,
                person.name.casefold(),
                person.pk,
                PanelPerson(person, reason.text),
            )
        )
    scored.sort(key=lambda row: row[:4])
    chosen = [row[-1] for row in scored[:PANEL_PEOPLE]]
    if not chosen:
        # Still a gentle nudge toward someone: whoever has been quiet longest.
        quiet = sorted(
            (
                (assess(facts, NO_WRITING, writer_zone=user.zone, now=circle.now).rhythm, circle.people[facts.id])
                for facts in circle.facts
                if not facts.is_paused
            ),
            key=lambda pair: (-pair[0].days_quiet, pair[1].name.casefold(), pair[1].pk),
        )
        chosen = [PanelPerson(person, last_touch_in_words(rhythm)) for rhythm, person in quiet[:PANEL_PEOPLE]]
    return {"after_entry_people": chosen, "after_entry_has_circle": True}
