"""Journal entries, drafts, tags and the writer's own prompts.

Titles and bodies are stored sealed with the writer's data key (accounts.crypto); dates, moods, feeling
words and tags are stored in the clear so lists, filters and insights stay fast. Search uses the blind
index in EntrySearchToken.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from accounts.crypto import WriterCipher
from journal.querysets import EntryQuerySet, OwnedQuerySet

MOOD_CHOICES = [(1, "Very low"), (2, "Low"), (3, "Okay"), (4, "Good"), (5, "Very good")]


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_tags")
    name = models.CharField(max_length=50)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint("owner", Lower("name"), name="tag_unique_per_owner_ci")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries")
    title_sealed = models.BinaryField(default=b"")
    body_sealed = models.BinaryField(default=b"")
    entry_date = models.DateField(help_text="The day in the writer's time zone that this entry is about.")
    mood = models.PositiveSmallIntegerField(choices=MOOD_CHOICES, null=True, blank=True)
    feelings = models.JSONField(default=list, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="entries")
    prompt = models.CharField(max_length=300, blank=True)
    # Incremented on every save: a save carrying an older version is a stale tab and is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="In Trash since; emptied after 30 days.")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            # Keyset pagination of the journal list (journal.views.entry_list), newest first.
            models.Index(
                "owner",
                models.F("entry_date").desc(),
                models.F("id").desc(),
                name="entry_live_by_date_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # Trash listing and the empty_trash task.
            models.Index(fields=["deleted_at"], name="entry_trash_idx", condition=models.Q(deleted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        # Never the title or body: this string can reach logs and the admin.
        return f"entry {self.pk} of {self.entry_date}"

    def title(self, cipher: WriterCipher) -> str:
        return cipher.open(self.title_sealed, field="entry.title")

    def body(self, cipher: WriterCipher) -> str:
        return cipher.open(self.body_sealed, field="entry.body")

    def seal_text(self, cipher: WriterCipher, *, title: str, body: str) -> None:
        self.title_sealed = cipher.seal(title, field="entry.title")
        self.body_sealed = cipher.seal(body, field="entry.body")


class EntrySearchToken(models.Model):
    """Blind index: one row per distinct word of an entry, as an HMAC only the writer's key can make."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="search_tokens")
    token = models.CharField(max_length=24)

    class Meta:
        # Search (EntryQuerySet.matching_all_tokens) finds a word's entries from this index alone: the entry id
        # is a key column (INCLUDE would be ignored by SQLite, with a warning), so no table row is read per match.
        indexes = [models.Index(fields=["owner", "token", "entry"], name="search_token_covering_idx")]
        constraints = [models.UniqueConstraint(fields=["entry", "token"], name="search_token_unique")]

    def __str__(self) -> str:
        return f"search token of entry {self.entry_id}"


class Draft(models.Model):
    """Writing not yet saved as an entry (or an unsaved edit of one), kept sealed on the server."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_drafts")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="drafts")
    title_sealed = models.BinaryField(default=b"")
    body_sealed = models.BinaryField(default=b"")
    # Mood, feelings, tags, date and prompt as typed so far (no free text beyond tag names).
    fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"draft {self.pk}"

    def title(self, cipher: WriterCipher) -> str:
        return cipher.open(self.title_sealed, field="draft.title")

    def body(self, cipher: WriterCipher) -> str:
        return cipher.open(self.body_sealed, field="draft.body")

    def seal_text(self, cipher: WriterCipher, *, title: str, body: str) -> None:
        self.title_sealed = cipher.seal(title, field="draft.title")
        self.body_sealed = cipher.seal(body, field="draft.body")


class WriterPrompt(models.Model):
    """A prompt the writer added to their own library (the built-in ones live in journal/prompts.py)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_prompts")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"prompt {self.pk}"


class JournalStamp(models.Model):
    """A number that changes whenever anything the insights page reads changes: entries (dates, moods, feeling
    words, Trash), their tags and those tags' names, and the contact log. PostgreSQL triggers change it
    (journal migration 0003); the insights page keeps its figures per process under it (config/stamped_cache.py).
    """

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"journal stamp of account {self.owner_id}"
