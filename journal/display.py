"""What the journal's pages show of an entry or draft, opened with the writer's cipher."""

import datetime
from dataclasses import dataclass, field

from accounts.crypto import WriterCipher
from journal.markdown import first_line
from journal.models import MOOD_CHOICES, Draft, Entry

MOOD_WORDS: dict[int, str] = dict(MOOD_CHOICES)


@dataclass(frozen=True)
class EntryRow:
    """One line of a list: the title, or the first line of the body when there is no title."""

    id: int
    entry_date: datetime.date
    label: str
    has_title: bool
    mood: int | None
    tag_names: list[str] = field(default_factory=list)
    deleted_at: datetime.datetime | None = None

    @property
    def mood_word(self) -> str:
        return MOOD_WORDS.get(self.mood, "") if self.mood else ""


def entry_row(entry: Entry, cipher: WriterCipher) -> EntryRow:
    title = entry.title(cipher).strip()
    label = title or first_line(entry.body(cipher)) or "Untitled"
    return EntryRow(
        id=entry.pk,
        entry_date=entry.entry_date,
        label=label,
        has_title=bool(title),
        mood=entry.mood,
        # Reads the prefetched tags: no query per row.
        tag_names=[tag.name for tag in entry.tags.all()],
        deleted_at=entry.deleted_at,
    )


@dataclass(frozen=True)
class DraftRow:
    id: int
    label: str
    updated_at: datetime.datetime
    entry_id: int | None
    entry_date: datetime.date | None


def draft_row(draft: Draft, cipher: WriterCipher) -> DraftRow:
    title = draft.title(cipher).strip()
    return DraftRow(
        id=draft.pk,
        label=title or first_line(draft.body(cipher)) or "A draft with no words yet",
        updated_at=draft.updated_at,
        entry_id=draft.entry_id,
        entry_date=draft.entry.entry_date if draft.entry_id else None,
    )


def mood_word(mood: int | None) -> str:
    return MOOD_WORDS.get(mood, "") if mood else ""
