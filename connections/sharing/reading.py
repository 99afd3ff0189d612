"""What a practitioner reads through a share (and what the writer's preview shows): the feed, one entry, moods.

Everything is read through entries_in_scope, and text is opened with the WRITER's cipher only for rows that
query returned. The feed costs the same few queries whether 10 or 1,000 entries are in scope.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString, mark_safe

from accounts.keyring import cipher_for
from connections.sharing.models import Share
from connections.sharing.querysets import entries_in_scope, with_read_mark
from journal.markdown import first_line, render_markdown
from journal.models import MOOD_CHOICES, Entry, Tag
from journal.querysets import Cursor

FEED_PAGE_SIZE = 25
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


@dataclass(frozen=True)
class FeedPage:
    entries: list[SharedEntryView]
    next_cursor: str | None


def _scoped(share: Share) -> QuerySet:
    return with_read_mark(entries_in_scope(share), share).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name").order_by("name"))
    )


def feed_page(share: Share, cursor: Cursor | None) -> FeedPage:
    queryset = _scoped(share).newest_first()
    if cursor is not None:
        queryset = queryset.older_than(cursor)
    rows = list(queryset[: FEED_PAGE_SIZE + 1])
    more = len(rows) > FEED_PAGE_SIZE
    rows = rows[:FEED_PAGE_SIZE]
    cipher = cipher_for(share.writer)
    entries = [
        SharedEntryView(
            id=row.pk,
            entry_date=row.entry_date,
            title=row.title(cipher),
            mood=row.mood if share.include_moods else None,
            tags=[tag.name for tag in row.tags.all()],
            feelings=list(row.feelings or []),
            is_marked_read=row.is_marked_read,
            excerpt=first_line(row.body(cipher), limit=160),
        )
        for row in rows
    ]
    next_cursor = str(Cursor(rows[-1].entry_date, rows[-1].pk)) if more else None
    return FeedPage(entries=entries, next_cursor=next_cursor)


def shared_entry(share: Share, entry_id: int) -> SharedEntryView | None:
    """One entry in full, or None when it is not (or no longer) in this share's scope."""
    row = _scoped(share).filter(pk=entry_id).first()
    if row is None:
        return None
    cipher = cipher_for(share.writer)
    return SharedEntryView(
        id=row.pk,
        entry_date=row.entry_date,
        title=row.title(cipher),
        mood=row.mood if share.include_moods else None,
        tags=[tag.name for tag in row.tags.all()],
        feelings=list(row.feelings or []),
        is_marked_read=row.is_marked_read,
        body_html=mark_safe(render_markdown(row.body(cipher))),  # noqa: S308 (sanitised by nh3 in render_markdown)
    )


def scoped_entry(share: Share, entry_id: int) -> Entry | None:
    return entries_in_scope(share).filter(pk=entry_id).first()


def agenda_text(share: Share) -> str:
    return share.agenda(cipher_for(share.writer)) if share.agenda_sealed else ""
