"""Forms for the circle. They check shapes and say what is wrong in plain words; services do the writing."""

import re
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.timezones import time_zone_choices
from connections.models import Contact, Person, SafetyPlan
from connections.rhythm import MAX_RHYTHM_DAYS, MIN_RHYTHM_DAYS, days_in_words, split_into_unit

UNIT_CHOICES = [("days", "days"), ("weeks", "weeks")]
DAYS_PER_UNIT = {"days": 1, "weeks": 7}

# Digits with the usual separators; a leading + for international numbers. 3 digits covers 988 and 111.
PHONE_SHAPE = re.compile(r"^\+?[0-9][0-9 ().\-]*$")
PHONE_DIGITS_MIN, PHONE_DIGITS_MAX = 3, 15


def _zone_choices() -> list[tuple[str, str]]:
    return [("", "Not set"), *time_zone_choices()]


def _split_topics(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class PersonForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Their time zone",
        choices=_zone_choices,
        required=False,
        help_text="So Held can tell you what time it is for them.",
    )
    topics = forms.CharField(
        label="Good to talk with about",
        required=False,
        max_length=500,
        help_text="Topics from your journal's tags, separated by commas: work, grief, running.",
    )
    notes = forms.CharField(
        label="Private notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you can read these. They are stored encrypted.",
    )
    ideal_every = forms.IntegerField(label="Ideally every", required=False)
    ideal_unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, initial="weeks")
    too_long_after = forms.IntegerField(label="Too long after", required=False)
    too_long_unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, initial="weeks")
    last_in_touch = forms.DateField(
        label="When were you last in touch?",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. Their rhythm counts from here.",
    )

    class Meta:
        model = Person
        fields = ["name", "relationship", "kind", "phone", "email", "handle", "time_zone"]
        labels = {"name": "Name", "kind": "Who they are to you", "handle": "Messaging handle"}
        help_texts = {
            "phone": "For calling and texting from your own phone, e.g. +44 7700 900123.",
            "handle": "Signal, WhatsApp, Instagram: whatever you use.",
        }
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Please give them a name, even just a first name."
        self.fields["email"].error_messages["invalid"] = "That email address doesn't look right, e.g. sam@example.org."
        if self.instance.pk is not None:
            # The clock of someone already in the circle moves only through the contact log.
            del self.fields["last_in_touch"]
            for stem, days in (
                ("ideal", self.instance.ideal_every_days),
                ("too_long", self.instance.too_long_after_days),
            ):
                number, unit = split_into_unit(days)
                number_field = "ideal_every" if stem == "ideal" else "too_long_after"
                self.initial.setdefault(number_field, number)
                self.initial.setdefault(f"{stem}_unit", unit)

    @property
    def rhythm_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(number, unit) pairs, for the template to lay out side by side."""
        return [(self["ideal_every"], self["ideal_unit"]), (self["too_long_after"], self["too_long_unit"])]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Please give them a name, even just a first name.")
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        digits = re.sub(r"\D", "", phone)
        if not PHONE_SHAPE.match(phone) or not PHONE_DIGITS_MIN <= len(digits) <= PHONE_DIGITS_MAX:
            raise ValidationError(
                "That phone number doesn't look right. Use digits, spaces and + ( ) - only, e.g. +44 7700 900123."
            )
        return phone

    def clean_topics(self) -> list[str]:
        names = _split_topics(self.cleaned_data["topics"])
        for name in names:
            if len(name) > 50:
                raise ValidationError(f"“{name[:20]}…” is too long for a topic; keep each under 50 characters.")
        return names

    def clean_last_in_touch(self) -> date | None:
        day = self.cleaned_data["last_in_touch"]
        if day is not None and day > self.user.local_today():
            raise ValidationError("That date hasn't come yet.")
        return day

    def _rhythm_days(self, number_field: str, unit_field: str) -> int | None:
        number = self.cleaned_data.get(number_field)
        if number is None:
            return None
        days = number * DAYS_PER_UNIT.get(self.cleaned_data.get(unit_field, "days"), 1)
        if days < MIN_RHYTHM_DAYS:
            self.add_error(number_field, "A rhythm needs at least 1 day. Leave it empty for no reminders.")
            return None
        if days > MAX_RHYTHM_DAYS:
            self.add_error(number_field, "Choose 2 years (104 weeks) or less.")
            return None
        return days

    def clean(self) -> dict:
        cleaned = super().clean()
        ideal = self._rhythm_days("ideal_every", "ideal_unit")
        too_long = self._rhythm_days("too_long_after", "too_long_unit")
        if ideal is not None and too_long is not None and too_long < ideal:
            self.add_error(
                "too_long_after",
                f"“Too long” can't come before “ideally every” ({days_in_words(ideal)}). Make it the same or longer.",
            )
        cleaned["ideal_every_days"], cleaned["too_long_after_days"] = ideal, too_long
        return cleaned

    def save(self, commit: bool = False) -> Person:
        # Saving (notes, topics, the first contact) belongs to connections.services.person_save.
        person = super().save(commit=False)
        person.ideal_every_days = self.cleaned_data["ideal_every_days"]
        person.too_long_after_days = self.cleaned_data["too_long_after_days"]
        return person


class ContactLogForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=Contact.Outcome.choices,
        initial=Contact.Outcome.CONNECTION,
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(label="How", choices=Contact.Channel.choices, initial=Contact.Channel.CALL)
    day = forms.DateField(label="When", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label="A note for yourself",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional, private and encrypted.",
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = user.local_today()

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        today = self.user.local_today()
        if day > today:
            raise ValidationError("That date hasn't come yet.")
        if day < today - timedelta(days=10 * 366):
            raise ValidationError("That is more than ten years ago; pick a later date.")
        return day


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person: Person) -> str:
        who = person.get_kind_display() if person.is_professional else person.get_relationship_display()
        paused = " (paused)" if person.is_paused else ""
        return f"{person.name}, {who.lower()}{paused}"


NOT_IN_CIRCLE = "Someone picked here isn't in your circle. Pick again from the list."


class SafetyPlanForm(forms.Form):
    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for stem, title, hint in SafetyPlan.WRITTEN_STEPS:
            self.fields[stem] = forms.CharField(
                label=title,
                help_text=hint,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        circle = Person.objects.for_owner(user)
        people = {
            "distraction_people": ("People who take my mind off things", circle),
            "help_people": ("People I can ask for help", circle),
            "professionals": ("Professionals I can contact", circle.professionals()),
        }
        for name, (label, queryset) in people.items():
            self.fields[name] = PeopleChoiceField(
                label=label,
                queryset=queryset,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": NOT_IN_CIRCLE, "invalid_pk_value": NOT_IN_CIRCLE},
            )
        # Keep the plan's order: the people of step 3 follow its written part.
        order = [
            "warning_signs",
            "coping",
            "distractions",
            "distraction_people",
            "help_people",
            "professionals",
            "safe_surroundings",
            "worth_living_for",
        ]
        self.order_fields(order)

    def written_steps(self) -> dict[str, str]:
        return {stem: self.cleaned_data.get(stem, "") for stem, _title, _hint in SafetyPlan.WRITTEN_STEPS}
