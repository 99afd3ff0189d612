"""Crisis lines and where to find a professional, by country, from connections/data/crisis_lines.json.

The file is the single source: every number in it carries the page it came from and the date it was
checked there, and the Help page shows both beside the number.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import quote

LINES_FILE = Path(__file__).resolve().parent / "data" / "crisis_lines.json"
FALLBACK = "INTL"


@dataclass(frozen=True)
class Line:
    name: str
    how: str
    source: str
    checked: date
    phone: str = ""
    dial: str = ""
    sms: str = ""
    sms_body: str = ""
    hours: str = ""
    web: str = ""

    @property
    def tel_href(self) -> str:
        return f"tel:{self.dial}" if self.dial else ""

    @property
    def sms_href(self) -> str:
        if not self.sms:
            return ""
        return f"sms:{self.sms}?&body={quote(self.sms_body)}" if self.sms_body else f"sms:{self.sms}"


@dataclass(frozen=True)
class Emergency:
    number: str
    source: str
    checked: date
    note: str = ""


@dataclass(frozen=True)
class CountryHelp:
    code: str
    name: str
    emergency: Emergency
    lines: tuple[Line, ...]
    find_a_professional: tuple[Line, ...]

    @property
    def is_fallback(self) -> bool:
        return self.code == FALLBACK


def _line(raw: dict) -> Line:
    return Line(**{**raw, "checked": date.fromisoformat(raw["checked"])})


@cache
def all_countries() -> dict[str, CountryHelp]:
    data = json.loads(LINES_FILE.read_text(encoding="utf-8"))
    countries = {}
    for code, raw in data["countries"].items():
        emergency = raw["emergency"]
        countries[code] = CountryHelp(
            code=code,
            name=raw["name"],
            emergency=Emergency(**{**emergency, "checked": date.fromisoformat(emergency["checked"])}),
            lines=tuple(_line(line) for line in raw["lines"]),
            find_a_professional=tuple(_line(line) for line in raw["find_a_professional"]),
        )
    return countries


def help_for_country(code: str | None) -> CountryHelp:
    """That country's lines, or the international ones for a country the file does not cover yet."""
    countries = all_countries()
    return countries.get((code or "").upper(), countries[FALLBACK])


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for the chooser: the countries covered, alphabetically, then 'Anywhere else'."""
    countries = all_countries()
    covered = sorted(((code, help.name) for code, help in countries.items() if code != FALLBACK), key=lambda c: c[1])
    return [*covered, (FALLBACK, countries[FALLBACK].name)]
