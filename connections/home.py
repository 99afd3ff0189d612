"""What the reach-out part adds to the signed-in home page: people reached this month (a count of people,
never a streak), who has been quiet longest, and the first few suggestions."""

from datetime import datetime, time

from django.utils import timezone

from accounts.models import User
from connections.cards import PersonCard
from connections.models import Contact
from connections.suggestions import circle_now, everyone_assessed

QUIET_LONGEST = 3
FIRST_SUGGESTIONS = 3


def month_start(user: User, now: datetime) -> datetime:
    """The first moment of the writer's current month, in their zone."""
    local = now.astimezone(user.zone)
    return datetime.combine(local.date().replace(day=1), time.min, tzinfo=user.zone)


def connections_home_context(user: User) -> dict[str, object]:
    now = timezone.now()
    circle = circle_now(user, now=now)
    if not circle.people:
        return {"reach_has_people": False}
    reached_ids = set(
        Contact.objects.for_owner(user).since(month_start(user, now)).values_list("person_id", flat=True).distinct()
    )
    reached = sorted(
        (circle.people[person_id] for person_id in reached_ids if person_id in circle.people),
        key=lambda person: person.name.casefold(),
    )
    everyone = everyone_assessed(user, circle)  # in ranking order
    suggestions = [s for s in everyone if s.is_suggested][:FIRST_SUGGESTIONS]
    active = [s for s in everyone if not s.person.is_paused]
    quiet = sorted(active, key=lambda s: (-s.rhythm.days_quiet, s.person.name.casefold(), s.person.id))
    return {
        "reach_has_people": True,
        "reached_this_month": reached,
        "quiet_longest": [
            PersonCard(person=circle.people[s.person.id], rhythm=s.rhythm).row() for s in quiet[:QUIET_LONGEST]
        ],
        "home_suggestions": [
            {"person": circle.people[s.person.id], "why": s.reasons[0].text} for s in suggestions if s.reasons
        ],
    }
