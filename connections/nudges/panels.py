"""What the Settings page shows about reminders: the form, why they are off, history and the calendar address."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from accounts.models import User
from connections.models import Person
from connections.nudges.emails import absolute
from connections.nudges.forms import ReminderSettingsForm
from connections.nudges.models import Nudge, NudgeAction, OffReason
from connections.nudges.services import delivery_history, reminder_settings_for

STATUS_WORDS = {
    Nudge.Status.PENDING: "On its way",
    Nudge.Status.SENDING: "On its way",
    Nudge.Status.SENT: "Sent",
    Nudge.Status.FAILED: "Could not be delivered",
    Nudge.Status.INTERRUPTED: "May not have arrived",
    Nudge.Status.SKIPPED: "Not sent: nobody was due any more, or reminders were paused",
}
ACTION_WORDS = {
    NudgeAction.Kind.REACHED_OUT: "you reached out to {name}",
    NudgeAction.Kind.SNOOZED: "you snoozed {name} for a week",
    NudgeAction.Kind.PAUSED: "you paused reminders for two weeks",
    NudgeAction.Kind.UNSUBSCRIBED: "you unsubscribed",
}
GONE = "someone no longer in your circle"


@dataclass(frozen=True)
class HistoryRow:
    created_at: datetime
    finished_at: datetime | None
    status: str
    names: list[str]
    clicked: list[str]


def history_rows(user: User, *, limit: int = 10) -> list[HistoryRow]:
    nudges = delivery_history(user=user, limit=limit)
    first_names = {
        person.pk: person.first_name
        for person in Person.objects.for_owner(user).filter(
            pk__in={pid for nudge in nudges for pid in nudge.person_ids}
        )
    }
    rows = []
    for nudge in nudges:
        names = [first_names.get(person_id, GONE) for person_id in nudge.person_ids]
        clicked = [
            ACTION_WORDS[action.kind].format(name=action.person.first_name if action.person else GONE)
            for action in nudge.actions.all()
        ]
        rows.append(
            HistoryRow(
                created_at=nudge.created_at,
                finished_at=nudge.finished_at if nudge.status == Nudge.Status.SENT else None,
                status=STATUS_WORDS[nudge.status],
                names=names,
                clicked=clicked,
            )
        )
    return rows


def off_reason_words(reason: str, email: str) -> str:
    if reason == OffReason.UNDELIVERABLE:
        return (
            f"Reminders are off because the last five tries to email {email} did not get through. "
            "Check your email address, then turn reminders back on."
        )
    if reason == OffReason.UNSUBSCRIBED:
        return "Reminders are off because you unsubscribed from a reminder email."
    return ""


def reminders_panel_context(user: User, form: ReminderSettingsForm | None = None) -> dict[str, object]:
    row = reminder_settings_for(user)
    if form is None:
        form = ReminderSettingsForm(instance=row, today=user.local_today())
    feed_url = absolute(reverse("nudges:feed", kwargs={"token": row.feed_token})) if row.feed_token else ""
    return {
        "reminders": row,
        "reminders_form": form,
        "reminders_zone": user.time_zone,
        "reminders_next": row.next_nudge_at if row.enabled else None,
        "reminders_off_reason": "" if row.enabled else off_reason_words(row.off_reason, user.email),
        "reminders_history": history_rows(user),
        "reminders_feed_url": feed_url,
    }
