"""Reading one record of an imported file with a clear complaint when a value is wrong.

Messages name where the problem is ("entries, item 12: mood must be a whole number from 1 to 5") and never
quote the writer's text back.
"""

import datetime
from typing import Any

from accounts.portability.plan import ImportFileError

MAX_KEY_LENGTH = 120


class Record:
    def __init__(self, value: Any, *, where: str) -> None:
        if not isinstance(value, dict):
            raise ImportFileError(f"{where}: expected an object with named fields.")
        self.value = value
        self.where = where

    def fail(self, key: str, problem: str) -> ImportFileError:
        return ImportFileError(f"{self.where}: {key} {problem}.")

    def key(self, name: str = "id") -> str:
        key = self.value.get(name)
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)
        if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise self.fail(name, f"must be a text id of 1 to {MAX_KEY_LENGTH} characters")
        return key

    def text(self, name: str, *, max_length: int | None = None, required: bool = False) -> str:
        value = self.value.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(name, "must be text" + (" and cannot be empty" if required else ""))
        if max_length is not None and len(value) > max_length:
            raise self.fail(name, f"is longer than {max_length} characters")
        return value

    def whole_number(self, name: str, *, low: int, high: int) -> int | None:
        value = self.value.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(name, f"must be a whole number from {low} to {high}")
        return value

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self.value.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, "must be true or false")
        return value

    def choice(self, name: str, choices: list[str], *, default: str) -> str:
        value = self.value.get(name, default)
        if value not in choices:
            raise self.fail(name, "must be one of " + ", ".join(repr(choice) for choice in choices))
        return value

    def day(self, name: str, *, required: bool = False) -> str | None:
        value = self.value.get(name)
        if value is None and not required:
            return None
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise self.fail(name, "must be a date like 2026-11-27") from None

    def moment(self, name: str, *, required: bool = False) -> str | None:
        value = self.value.get(name)
        if value is None and not required:
            return None
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.fail(name, "must be a date and time like 2026-11-27T09:30:00+00:00") from None
        if parsed.tzinfo is None:
            raise self.fail(name, "must say its offset from UTC, like +00:00")
        return parsed.astimezone(datetime.UTC).isoformat()

    def clock(self, name: str) -> str | None:
        value = self.value.get(name)
        if value is None:
            return None
        try:
            return datetime.time.fromisoformat(value).strftime("%H:%M")
        except (TypeError, ValueError):
            raise self.fail(name, "must be a time like 09:30") from None

    def texts(self, name: str, *, max_length: int) -> list[str]:
        value = self.value.get(name) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(name, "must be a list of text")
        if any(len(item) > max_length for item in value):
            raise self.fail(name, f"has an item longer than {max_length} characters")
        return value

    def items(self, name: str) -> list[Any]:
        value = self.value.get(name) or []
        if not isinstance(value, list):
            raise self.fail(name, "must be a list")
        return value


def unique_keys(records: list[dict[str, Any]], *, section: str) -> None:
    seen: set[str] = set()
    for index, record in enumerate(records, start=1):
        if record["key"] in seen:
            raise ImportFileError(f"{section}, item {index}: id appears twice in the file.")
        seen.add(record["key"])


def tag_name(name: str, max_length: int) -> str:
    """Tags as the journal keeps them: trimmed, one space between words, at most `max_length` characters."""
    return " ".join(name.split())[:max_length].strip()
