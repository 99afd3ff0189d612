"""Daylio's CSV export: one row per entry with a mood, activities and an optional note.

Daylio's five standard moods map onto Held's 1-5 (rad 5, good 4, meh 3, bad 2, awful 1); moods a writer
renamed or added in Daylio are kept as entries without a mood and counted in the report. Activities
become tags. Daylio has no ids, so a row's key is a hash of the row: the same file twice adds nothing.
"""

import csv
import datetime
import hashlib
import html
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

from accounts.portability.importers.fields import tag_name
from accounts.portability.plan import ImportFileError, ImportPlan
from accounts.portability.reading import Member
from journal.tags import MAX_TAG_LENGTH

MOODS = {"rad": 5, "good": 4, "meh": 3, "bad": 2, "awful": 1}
UNMAPPED_MOODS = "moods other than Daylio's five (kept without a mood)"
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d %Y", "%d %b %Y", "%b %d %Y")
TIME_FORMATS = ("%H:%M", "%I:%M %p", "%H:%M:%S")


def plan_from_daylio(members: list[Member], *, zone: ZoneInfo) -> ImportPlan:
    plan = ImportPlan(source="daylio")
    for member in members:
        try:
            text = member.data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError("This CSV file is not in UTF-8, the encoding Daylio exports in.") from error
        rows = csv.DictReader(io.StringIO(text, newline=""))
        rows.fieldnames = [name.strip().lower() for name in rows.fieldnames or []]
        for line, row in enumerate(rows, start=2):
            entry = _entry(row, zone=zone, plan=plan, where=f"CSV line {line}")
            if entry is not None:
                plan.entries.append(entry)
    unique: dict[str, dict[str, Any]] = {}
    for entry in plan.entries:
        if entry["key"] in unique:
            plan.left_out["rows that appear twice"] += 1
        unique.setdefault(entry["key"], entry)
    plan.entries = list(unique.values())
    plan.tags = sorted({tag for entry in plan.entries for tag in entry["tags"]}, key=str.casefold)
    return plan


def _entry(row: dict[str, Any], *, zone: ZoneInfo, plan: ImportPlan, where: str) -> dict[str, Any] | None:
    if None in row:
        raise ImportFileError(f"{where}: this row has more columns than the header line.")
    day = _date(row)
    if day is None:
        raise ImportFileError(f"{where}: the date is missing or is not one Held can read.")
    moment = _time(row.get("time") or "")
    created = datetime.datetime.combine(day, moment, tzinfo=zone).astimezone(datetime.UTC)
    mood_name = (row.get("mood") or "").strip().casefold()
    mood = MOODS.get(mood_name)
    if mood_name and mood is None:
        plan.left_out[UNMAPPED_MOODS] += 1
    activities = [tag_name(name, MAX_TAG_LENGTH) for name in (row.get("activities") or "").split("|")]
    title = _plain(row.get("note_title") or "")
    body = _plain(row.get("note") or "")
    fingerprint = "\x1f".join(str(row.get(column) or "") for column in sorted(row))
    return {
        "key": "daylio:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:32],
        "entry_date": day.isoformat(),
        "title": title[:200],
        "body": body,
        "mood": mood,
        "feelings": [],
        "tags": list(dict.fromkeys(name for name in activities if name)),
        "prompt": "",
        "created_at": created.isoformat(),
        "updated_at": created.isoformat(),
        "deleted_at": None,
    }


def _date(row: dict[str, Any]) -> datetime.date | None:
    candidates = [row.get("full_date") or ""]
    if row.get("year") and row.get("date"):
        candidates.append(f"{row['date']} {row['year']}".replace(",", ""))
    for candidate in candidates:
        for pattern in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(candidate.strip(), pattern).date()
            except ValueError:
                continue
    return None


def _time(value: str) -> datetime.time:
    for pattern in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip().upper(), pattern).time()
        except ValueError:
            continue
    return datetime.time(12, 0)  # a row without a time is placed at noon


def _plain(note: str) -> str:
    """Daylio keeps notes as light HTML: line breaks become new lines, entities become characters."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", note))).strip()
