"""Template helpers for the circle: dialable numbers, lists of people, and the people the crisis banner points to."""

from functools import cache
from html import escape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from connections.help_lines import Line
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


# One suggestion on Reach out: who, why (in plain words), a first line to edit, ways to reach them,
# "I reached out" and snooze. Built like the rows above, and for the same reason: a page of suggestions is
# hundreds of escaped values.
SUGGESTION = """<li class="suggestion" data-person-id="{id}" data-name="{name}" data-first-name="{first_name}">
  <article aria-labelledby="suggestion-{id}-name">
    <header class="suggestion__header">
      <h3 id="suggestion-{id}-name" class="suggestion__name"><a href="{detail_url}">{name}</a></h3>
      <span class="meta">{who}</span>
    </header>
    <ul class="reasons" aria-label="Why {first_name}">
      {reasons}
    </ul>
    <div class="starter" data-starter>
      <div class="field">
        <label for="starter-{id}">A first line you can change</label>
        <textarea id="starter-{id}" rows="3" data-starter-text aria-describedby="starter-{id}-help">{message}</textarea>
        <p class="field__help" id="starter-{id}-help">Held sends nothing. Text and email open on your own device \
with these words.</p>
      </div>
      <div class="field starter__choice" hidden data-starter-choice>
        <label for="starter-choice-{id}">Start from</label>
        <select id="starter-choice-{id}" data-starter-select>
          {starter_options}
        </select>
      </div>
    </div>
    <div class="suggestion__actions">
      {actions}
    </div>
    <div class="suggestion__after">
      <form method="post" action="{reached_out_url}" class="inline-form reached-out-form">{csrf}\
<input type="hidden" name="next" value="{next_url}"><input type="hidden" name="channel" value="other" \
data-reached-out-channel><button type="submit" class="button button--small">I reached out\
<span class="visually-hidden"> to {name}</span></button></form>
      <form method="post" action="{snooze_url}" class="inline-form snooze-form">{csrf}\
<input type="hidden" name="next" value="{next_url}"><button type="submit" name="days" value="1" \
class="button button--quiet button--small">Snooze a day<span class="visually-hidden"> for {name}</span></button> \
<button type="submit" name="days" value="7" class="button button--quiet button--small">Snooze a week\
<span class="visually-hidden"> for {name}</span></button></form>
    </div>
  </article>
</li>"""
REASON = '<li class="reason reason--{kind}">{text}.</li>'
ACTION = '<a class="button button--quiet button--small" href="{href}" data-channel="{channel}"{carries}>{label}</a>'
HANDLE = '<span class="meta handle">Message {handle}</span>'
NO_WAY_TO_REACH = (
    '<span class="meta"><a href="{edit_url}">Add a phone or email</a> to reach {first_name} from here.</span>'
)
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


@register.simple_tag(takes_context=True)
def suggestion_cards(context: template.Context, cards: list[dict[str, object]]) -> SafeString:
    """The <li>s of Reach out's suggestions, from connections.cards.card_for dicts. Every value is escaped
    with html.escape before it meets the markup; the starter <option>s come ready-made and escaped."""
    request = context["request"]
    shared = {
        "csrf": CSRF_INPUT.format(escape(str(context["csrf_token"]))),
        "next_url": escape(request.get_full_path()),
    }
    return mark_safe("".join(_card_html(card, shared) for card in cards))  # noqa: S308 (every value escaped)


def _card_html(card: dict[str, object], shared: dict[str, str]) -> str:
    text = {key: escape(str(card[key])) for key in ("id", "name", "first_name", "who", "message", "handle")}
    urls = {key: escape(str(card[key])) for key in ("detail_url", "edit_url", "reached_out_url", "snooze_url")}
    actions = [
        ACTION.format(
            href=escape(str(action["href"])),
            channel=escape(str(action["channel"])),
            carries=" data-carries-message" if action["carries_message"] else "",
            label=escape(str(action["label"])),
        )
        for action in card["actions"]
    ]
    if card["handle"]:
        actions.append(HANDLE.format(handle=text["handle"]))
    if not card["actions"] and not card["handle"]:
        actions.append(NO_WAY_TO_REACH.format(edit_url=urls["edit_url"], first_name=text["first_name"]))
    reasons = "".join(
        REASON.format(kind=escape(reason["kind"]), text=escape(reason["text"])) for reason in card["reasons"]
    )
    return SUGGESTION.format(
        **text,
        **urls,
        **shared,
        reasons=reasons,
        starter_options=card["starter_options"],
        actions="\n      ".join(actions),
    )


@register.simple_tag
def help_line(line: Line) -> SafeString:
    """One crisis line or service as connections/_line.html lays it out."""
    return _rendered_line(line)


@cache
def _rendered_line(line: Line) -> SafeString:
    # The lines come from a file that does not change while the process runs, and their markup depends on
    # nothing else: each one is rendered once, not on every visit to Help.
    return render_to_string("connections/_line.html", {"line": line})


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
