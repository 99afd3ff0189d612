"""Writes to the journal: entries, their tags and blind index, Trash, drafts and the writer's prompts.

Titles and bodies are sealed with the writer's cipher before they reach a model; the blind index
(EntrySearchToken) is rebuilt on every save so search keeps working over sealed text.
"""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.crypto import WriterCipher
from accounts.keyring import cipher_for
from accounts.models import User
from journal.feelings import FEELING_WORDS, in_vocabulary_order
from journal.models import Draft, Entry, EntrySearchToken, Tag, WriterPrompt

logger = logging.getLogger(__name__)

TRASH_DAYS = 30
# A draft holds what the writer typed, even past the entry limit (the form says so on save); beyond this
# the autosave is refused (the text stays in the browser) rather than cut.
MAX_DRAFT_CHARS = 200_000


class StaleVersionError(Exception):
    """A save carried an older version than the stored one: another tab saved first."""

    def __init__(self, current: Entry) -> None:
        super().__init__(f"entry {current.pk} is at version {current.version}")
        self.current = current


def entry_create(
    *,
    user: User,
    body: str,
    entry_date: datetime.date,
    title: str = "",
    mood: int | None = None,
    feelings: Iterable[str] = (),
    tag_names: Iterable[str] = (),
    prompt: str = "",
    draft_id: int | None = None,
) -> Entry:
    cipher = cipher_for(user)
    feelings = in_vocabulary_order(list(feelings))
    tag_names = list(tag_names)
    entry = Entry(owner=user, entry_date=entry_date, mood=mood, feelings=feelings, prompt=prompt)
    entry.seal_text(cipher, title=title, body=body)
    with transaction.atomic():
        entry.save()
        tags = _tags_named(user, tag_names)
        entry.tags.set(tags)
        _index(cipher, entry, title=title, body=body, feelings=feelings, tag_names=[tag.name for tag in tags])
        if draft_id is not None:
            Draft.objects.for_owner(user).filter(pk=draft_id).delete()
    logger.info("journal entry created id=%s owner=%s", entry.pk, user.pk)
    return entry


def entry_update(
    *,
    user: User,
    entry: Entry,
    expected_version: int,
    body: str,
    entry_date: datetime.date,
    title: str = "",
    mood: int | None = None,
    feelings: Iterable[str] = (),
    tag_names: Iterable[str] = (),
    prompt: str = "",
    draft_id: int | None = None,
) -> Entry:
    """Save a new version, or raise StaleVersionError when `expected_version` is no longer current.

    The check and the write are one conditional UPDATE, so two tabs saving at the same moment cannot
    both win.
    """
    cipher = cipher_for(user)
    feelings = in_vocabulary_order(list(feelings))
    probe = Entry()
    probe.seal_text(cipher, title=title, body=body)
    with transaction.atomic():
        changed = (
            Entry.objects.for_owner(user)
            .filter(pk=entry.pk, version=expected_version)
            .update(
                title_sealed=probe.title_sealed,
                body_sealed=probe.body_sealed,
                entry_date=entry_date,
                mood=mood,
                feelings=feelings,
                prompt=prompt,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
        )
        if changed != 1:
            raise StaleVersionError(Entry.objects.for_owner(user).get(pk=entry.pk))
        entry.refresh_from_db()
        tags = _tags_named(user, list(tag_names))
        entry.tags.set(tags)
        _index(cipher, entry, title=title, body=body, feelings=feelings, tag_names=[tag.name for tag in tags])
        if draft_id is not None:
            Draft.objects.for_owner(user).filter(pk=draft_id).delete()
    logger.info("journal entry updated id=%s version=%s", entry.pk, entry.version)
    return entry


def entry_move_to_trash(*, user: User, entry: Entry) -> None:
    Entry.objects.for_owner(user).filter(pk=entry.pk).update(deleted_at=timezone.now())
    logger.info("journal entry moved to trash id=%s", entry.pk)


def entry_restore(*, user: User, entry: Entry) -> None:
    Entry.objects.owned_by(user).in_trash().filter(pk=entry.pk).update(deleted_at=None)
    logger.info("journal entry restored id=%s", entry.pk)


def entry_delete_forever(*, user: User, entry: Entry) -> None:
    Entry.objects.owned_by(user).in_trash().filter(pk=entry.pk).delete()
    logger.info("journal entry deleted from trash id=%s", entry.pk)


def trash_empty(*, now: datetime.datetime | None = None) -> int:
    """Delete every entry that has been in Trash longer than TRASH_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=TRASH_DAYS)
    _, by_model = Entry.objects.in_trash().filter(deleted_at__lt=cutoff).delete()
    count = by_model.get("journal.Entry", 0)
    logger.info("journal trash emptied entries=%s", count)
    return count


def trash_expires_on(entry: Entry) -> datetime.datetime | None:
    return entry.deleted_at + datetime.timedelta(days=TRASH_DAYS) if entry.deleted_at else None


# --- drafts -------------------------------------------------------------------------------------


def draft_autosave(
    *,
    user: User,
    draft_id: int | None,
    entry: Entry | None,
    title: str,
    body: str,
    fields: dict[str, Any],
    recreate: bool = False,
) -> Draft | None:
    """Keep what is being typed, sealed. Returns None when `draft_id` names a draft that is gone,
    unless `recreate` (the conflict page keeps the refused version whatever happened to its draft).

    A draft that is gone was saved as an entry or discarded (perhaps in another tab): recreating it
    from a late autosave would bring back writing the writer already dealt with.
    """
    cipher = cipher_for(user)
    draft = Draft.objects.for_owner(user).filter(pk=draft_id).first() if draft_id is not None else None
    if draft is None and draft_id is not None and not recreate:
        return None
    if draft is None:
        draft = Draft(owner=user, entry=entry)
    draft.seal_text(cipher, title=title, body=body)
    draft.fields = clean_draft_fields(fields)
    draft.save()
    return draft


def draft_discard(*, user: User, draft: Draft) -> None:
    Draft.objects.for_owner(user).filter(pk=draft.pk).delete()
    logger.info("journal draft discarded id=%s", draft.pk)


def clean_draft_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The structured part of a draft, clipped to what the entry form could ever hold."""
    mood = str(fields.get("mood") or "")
    version = fields.get("version")
    return {
        "entry_date": str(fields.get("entry_date") or "")[:10],
        "mood": mood if mood in {"1", "2", "3", "4", "5"} else "",
        "feelings": [word for word in fields.get("feelings") or [] if word in FEELING_WORDS],
        "tags": str(fields.get("tags") or "")[:1100],
        "prompt": str(fields.get("prompt") or "")[:300],
        "version": int(version) if str(version or "").isdigit() else None,
    }


# --- writer prompts -----------------------------------------------------------------------------


def writer_prompt_add(*, user: User, text: str) -> WriterPrompt:
    return WriterPrompt.objects.create(owner=user, text=text.strip())


def writer_prompt_remove(*, user: User, prompt: WriterPrompt) -> None:
    WriterPrompt.objects.for_owner(user).filter(pk=prompt.pk).delete()


# --- helpers ------------------------------------------------------------------------------------


def _tags_named(user: User, names: list[str]) -> list[Tag]:
    """The writer's tags with these names (matched without case), creating the new ones."""
    if not names:
        return []
    wanted = {name.lower(): name for name in names}
    Tag.objects.bulk_create([Tag(owner=user, name=name) for name in wanted.values()], ignore_conflicts=True)
    found = Tag.objects.for_owner(user).annotate(lower_name=Lower("name")).filter(lower_name__in=list(wanted))
    by_lower = {tag.lower_name: tag for tag in found}
    return [by_lower[key] for key in wanted if key in by_lower]


def search_text(*, title: str, body: str, feelings: list[str], tag_names: list[str]) -> str:
    """Everything an entry can be found by. Feelings and tags are included, so "lonely" finds the entries
    marked lonely."""
    return "\n".join([title, body, *feelings, *tag_names])


def _index(
    cipher: WriterCipher, entry: Entry, *, title: str, body: str, feelings: list[str], tag_names: list[str]
) -> None:
    text = search_text(title=title, body=body, feelings=feelings, tag_names=tag_names)
    EntrySearchToken.objects.filter(entry=entry).delete()
    EntrySearchToken.objects.bulk_create(
        [EntrySearchToken(owner_id=entry.owner_id, entry=entry, token=token) for token in cipher.search_tokens(text)]
    )
