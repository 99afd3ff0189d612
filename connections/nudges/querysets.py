"""Reads for reminders: the sweep's claim query and owner-scoped history."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from accounts.models import User


class ReminderSettingsQuerySet(models.QuerySet):
    def due(self, now: datetime) -> Self:
        """Writers whose next reminder time has come, oldest first (served by the partial index nudge_due_idx)."""
        return self.filter(next_nudge_at__lte=now).order_by("next_nudge_at")


class NudgeQuerySet(models.QuerySet):
    def for_writer(self, user: "User") -> Self:
        return self.filter(writer_id=user.pk)

    def waiting_for_the_broker(self, now: datetime, *, lost_after: timedelta, grace: timedelta) -> Self:
        """Pending deliveries whose send task never reached the broker, or whose message seems lost.

        `grace` leaves a just-committed delivery to the sweep that wrote it; `lost_after` is how long a message
        on the broker may wait before it is presumed lost (a duplicate is harmless: the send claims the row).
        """
        from connections.nudges.models import Nudge

        return self.filter(status=Nudge.Status.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            Q(enqueued_at__isnull=True, created_at__lte=now - grace) | Q(enqueued_at__lte=now - lost_after),
        )

    def sending_since_before(self, moment: datetime) -> Self:
        """Handed to a mail server by a worker that never reported back: it may have arrived."""
        from connections.nudges.models import Nudge

        return self.filter(status=Nudge.Status.SENDING, sending_at__lte=moment)
