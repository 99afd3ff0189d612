"""Shares: a writer's read-only grant to one practitioner, its scope, read marks and access log.

A share starts as an invitation to an email address, becomes active when an account with that verified address
accepts it, and ends when the writer revokes it or its end date passes. Nothing here holds journal text except
the writer's agenda for the next session, which is sealed with the writer's data key like an entry.
"""

import secrets
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.crypto import WriterCipher
from connections.sharing import schedule
from connections.sharing.querysets import ShareQuerySet


def new_invitation_nonce() -> str:
    return secrets.token_urlsafe(12)


class Share(models.Model):
    writer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_given")
    # The professional in the writer's circle this share was started from; the share outlives the person row.
    person = models.ForeignKey(
        "connections.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    # The name the writer knows them by ("Dr. K"), kept so the log still reads well if the person is removed.
    practitioner_name = models.CharField(max_length=100)
    invited_email = models.EmailField()
    # A new nonce makes every earlier invitation link for this share worthless (resend).
    invitation_nonce = models.CharField(max_length=32, default=new_invitation_nonce)
    invited_at = models.DateTimeField(default=timezone.now)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shares_received",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the writer chose ("until 3 May") and the instant it ends in their zone, used by every access check.
    ends_on = models.DateField()
    ends_at = models.DateTimeField()

    # Scope: hand-picked entries (SharedEntry), entries with chosen tags, and/or every entry from a date on.
    tags = models.ManyToManyField("journal.Tag", blank=True, related_name="+")
    entries_from = models.DateField(null=True, blank=True)
    include_moods = models.BooleanField(default=False)

    agenda_sealed = models.BinaryField(default=b"")
    agenda_updated_at = models.DateTimeField(null=True, blank=True)

    notify_on_read = models.BooleanField(default=False)
    # The writer's local day a read notice last went out: at most one a day per share, claimed by an UPDATE.
    read_notice_sent_on = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The practitioner's list of writers (sharing.views.practice_home).
            models.Index(
                fields=["practitioner", "ends_at"],
                name="share_practitioner_live_idx",
                condition=Q(revoked_at__isnull=True, practitioner__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"share {self.pk}"

    # --- state -------------------------------------------------------------------------------------

    def has_ended(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None or self.ends_at <= now:
            return True
        # An accepted share whose practitioner deleted their account has nobody left to read it.
        return self.accepted_at is not None and self.practitioner_id is None

    def is_active(self, now: datetime | None = None) -> bool:
        return self.accepted_at is not None and not self.has_ended(now)

    def is_pending(self, now: datetime | None = None) -> bool:
        return self.accepted_at is None and not self.has_ended(now)

    @property
    def invitation_expires_at(self) -> datetime:
        return schedule.invitation_expires_at(self.invited_at)

    def invitation_is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_pending(now) and self.invitation_expires_at > now

    @property
    def status(self) -> str:
        """One word for templates: pending, expired (an unused invitation past 14 days), active or ended."""
        now = timezone.now()
        if self.has_ended(now):
            return "ended"
        if self.accepted_at is None:
            return "pending" if self.invitation_expires_at > now else "expired"
        return "active"

    def set_end_date(self, day: date) -> None:
        self.ends_on = day
        self.ends_at = schedule.end_of_local_day(day, self.writer.zone)

    # --- sealed agenda -----------------------------------------------------------------------------

    def agenda(self, cipher: WriterCipher) -> str:
        return cipher.open(self.agenda_sealed, field="share.agenda")

    def seal_agenda(self, cipher: WriterCipher, agenda: str) -> None:
        self.agenda_sealed = cipher.seal(agenda, field="share.agenda") if agenda else b""


class SharedEntry(models.Model):
    """An entry the writer hand-picked for a share with the switch on the entry page."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="picks")
    entry = models.ForeignKey("journal.Entry", on_delete=models.CASCADE, related_name="share_picks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["share", "entry"], name="shared_entry_unique")]

    def __str__(self) -> str:
        return f"entry {self.entry_id} picked for share {self.share_id}"


class ReadMark(models.Model):
    """The practitioner marked an entry as read; the writer sees "Read by Dr. K"."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="read_marks")
    entry = models.ForeignKey("journal.Entry", on_delete=models.CASCADE, related_name="share_read_marks")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["share", "entry"], name="read_mark_unique")]

    def __str__(self) -> str:
        return f"read mark on entry {self.entry_id} in share {self.share_id}"


class AccessEvent(models.Model):
    """One open of the shared view (entry empty) or of one entry by the practitioner. Never deleted by them."""

    class Kind(models.TextChoices):
        FEED = "feed", "Opened the shared view"
        MOODS = "moods", "Opened the mood chart"
        ENTRY = "entry", "Opened an entry"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="access_events")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    entry = models.ForeignKey("journal.Entry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        # The writer's access log, newest first (sharing.views.share_detail).
        indexes = [models.Index(fields=["share", "-at"], name="access_event_share_recent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} in share {self.share_id} at {self.at:%Y-%m-%d %H:%M}"
