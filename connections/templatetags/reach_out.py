"""Template helpers for the circle: dialable numbers, and the people the crisis banner points to."""

from django import template

from accounts.models import User
from connections.models import Person, SafetyPlan
from connections.starters import dialable as dialable_number

register = template.Library()

BANNER_PEOPLE = 3


@register.filter
def dialable(phone: str) -> str:
    return dialable_number(phone or "")


@register.simple_tag
def crisis_banner_people(user: User) -> list[Person]:
    """The people the writer chose to ask for help on their safety plan, else their professionals.

    Only for a signed-in writer, and only read when the banner is shown (after an entry with crisis language).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    plan = SafetyPlan.objects.filter(owner=user).first()
    if plan is not None:
        chosen = [*plan.help_people.filter(is_paused=False), *plan.professionals.filter(is_paused=False)]
        unique = list({person.pk: person for person in chosen}.values())
        if unique:
            return unique[:BANNER_PEOPLE]
    return list(Person.objects.for_owner(user).not_paused().professionals()[:BANNER_PEOPLE])
