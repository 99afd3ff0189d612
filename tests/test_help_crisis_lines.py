"""The crisis lines data file: every number carries its source and the date it was checked, and is dialable."""

import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from connections.help_lines import LINES_FILE, all_countries, country_choices, help_for_country

REQUIRED_COUNTRIES = {"US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "FR", "INTL"}
# Crisis numbers change (services close, merge or move); a year-old check is too old to trust.
MAX_AGE = timedelta(days=366)

RAW = json.loads(LINES_FILE.read_text(encoding="utf-8"))["countries"]
ALL_ENTRIES = [
    (code, section, item)
    for code, country in RAW.items()
    for section in ("lines", "find_a_professional")
    for item in country[section]
]


def test_every_required_country_and_the_international_fallback_are_covered():
    assert set(RAW) >= REQUIRED_COUNTRIES
    for code in REQUIRED_COUNTRIES:
        assert RAW[code]["lines"], code
        assert RAW[code]["find_a_professional"], code


@pytest.mark.parametrize(("code", "section", "item"), ALL_ENTRIES, ids=lambda value: str(value)[:30])
def test_every_entry_names_its_source_and_when_it_was_checked(code, section, item):
    assert item["source"].startswith(("https://", "http://")), item
    checked = date.fromisoformat(item["checked"])
    assert checked <= timezone.now().date()
    assert timezone.now().date() - checked <= MAX_AGE, f"{code} {item['name']}: check it again at its source"
    assert item.get("phone") or item.get("sms") or item.get("web"), "a line needs a way to reach it"


@pytest.mark.parametrize("code", sorted(RAW))
def test_every_emergency_number_names_its_source_too(code):
    emergency = RAW[code]["emergency"]
    assert re.fullmatch(r"\d{2,4}", emergency["number"])
    assert emergency["source"].startswith("https://")
    assert timezone.now().date() - date.fromisoformat(emergency["checked"]) <= MAX_AGE


@pytest.mark.parametrize(("code", "section", "item"), ALL_ENTRIES, ids=lambda value: str(value)[:30])
def test_phone_numbers_are_dialable_as_written(code, section, item):
    if item.get("phone"):
        assert re.fullmatch(r"\+?\d{3,15}", item["dial"]), item
        assert re.sub(r"\D", "", item["phone"]) == item["dial"].lstrip("+"), "what is shown is what is dialled"
    if item.get("sms"):
        assert re.fullmatch(r"\d{3,15}", item["sms"]), item


def test_a_country_without_its_own_lines_gets_the_international_ones():
    assert help_for_country("BR").code == "INTL"
    assert help_for_country(None).code == "INTL"
    assert help_for_country("gb").name == "United Kingdom"


def test_the_chooser_lists_covered_countries_then_anywhere_else():
    choices = country_choices()
    assert choices[-1] == ("INTL", "Anywhere else")
    assert {code for code, _name in choices} == set(all_countries())
