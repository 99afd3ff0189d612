"""Template helpers for the circle: dialable numbers, lists of people, and the people the crisis banner points to."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from connections.models import Person, SafetyPlan
from connections.starters import dialable as dialable_number

register = template.Library()

BANNER_PEOPLE = 3


@register.filter
def dialable(phone: str) -> str:
    return dialable_number(phone or "")


# One person in a list: name, who they are, when you were last in touch, their rhythm, and "I reached out".
PERSON_ROW = (
    '<li class="person-row" data-person-id="{id}">'
    '<div class="person-row__who"><a class="person-row__name" href="{detail_url}">{name}</a> '
    '<span class="meta">{who}</span></div>'
    '<p class="person-row__when meta">{when}{due}</p>'
    "{actions}"
    "</li>"
)
DUE_LABEL = ' · <span class="due-label">{}</span>'
REACHED_OUT_BUTTON = (
    '<div class="person-row__actions"><button type="submit" form="{form_id}" formaction="{url}" '
    'class="button button--small">I reached out<span class="visually-hidden"> to {name}</span></button></div>'
)


@register.simple_tag
def person_rows(rows: list[dict[str, object]], form_id: str) -> SafeString:
    """The <li>s of a list of people, from PersonCard.row() dicts.

    `form_id` is the id of a form made with _reached_out_form.html on the same page: every "I reached out"
    button submits it to its own person's address (one CSRF token for the whole list).

    Why not a template loop or format_html: a circle of 200 people is some 2,000 escaped values, and Django's
    escaping (lazy-aware, one wrapper per value) made this list most of the page's time. Every value is a
    plain string here, so the standard library's html.escape does the same escaping (& < > " ') directly;
    each one goes through it before it meets the markup.
    """
    form = escape(form_id)
    return mark_safe("\n".join(_row_html(row, form) for row in rows))  # noqa: S308 (every value escaped)


def _row_html(row: dict[str, object], form: str) -> str:
    name = escape(str(row["name"]))
    actions = (
        ""
        if row["paused"]
        else REACHED_OUT_BUTTON.format(form_id=form, url=escape(str(row["reached_out_url"])), name=name)
    )
    return PERSON_ROW.format(
        id=escape(str(row["id"])),
        detail_url=escape(str(row["detail_url"])),
        name=name,
        who=escape(str(row["who"])),
        when=escape(str(row["when"])),
        due=DUE_LABEL.format(escape(str(row["due"]))) if row["due"] else "",
        actions=actions,
    )


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
