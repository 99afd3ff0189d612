"""Forms for writing and finding entries. Field names match the export: title, body, entry_date, mood,
feelings, tags, prompt."""

import datetime
from typing import Any

from django import forms

from journal.feelings import FEELING_FAMILIES
from journal.models import MOOD_CHOICES
from journal.tags import MAX_TAG_LENGTH, MAX_TAGS_PER_ENTRY, parse_tag_names

MAX_BODY_CHARS = 100_000
MAX_TITLE_CHARS = 200
EARLIEST_ENTRY_DATE = datetime.date(1900, 1, 1)

_DATE_MESSAGES = {
    "invalid": "That date doesn't exist. Pick a day from the calendar, like 2026-11-27.",
    "required": "Pick the day this entry is about.",
}


class EntryForm(forms.Form):
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=MAX_TITLE_CHARS,
        error_messages={"max_length": "Titles can be up to %(limit_value)d characters; this one has %(show_value)d."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label="Your entry",
        required=False,
        strip=False,  # leading spaces are Markdown (code, nested lists)
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text="Markdown works: *italic*, **bold**, - lists, > quotes.",
    )
    entry_date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages=_DATE_MESSAGES,
    )
    mood = forms.TypedChoiceField(
        label="Mood",
        required=False,
        choices=[("", "Rather not say"), *MOOD_CHOICES],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Pick a mood from 1 (very low) to 5 (very good), or none."},
    )
    feelings = forms.MultipleChoiceField(
        label="Feelings",
        required=False,
        choices=[(family, [(word, word) for word in words]) for family, words in FEELING_FAMILIES.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” isn't one of the feeling words here. Pick from the list."},
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text="Separate tags with commas.",
    )
    prompt = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    draft = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, today: datetime.date, known_prompts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.known_prompts = set(known_prompts)

    def clean_body(self) -> str:
        # Browsers send CRLF; count and store what the writer sees.
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if len(body) > MAX_BODY_CHARS:
            raise forms.ValidationError(
                f"This entry has {len(body):,} characters; the most one entry can hold is {MAX_BODY_CHARS:,}. "
                "Your text is still here: move part of it into a new entry."
            )
        return body

    def clean_entry_date(self) -> datetime.date:
        day = self.cleaned_data["entry_date"]
        if day > self.today:
            raise forms.ValidationError("That day hasn't happened yet where you are. Pick today or an earlier day.")
        if day < EARLIEST_ENTRY_DATE:
            raise forms.ValidationError("Pick a day from 1900 onwards.")
        return day

    def clean_tags(self) -> list[str]:
        names = parse_tag_names(self.cleaned_data["tags"])
        too_long = [name for name in names if len(name) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"A tag can be up to {MAX_TAG_LENGTH} characters; “{too_long[0][:20]}…” is longer."
            )
        if len(names) > MAX_TAGS_PER_ENTRY:
            raise forms.ValidationError(
                f"An entry can have up to {MAX_TAGS_PER_ENTRY} tags; this one has {len(names)}."
            )
        return names

    def clean_prompt(self) -> str:
        # Only prompts Held offered (or the writer's own) are kept: this field is stored in the clear.
        prompt = self.cleaned_data["prompt"].strip()
        return prompt if prompt in self.known_prompts else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        is_empty = not (cleaned.get("title") or "").strip() and not (cleaned.get("body") or "").strip()
        if is_empty and "body" not in self.errors:
            self.add_error("body", "Write something first; a single line is enough.")
        return cleaned

    def feeling_groups(self) -> list[tuple[str, list[tuple[str, bool]]]]:
        """(family, [(word, checked)]) for the grouped checkboxes."""
        chosen = set(self["feelings"].value() or [])
        return [(family, [(word, word in chosen) for word in words]) for family, words in FEELING_FAMILIES.items()]


class EntryFilterForm(forms.Form):
    """The list page's search and filters (GET). A bad value is reported and that filter ignored."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    tag = forms.CharField(label="Tag", required=False, max_length=50)
    mood = forms.TypedChoiceField(
        label="Mood",
        required=False,
        choices=[("", "Any mood"), *MOOD_CHOICES],
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Pick a mood from the list."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(
            label="From", required=False, input_formats=["%Y-%m-%d"], error_messages=_DATE_MESSAGES,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )  # fmt: skip
        self.fields["to"] = forms.DateField(
            label="To", required=False, input_formats=["%Y-%m-%d"], error_messages=_DATE_MESSAGES,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )  # fmt: skip

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty filters; call after is_valid() (invalid ones are simply left out)."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in ("", None)}


class WriterPromptForm(forms.Form):
    text = forms.CharField(
        label="Your prompt",
        max_length=300,
        error_messages={
            "required": "Write the prompt you'd like to be offered.",
            "max_length": "Prompts can be up to %(limit_value)d characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
