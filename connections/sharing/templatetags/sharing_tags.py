"""Tags for the panels on other pages: `{% entry_share_panel entry %}`, `{% person_share_panel person %}`;
and the rows of the shared feed: `{% shared_feed_rows page.entries read_mark_words %}`."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from connections.sharing.panels import entry_share_panel_context, person_share_panel_context
from connections.sharing.reading import SharedEntryView

register = template.Library()


@register.inclusion_tag("sharing/_entry_share_panel_body.html", takes_context=True)
def entry_share_panel(context: template.Context, entry: object) -> dict[str, object]:
    request = context["request"]
    return {
        **entry_share_panel_context(request.user, entry),
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("sharing/_person_share_panel_body.html", takes_context=True)
def person_share_panel(context: template.Context, person: object) -> dict[str, object]:
    request = context["request"]
    return {**person_share_panel_context(request.user, person), "request": request, "user": request.user}


@register.simple_tag
def shared_feed_rows(entries: list[SharedEntryView], read_mark_words: str) -> SafeString:
    """The feed's <li> rows, for the practitioner and the writer's preview alike.

    Built here rather than by a {% for %} in sharing/feed.html: with 20 rows a page, the template engine's loop was
    the largest single cost of the practitioner's feed after the middleware. Every value is escaped, as the
    template would have.
    """
    return mark_safe("\n".join(_feed_row(entry, read_mark_words) for entry in entries))  # noqa: S308 (escaped)


def _feed_row(entry: SharedEntryView, read_mark_words: str) -> str:
    excerpt = f'<p class="shared-entry__excerpt">{escape(entry.excerpt)}</p>' if entry.excerpt else ""
    read_mark = (
        f'<p class="read-mark"><span aria-hidden="true">✓</span> {escape(read_mark_words)}</p>'
        if entry.is_marked_read
        else ""
    )
    return (
        '<li class="shared-entry">'
        f'<h3 class="shared-entry__title"><a href="{escape(entry.link)}">{escape(entry.heading)}</a></h3>'
        f'<p class="meta"><time datetime="{escape(entry.iso_date)}">{escape(entry.date_text)}</time>'
        f"{escape(entry.details_text)}</p>{excerpt}{read_mark}</li>"
    )
