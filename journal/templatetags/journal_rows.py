"""The rows of the journal's list, built in Python: the list is the most visited page, and 25 rows through the
template engine were most of its time (bench/bench_journal.py measures it against a bare view).

Every value goes through the standard library's html.escape (the same five characters Django escapes) before
it meets the markup; the result is the markup the template loop produced.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from journal.display import EntryRow

register = template.Library()

ROW = """<li class="j-row">
  <a class="j-row__link" href="{url}">
    <time class="j-row__date" datetime="{date_iso}">{date_display}</time>
    <span class="j-row__label{label_class}">{label}</span>
  </a>{meta}
</li>"""
META = """
  <p class="j-row__meta">
    {mood}
    {tags}
  </p>"""
MOOD = (
    '<span class="j-mood-mark"><span class="j-mood-mark__dots" aria-hidden="true">{dots}</span> '
    "<span>Mood: {word}</span></span>"
)
TAG = '<a class="j-tag" href="{href}">{name}</a>'


@register.simple_tag
def entry_rows(rows: list[EntryRow]) -> SafeString:
    """The <li>s of a list of entries (journal.display.EntryRow)."""
    return mark_safe("\n".join(_row_html(row) for row in rows))  # noqa: S308 (every value escaped)


def _row_html(row: EntryRow) -> str:
    meta = ""
    if row.mood or row.tag_names:
        mood = MOOD.format(dots=row.mood_dots, word=escape(row.mood_word)) if row.mood else ""
        tags = "".join(TAG.format(href=escape(href), name=escape(name)) for name, href in row.tag_links)
        meta = META.format(mood=mood, tags=tags)
    return ROW.format(
        url=escape(row.url),
        date_iso=row.date_iso,
        date_display=escape(row.date_display),
        label_class="" if row.has_title else " j-row__label--line",
        label=escape(row.label),
        meta=meta,
    )
