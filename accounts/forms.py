from typing import Any

from allauth.account.forms import SignupForm
from django import forms
from django_countries.fields import CountryField

from accounts.models import User
from accounts.timezones import time_zone_choices, validate_time_zone


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=time_zone_choices, validators=[validate_time_zone], **kwargs)

    def valid_value(self, value: str) -> bool:
        # Any zoneinfo name is accepted, including aliases hidden from the list (the browser may send one).
        return True


class HeldSignupForm(SignupForm):
    """allauth's sign-up form plus the writer's time zone, filled in by the browser (static/js/timezone.js)."""

    time_zone = TimeZoneField(
        label="Your time zone",
        initial="UTC",
        help_text="We guessed this from your browser. It decides what “today” means in your journal.",
    )
    country = CountryField(blank=True).formfield(
        label="Country (optional)", help_text="So Help shows the crisis lines where you are."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = "true"
        # Email and password first; where you are comes after.
        order = ["email", "password1", "password2", "time_zone", "country"]
        self.order_fields(order)

    def save(self, request: Any) -> User:
        user = super().save(request)
        user.time_zone = self.cleaned_data["time_zone"]
        user.country = self.cleaned_data.get("country") or ""
        user.save(update_fields=["time_zone", "country"])
        return user


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(label="Time zone")

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "country"]
        labels = {"display_name": "What we call you (optional)", "country": "Country"}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label="I understand this deletes my journal, my circle and everything else, for good.")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right.")
        return password


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        help_text="The .zip from Held's export, Day One's JSON export (.zip or .json), or Daylio's CSV export.",
        error_messages={"required": "Choose a file to import.", "empty": "This file is empty."},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.json,.csv,application/zip,application/json,text/csv"}),
    )
