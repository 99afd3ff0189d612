"""Reminder emails: each writer's choices and schedule, every email as a delivery row, and what was clicked.

The schedule lives here, not in the broker: `ReminderSettings.next_nudge_at` (UTC) is what the sweep claims,
and a `Nudge` row is written before any email is sent, so a lost broker message delays a reminder and never
loses it, and the unique key (writer, window_date) makes a second email for the same window impossible.
"""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from connections.nudges import schedule
from connections.nudges.emails import site_domain
from connections.nudges.querysets import NudgeQuerySet, ReminderSettingsQuerySet

# The sweep's claim reads this partial index, and the sweep's recovery the second one; migration 0002 stores a
# comment on each in PostgreSQL naming connections.nudges.tasks.sweep_due_nudges as the caller.
DUE_INDEX_NAME = "nudge_due_idx"
UNFINISHED_INDEX_NAME = "nudge_unfinished_idx"


class OffReason(models.TextChoices):
    NONE = "", "Turned off in Settings"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed from an email"
    UNDELIVERABLE = "undeliverable", "Emails could not be delivered"


class ReminderSettings(models.Model):
    """One writer's reminder choices (all in their local time) and the schedule derived from them."""

    writer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="reminder_settings"
    )
    enabled = models.BooleanField(default=True)
    off_reason = models.CharField(max_length=16, choices=OffReason.choices, blank=True, default=OffReason.NONE)
    turned_off_at = models.DateTimeField(null=True, blank=True)
    window_start = models.TimeField(default=time(9, 0))
    window_end = models.TimeField(default=time(10, 0))
    days_of_week = models.PositiveSmallIntegerField(default=schedule.mask_from_days(schedule.ALL_DAYS))
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    every_days = models.PositiveSmallIntegerField(
        default=schedule.DEFAULT_EVERY_DAYS,
        validators=[MinValueValidator(schedule.MIN_EVERY_DAYS), MaxValueValidator(schedule.MAX_EVERY_DAYS)],
    )
    paused_until = models.DateField(null=True, blank=True)
    # Failed SMTP attempts in a row; five turn reminders off (and Settings says why).
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    last_nudged_at = models.DateTimeField(null=True, blank=True)
    # UTC; NULL when nothing is scheduled. Claimed by sweep_due_nudges through the partial index below.
    next_nudge_at = models.DateTimeField(null=True, blank=True)
    # The private calendar address; a new token makes the old address stop working.
    feed_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReminderSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = "reminder settings"
        verbose_name_plural = "reminder settings"
        indexes = [
            # Only writers with something scheduled are in it (read by sweep_due_nudges).
            models.Index(fields=["next_nudge_at"], name=DUE_INDEX_NAME, condition=Q(next_nudge_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gte=schedule.MIN_EVERY_DAYS), name="reminders_every_days_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder settings of account {self.writer_id}"

    @property
    def days(self) -> frozenset[int]:
        return schedule.days_from_mask(self.days_of_week)

    def plan(self, time_zone: str) -> schedule.ReminderPlan:
        return schedule.ReminderPlan(
            time_zone=time_zone,
            window_start=self.window_start,
            window_end=self.window_end,
            days_of_week=self.days,
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            every_days=self.every_days,
            paused_until=self.paused_until,
        )


class Nudge(models.Model):
    """One reminder email: written by the sweep before it is sent, then claimed by exactly one send."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being handed to the mail server"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be delivered"
        # The worker stopped while the mail server had the message: it may have arrived, so it is not resent.
        INTERRUPTED = "interrupted", "Interrupted while sending"
        SKIPPED = "skipped", "Not sent (nobody due any more, or reminders paused)"

    # No index of its own: the unique (writer, window_date) below starts with it (and orders the history).
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges", db_index=False
    )
    # The writer's local date of the window it was sent in: the unique key below allows one email per window.
    window_date = models.DateField()
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    # When the send task was last put on the broker (NULL: never, e.g. the broker was down).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # A retry after a temporary SMTP failure may not start before this.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A short code such as "smtp 451" or "timeout": never the message or the address.
    last_error = models.CharField(max_length=40, blank=True)
    # Whom the email names (up to three people, most overdue first), chosen by the sweep. Ids, not rows:
    # a person removed later simply drops out of the email and reads as "someone no longer in your circle".
    person_ids = models.JSONField(default=list)

    objects = NudgeQuerySet.as_manager()

    class Meta:
        ordering = ["-window_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["writer", "window_date"], name="one_nudge_per_writer_window"),
        ]
        indexes = [
            models.Index(
                fields=["status", "enqueued_at"],
                name=UNFINISHED_INDEX_NAME,
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"nudge {self.pk}"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a mail server can tell a retry from a new email."""
        return f"<nudge-{self.pk}.{self.writer_id}@{site_domain()}>"


class NudgeAction(models.Model):
    """A link in a reminder email that was used. Each action counts once per email (and person)."""

    class Kind(models.TextChoices):
        REACHED_OUT = "reached_out", "I reached out"
        SNOOZED = "snoozed", "Snooze a week"
        PAUSED = "paused", "Pause reminders for two weeks"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribe"

    nudge = models.ForeignKey(Nudge, on_delete=models.CASCADE, related_name="actions")
    person = models.ForeignKey("connections.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nudge", "person", "kind"],
                condition=Q(person__isnull=False),
                name="nudge_action_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["nudge", "kind"],
                condition=Q(kind__in=["paused", "unsubscribed"]),
                name="nudge_action_once_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on nudge {self.nudge_id}"
