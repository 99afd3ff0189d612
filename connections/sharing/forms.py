"""Forms for the writer's side of sharing. Every choice offered is the writer's own; the views check the rest."""

from datetime import date, timedelta

from django import forms
from django.http import QueryDict

from accounts.models import User
from connections.sharing.schedule import default_end_date
from journal.models import Tag

# A share is for a course of sessions, not for ever; the writer can always extend it.
LONGEST_SHARE_DAYS = 2 * 366
AGENDA_MAX_CHARS = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ShareScopeForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label="Entries with these tags",
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    entries_from = forms.DateField(
        label="Every entry from this date on",
        required=False,
        widget=DateInput(),
        help_text="Leave empty to share only the entries you pick and the tags you choose.",
    )
    include_moods = forms.BooleanField(
        label="Include my mood: on each shared entry and as a chart",
        required=False,
    )
    ends_on = forms.DateField(
        label="Share until",
        widget=DateInput(),
        help_text="Sharing stops at the end of this day. You can stop it sooner at any time.",
    )
    notify_on_read = forms.BooleanField(
        label="Email me when something I share is read (at most once a day)",
        required=False,
    )

    def __init__(self, *args: object, writer: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.writer = writer
        self.fields["tags"].queryset = Tag.objects.filter(owner=writer).order_by("name")
        if not self.is_bound and "ends_on" not in self.initial:
            self.initial["ends_on"] = default_end_date(writer.local_today())

    def clean_ends_on(self) -> date:
        ends_on = self.cleaned_data["ends_on"]
        today = self.writer.local_today()
        if ends_on < today:
            raise forms.ValidationError("Choose today or a later day. To stop sharing now, use Stop sharing.")
        if ends_on > today + timedelta(days=LONGEST_SHARE_DAYS):
            raise forms.ValidationError("Choose a day within the next two years; you can extend it later.")
        return ends_on


class ShareStartForm(ShareScopeForm):
    email = forms.EmailField(
        label="Their email address",
        help_text="They sign up or log in with exactly this address to read what you share.",
    )

    field_order = ["email", "tags", "entries_from", "include_moods", "ends_on", "notify_on_read"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == self.writer.email.lower():
            raise forms.ValidationError("This is your own address. Enter the address of the person you share with.")
        return email


class AgendaForm(forms.Form):
    agenda = forms.CharField(
        label="What would you like to talk about?",
        required=False,
        max_length=AGENDA_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few lines for your next appointment. They see it at the top of what you share.",
    )


def submitted_tags_are_own(data: QueryDict, writer: User) -> bool:
    """False when the form carries a tag id that is not this writer's: tampering, answered with 404."""
    submitted = data.getlist("tags")
    if not submitted:
        return True
    try:
        ids = {int(value) for value in submitted}
    except ValueError:
        return True  # Not an id at all: the form says so in words.
    return Tag.objects.filter(owner=writer, pk__in=ids).count() == len(ids)
