"""What a practitioner reads through a share (and what the writer's preview shows): the feed, one entry, moods.

Everything is read through the share's scope (querysets: entries_in_scope, and scoped_entry_rows for these pages,
the same rules), and text is opened with the WRITER's cipher only for rows that returned. A page of the feed or
one entry is one query, whether 10 or 1,000 entries are in scope.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.safestring import SafeString, mark_safe

from accounts.crypto import WriterCipher, unwrap_data_key
from accounts.keyring import cipher_for
from connections.sharing.models import ReadMark, Share
from connections.sharing.querysets import ScopedEntryRow, entries_in_scope, scoped_entry_rows
from journal.markdown import first_line, render_markdown
from journal.models import MOOD_CHOICES, Entry
from journal.querysets import Cursor

FEED_PAGE_SIZE = 20
MOOD_WORDS = dict(MOOD_CHOICES)


@dataclass(frozen=True)
class SharedEntryView:
    """One entry as a reader sees it. Words are formatted once here: the feed renders 20 rows per request."""

    id: int
    entry_date: date
    title: str
    heading: str  # the title, or "Untitled entry"
    mood: int | None  # None when the writer does not share moods
    tags: list[str]
    feelings: list[str]
    is_marked_read: bool
    excerpt: str = ""
    body_html: SafeString = field(default_factory=lambda: mark_safe(""))
    date_text: str = ""  # "Tuesday 3 March 2026"
    mood_text: str = ""  # "Mood 4 of 5, good"
    details_text: str = ""  # what follows the date in the feed: " · Mood 4 of 5, good · sleep, work"
    link: str = ""  # the entry's own page, for a row of the feed

    @property
    def iso_date(self) -> str:
        return self.entry_date.isoformat()


# English names, as the rest of Held's words; strftime's %A and %B were a fair part of building a feed row.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _date_text(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _mood_text(mood: int | None) -> str:
    return f"Mood {mood} of 5, {MOOD_WORDS[mood].lower()}" if mood else ""


@dataclass(frozen=True)
class FeedPage:
    entries: list[SharedEntryView]
    next_cursor: str | None


def writer_cipher(share: Share) -> WriterCipher:
    """The writer's cipher, from the data key fetched with the share when it was (saves a query per page)."""
    cached = getattr(share, "_writer_cipher", None)
    if cached is not None:
        return cached
    writer = share.writer
    data_key = writer._state.fields_cache.get("data_key")
    if data_key is None:
        cipher = cipher_for(writer)
    else:
        key = unwrap_data_key(data_key.key_id, data_key.wrapped_key, user_id=writer.pk)
        cipher = WriterCipher(user_id=writer.pk, data_key=key)
    share._writer_cipher = cipher
    return cipher


def _view(share: Share, row: ScopedEntryRow, cipher: WriterCipher, *, full: bool, link: str = "") -> SharedEntryView:
    body = row.body(cipher)
    title = row.title(cipher)
    mood = row.mood if share.include_moods else None
    mood_text = _mood_text(mood)
    return SharedEntryView(
        id=row.id,
        entry_date=row.entry_date,
        title=title,
        heading=title or "Untitled entry",
        mood=mood,
        tags=row.tag_names,
        feelings=row.feelings,
        is_marked_read=row.is_marked_read,
        excerpt="" if full else first_line(body, limit=160),
        # Sanitised by nh3 inside render_markdown.
        body_html=mark_safe(render_markdown(body)) if full else mark_safe(""),  # noqa: S308
        date_text=_date_text(row.entry_date),
        mood_text=mood_text,
        details_text="".join(f" · {part}" for part in (mood_text, ", ".join(row.tag_names)) if part),
        link=link,
    )


def feed_page(share: Share, cursor: Cursor | None, *, entry_links: str) -> FeedPage:
    """A page of the feed; each entry links to `entry_links` followed by its id (one prefix, not 20 reverses)."""
    rows = scoped_entry_rows(share, older_than=cursor, limit=FEED_PAGE_SIZE + 1)
    more = len(rows) > FEED_PAGE_SIZE
    rows = rows[:FEED_PAGE_SIZE]
    if not rows:
        return FeedPage(entries=[], next_cursor=None)
    cipher = writer_cipher(share)
    entries = [_view(share, row, cipher, full=False, link=f"{entry_links}{row.id}/") for row in rows]
    next_cursor = str(Cursor(rows[-1].entry_date, rows[-1].id)) if more else None
    return FeedPage(entries=entries, next_cursor=next_cursor)


def shared_entry(share: Share, entry_id: int) -> SharedEntryView | None:
    """One entry in full, or None when it is not (or no longer) in this share's scope."""
    rows = scoped_entry_rows(share, entry_id=entry_id, limit=1)
    if not rows:
        return None
    return _view(share, rows[0], writer_cipher(share), full=True)


def scoped_entry(share: Share, entry_id: int) -> Entry | None:
    return entries_in_scope(share).filter(pk=entry_id).first()


def agenda_text(share: Share) -> str:
    return share.agenda(writer_cipher(share)) if share.agenda_sealed else ""


@dataclass(frozen=True)
class ReadMarkLine:
    entry_id: int
    label: str
    marked_at: datetime


def read_marks_for_writer(share: Share) -> list[ReadMarkLine]:
    """The writer's own view of what the practitioner marked read, newest mark first, with the writer's titles."""
    marks = (
        ReadMark.objects.filter(share=share, entry__deleted_at__isnull=True)
        .select_related("entry")
        .order_by("-marked_at")
    )
    cipher = writer_cipher(share)
    return [
        ReadMarkLine(
            entry_id=mark.entry_id,
            label=mark.entry.title(cipher) or first_line(mark.entry.body(cipher)) or "Untitled entry",
            marked_at=mark.marked_at,
        )
        for mark in marks
    ]
