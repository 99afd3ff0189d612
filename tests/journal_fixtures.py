"""Helpers for the journal tests: entries written through the real service, so they are sealed and indexed."""

import datetime
from collections.abc import Iterable

from accounts.models import User
from journal import services
from journal.models import Entry


def write_entry(
    user: User,
    *,
    body: str = "A quiet day.",
    title: str = "",
    entry_date: datetime.date | None = None,
    mood: int | None = None,
    feelings: Iterable[str] = (),
    tags: Iterable[str] = (),
    prompt: str = "",
) -> Entry:
    return services.entry_create(
        user=user,
        title=title,
        body=body,
        entry_date=entry_date or user.local_today(),
        mood=mood,
        feelings=feelings,
        tag_names=tags,
        prompt=prompt,
    )


def entry_form(**overrides: object) -> dict[str, object]:
    """A complete, valid POST for the entry form."""
    data: dict[str, object] = {
        "title": "Sunday",
        "body": "Walked to the harbour with Sam.",
        "entry_date": "2026-11-22",
        "mood": "4",
        "feelings": ["calm", "grateful"],
        "tags": "family, walks",
        "prompt": "",
    }
    data.update(overrides)
    return data
