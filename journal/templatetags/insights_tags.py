"""Template helpers for insights panels that need the request (the home view passes only the user)."""

from django import template
from django.http import HttpRequest

from journal.insights_home import LateNightNote, is_dismissed

register = template.Library()


@register.filter
def unless_dismissed(note: LateNightNote | None, request: HttpRequest) -> LateNightNote | None:
    """The late-night note, or None when the writer dismissed this week's in this session."""
    if note is None or is_dismissed(note, request.session):
        return None
    return note
