"""What the journal's pages show of an entry or draft, opened with the writer's cipher."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import quote
from zoneinfo import ZoneInfo

from accounts.crypto import WriterCipher
from journal.markdown import first_line
from journal.models import MOOD_CHOICES, Draft, Entry
from journal.querysets import TAG_NAME_SEPARATOR

MOOD_WORDS: dict[int, str] = dict(MOOD_CHOICES)


# Links are built from this prefix rather than reversed per row: the list page renders 25 rows per request
# and is measured against a bare view (bench/bench_journal.py). It matches journal.urls under /journal/.
JOURNAL_PATH = "/journal/"


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

    @property
    def mood_dots(self) -> str:
        """Five marks, filled up to the mood: a quiet picture beside the word, never instead of it."""
        return "●" * self.mood + "○" * (5 - self.mood) if self.mood else ""

    # Dates formatted here rather than with |date in the template: cheaper on the measured list page.
    @property
    def date_iso(self) -> str:
        return self.entry_date.isoformat()

    @property
    def date_display(self) -> str:
        day = self.entry_date
        return f"{day:%a} {day.day} {day:%b} {day.year}"

    @property
    def url(self) -> str:
        return f"{JOURNAL_PATH}{self.id}/"

    @property
    def tag_links(self) -> list[tuple[str, str]]:
        return [(name, f"{JOURNAL_PATH}?tag={quote(name)}") for name in self.tag_names]


def entry_row(entry: Entry, cipher: WriterCipher) -> EntryRow:
    title = entry.title(cipher).strip()
    label = title or first_line(entry.body(cipher)) or "Untitled"
    return EntryRow(
        id=entry.pk,
        entry_date=entry.entry_date,
        label=label,
        has_title=bool(title),
        mood=entry.mood,
        tag_names=_tag_names(entry),
        deleted_at=entry.deleted_at,
    )


def _tag_names(entry: Entry) -> list[str]:
    # From EntryQuerySet.with_tag_names() when the query asked for it; never a query per row.
    joined = getattr(entry, "tag_names_joined", None)
    if joined is not None:
        return sorted(joined.split(TAG_NAME_SEPARATOR), key=str.casefold)
    if hasattr(entry, "tag_names_joined"):
        return []
    return sorted((tag.name for tag in entry.tags.all()), key=str.casefold)


@dataclass(frozen=True)
class DraftRow:
    id: int
    label: str
    # Formatted here in the writer's time zone: a template's |date would show the active zone (UTC).
    updated_display: str
    entry_id: int | None
    entry_date: datetime.date | None


def draft_row(draft: Draft, cipher: WriterCipher, zone: ZoneInfo) -> DraftRow:
    title = draft.title(cipher).strip()
    return DraftRow(
        id=draft.pk,
        label=title or first_line(draft.body(cipher)) or "A draft with no words yet",
        updated_display=local_moment(draft.updated_at, zone),
        entry_id=draft.entry_id,
        entry_date=draft.entry.entry_date if draft.entry_id else None,
    )


def mood_word(mood: int | None) -> str:
    return MOOD_WORDS.get(mood, "") if mood else ""


def local_moment(moment: datetime.datetime, zone: ZoneInfo) -> str:
    """'27 Nov, 16:04' in the writer's zone."""
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b}, {local:%H:%M}"
