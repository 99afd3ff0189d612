from datetime import date
from typing import Any

from django import forms

from connections.nudges import schedule
from connections.nudges.models import ReminderSettings

DAY_CHOICES = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class ReminderSettingsForm(forms.ModelForm):
    days = forms.MultipleChoiceField(
        label="On these days",
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one day, or turn reminders off."},
    )

    class Meta:
        model = ReminderSettings
        fields = ["enabled", "window_start", "window_end", "quiet_start", "quiet_end", "every_days", "paused_until"]
        labels = {
            "enabled": "Send me reminder emails",
            "window_start": "From",
            "window_end": "Until",
            "quiet_start": "Quiet from",
            "quiet_end": "Quiet until",
            "every_days": "At most one email every",
            "paused_until": "Pause until",
        }
        help_texts = {
            "every_days": "Days. One email names up to three people.",
            "paused_until": "Optional. Reminders start again on this day.",
        }
        widgets = {
            "window_start": TimeInput(),
            "window_end": TimeInput(),
            "quiet_start": TimeInput(),
            "quiet_end": TimeInput(),
            "every_days": forms.NumberInput(attrs={"min": schedule.MIN_EVERY_DAYS, "max": schedule.MAX_EVERY_DAYS}),
            "paused_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "every_days": {
                "min_value": "At least one day between emails.",
                "max_value": f"At most {schedule.MAX_EVERY_DAYS} days between emails.",
                "required": "How many days between emails? 3 is a gentle start.",
            },
            "window_start": {"required": "When may reminders start? For example 09:00."},
            "window_end": {"required": "When should reminders stop? For example 10:00."},
        }

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        if not self.is_bound:
            self.initial["days"] = [str(day) for day in sorted(self.instance.days)]

    def clean_paused_until(self) -> date | None:
        paused_until = self.cleaned_data.get("paused_until")
        if paused_until is not None and paused_until < self.today:
            raise forms.ValidationError("Pick today or a later date, or leave it empty.")
        return paused_until

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", "The window should end after it starts, on the same day.")
        quiet_start, quiet_end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if (quiet_start is None) != (quiet_end is None):
            missing = "quiet_end" if quiet_end is None else "quiet_start"
            self.add_error(missing, "Quiet hours need a start and an end (or leave both empty).")
        if start and end and end > start and not self.errors:
            plan = schedule.ReminderPlan(
                time_zone="UTC", window_start=start, window_end=end, quiet_start=quiet_start, quiet_end=quiet_end
            )
            if not schedule.allowed_minutes(plan):
                self.add_error("quiet_end", "Your quiet hours cover the whole window, so no reminder could come.")
        return cleaned

    def save(self, commit: bool = True) -> ReminderSettings:
        self.instance.days_of_week = schedule.mask_from_days(int(day) for day in self.cleaned_data["days"])
        return super().save(commit=commit)
