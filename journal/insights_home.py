"""The late-night note on the signed-in home page (never in an email).

When the writer has written after midnight (local time) on LATE_NIGHTS_NEEDED or more nights of this week
(Monday to Sunday, in their zone) and logged no contact this week, the home page asks who they could tell
tomorrow, with one suggested person and the reason for that suggestion.

Dismissing it ("Not this week") is kept in the session, keyed by the week, so the note shows at most once
a week and comes back only if a later week is late too. Why the session rather than a table: the note is
a passing prompt on one page, losing a dismissal costs at most one more showing, and it keeps insights
free of a migration in an app whose models belong to the journal. The price: a dismissal on one device
does not hide the note on another (see `dismiss_late_night_note`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import F, Q
from django.utils import timezone

from journal import insights

if TYPE_CHECKING:
    from accounts.models import User
    from connections.models import Person

DISMISSED_WEEK_SESSION_KEY = "held_late_night_dismissed_week"


@dataclass(frozen=True)
class LateNightNote:
    week: str  # the Monday of the week it is about, as ISO text: what a dismissal records
    nights: int
    person: Person | None
    reason: str


def suggested_person(user: User, today: datetime.date) -> Person | None:
    """The person quiet longest: never contacted first, then the oldest last contact; by name on a tie.

    Paused and snoozed people are never suggested (the writer asked for quiet about them), nor support
    lines: the question is who the writer could tell.
    """
    from connections.models import Kind, Person

    return (
        Person.objects.for_owner(user)
        .not_paused()
        .exclude(kind=Kind.HELPLINE)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lt=today))
        .order_by(F("last_contact_at").asc(nulls_first=True), "name", "pk")
        .first()
    )


def _reason(person: Person, zone: object, today: datetime.date) -> str:
    if person.last_contact_at is None:
        return f"You haven’t logged a contact with {person.first_name} yet."
    days = (today - insights.local_date(person.last_contact_at, zone)).days
    return f"It has been {days} day{'s' if days != 1 else ''} since you were last in touch."


def late_night_note(user: User, *, now: datetime.datetime | None = None) -> LateNightNote | None:
    from connections.models import Contact
    from journal.models import Entry

    zone = user.zone
    today = (now or timezone.now()).astimezone(zone).date()
    monday = insights.week_start(today)
    week_began = insights.start_of_local_day(monday, zone)
    created = Entry.objects.for_owner(user).filter(created_at__gte=week_began).values_list("created_at", flat=True)
    nights = insights.late_nights(created, zone, monday)
    if len(nights) < insights.LATE_NIGHTS_NEEDED:
        return None
    if Contact.objects.for_owner(user).filter(happened_at__gte=week_began).exists():
        return None
    person = suggested_person(user, today)
    return LateNightNote(
        week=monday.isoformat(),
        nights=len(nights),
        person=person,
        reason=_reason(person, zone, today) if person else "",
    )


def is_dismissed(note: LateNightNote, session: SessionBase) -> bool:
    return session.get(DISMISSED_WEEK_SESSION_KEY) == note.week


def dismiss_late_night_note(user: User, session: SessionBase) -> None:
    """Hide the note for the rest of this local week, in this browser session."""
    session[DISMISSED_WEEK_SESSION_KEY] = insights.week_start(user.local_today()).isoformat()


def insights_home_context(user: User) -> dict[str, object]:
    """Feeds templates/journal/_insights_home_panel.html (which hides a dismissed note)."""
    return {"late_night_note": late_night_note(user)}
