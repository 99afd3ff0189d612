"""What a practitioner reads through a share (and what the writer's preview shows): the feed, one entry, moods.

Everything is read through entries_in_scope, and text is opened with the WRITER's cipher only for rows that
query returned. The feed costs the same few queries whether 10 or 1,000 entries are in scope.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, Value
from django.utils.safestring import SafeString, mark_safe

from accounts.crypto import WriterCipher, unwrap_data_key
from accounts.keyring import cipher_for
from connections.sharing.models import ReadMark, Share
from connections.sharing.querysets import entries_in_scope, with_read_mark
from journal.markdown import first_line, render_markdown
from journal.models import MOOD_CHOICES, Entry
from journal.querysets import Cursor

FEED_PAGE_SIZE = 20
MOOD_WORDS = dict(MOOD_CHOICES)


@dataclass(frozen=True)
class SharedEntryView:
    id: int
    entry_date: date
    title: str
    mood: int | None  # None when the writer does not share moods
    tags: list[str]
    feelings: list[str]
    is_marked_read: bool
    excerpt: str = ""
    body_html: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def mood_word(self) -> str:
        return MOOD_WORDS.get(self.mood, "") if self.mood else ""

    @property
    def date_text(self) -> str:
        # Formatted here rather than with a template filter per row: the feed renders 25 of these per request.
        day = self.entry_date
        return f"{day:%A} {day.day} {day:%B %Y}"

    @property
    def mood_text(self) -> str:
        return f"Mood {self.mood} of 5, {self.mood_word.lower()}" if self.mood else ""

    @property
    def details_text(self) -> str:
        """What follows the date in the feed: " · Mood 4 of 5, good · sleep, work"."""
        parts = [part for part in (self.mood_text, ", ".join(self.tags)) if part]
        return "".join(f" · {part}" for part in parts)


@dataclass(frozen=True)
class FeedPage:
    entries: list[SharedEntryView]
    next_cursor: str | None


# Only what a reader is shown: the feed never loads prompts, versions or other columns it does not use.
READ_FIELDS = ("id", "owner_id", "entry_date", "mood", "feelings", "title_sealed", "body_sealed")


# Tag names arrive joined by a character journal.tags never lets into a name (it counts as whitespace there).
TAG_SEPARATOR = "\x1f"


def _scoped(share: Share) -> QuerySet:
    """In-scope entries with their read mark and tag names, all in one query (no prefetch round trip)."""
    tag_names = (
        Entry.tags.through.objects.filter(entry_id=OuterRef("pk"))
        .values("entry_id")
        .annotate(names=StringAgg("tag__name", delimiter=Value(TAG_SEPARATOR), order_by="tag__name"))
        .values("names")
    )
    return with_read_mark(entries_in_scope(share), share).only(*READ_FIELDS).annotate(tag_names=Subquery(tag_names))


def _tags_of(row: Entry) -> list[str]:
    return row.tag_names.split(TAG_SEPARATOR) if row.tag_names else []


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


def _view(share: Share, row: Entry, cipher: WriterCipher, *, full: bool) -> SharedEntryView:
    body = row.body(cipher)
    return SharedEntryView(
        id=row.pk,
        entry_date=row.entry_date,
        title=row.title(cipher),
        mood=row.mood if share.include_moods else None,
        tags=_tags_of(row),
        feelings=list(row.feelings or []),
        is_marked_read=row.is_marked_read,
        excerpt="" if full else first_line(body, limit=160),
        # Sanitised by nh3 inside render_markdown.
        body_html=mark_safe(render_markdown(body)) if full else mark_safe(""),  # noqa: S308
    )


def feed_page(share: Share, cursor: Cursor | None) -> FeedPage:
    queryset = _scoped(share).newest_first()
    if cursor is not None:
        queryset = queryset.older_than(cursor)
    rows = list(queryset[: FEED_PAGE_SIZE + 1])
    more = len(rows) > FEED_PAGE_SIZE
    rows = rows[:FEED_PAGE_SIZE]
    if not rows:
        return FeedPage(entries=[], next_cursor=None)
    cipher = writer_cipher(share)
    entries = [_view(share, row, cipher, full=False) for row in rows]
    next_cursor = str(Cursor(rows[-1].entry_date, rows[-1].pk)) if more else None
    return FeedPage(entries=entries, next_cursor=next_cursor)


def shared_entry(share: Share, entry_id: int) -> SharedEntryView | None:
    """One entry in full, or None when it is not (or no longer) in this share's scope."""
    row = _scoped(share).filter(pk=entry_id).first()
    if row is None:
        return None
    return _view(share, row, writer_cipher(share), full=True)


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
