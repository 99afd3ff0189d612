"""Day One's JSON export: a zip of one JSON file per journal (plus photos), or one such JSON file.

Day One keeps no mood and no separate title: a first line written as a Markdown heading becomes the title.
Photos, videos, audio, PDFs, locations and weather are left out and counted in the report.
"""

import datetime
import hashlib
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from accounts.portability.importers.fields import tag_name
from accounts.portability.plan import ImportFileError, ImportPlan
from accounts.portability.reading import NOT_RECOGNISED
from journal.tags import MAX_TAG_LENGTH

MEDIA = {"photos": "photos", "videos": "videos", "audios": "audio recordings", "pdfAttachments": "PDFs"}
# Day One escapes Markdown punctuation in its export ("It rained\\."); the writer typed none of those.
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
# Inline references to photos and other media, which are left out, with the blank line after them.
_MOMENT = re.compile(r"!\[[^\]]*\]\(dayone-moment:[^)]*\)[ \t]*\n?\n?")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$")
MAX_TITLE_CHARS = 200


def plan_from_dayone(documents: list[tuple[str, Any]], *, zone: ZoneInfo) -> ImportPlan:
    """`documents`: (file name, parsed JSON) for each JSON file of the export."""
    plan = ImportPlan(source="dayone")
    journals = 0
    for name, document in documents:
        if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
            continue  # some other JSON file in the zip
        journals += 1
        for index, item in enumerate(document["entries"], start=1):
            entry = _entry(item, zone=zone, plan=plan, where=f"{_short(name)}, entry {index}")
            if entry is not None:
                plan.entries.append(entry)
    if not journals:
        raise ImportFileError(NOT_RECOGNISED)
    # The same entry in two journal files (Day One can export a journal twice): keep it once.
    unique: dict[str, dict[str, Any]] = {}
    for entry in plan.entries:
        unique.setdefault(entry["key"], entry)
    plan.entries = list(unique.values())
    plan.tags = sorted({tag for entry in plan.entries for tag in entry["tags"]}, key=str.casefold)
    return plan


def _entry(item: Any, *, zone: ZoneInfo, plan: ImportPlan, where: str) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        raise ImportFileError(f"{where}: expected an object with named fields.")
    created = _moment(item.get("creationDate"), where=where)
    if created is None:
        raise ImportFileError(f"{where}: creationDate is missing or is not a date and time.")
    modified = _moment(item.get("modifiedDate"), where=where) or created
    local_zone = _zone(item.get("timeZone"), fallback=zone)
    text = item.get("text") or ""
    if not isinstance(text, str):
        raise ImportFileError(f"{where}: text must be text.")
    for field, label in MEDIA.items():
        if isinstance(item.get(field), list) and item[field]:
            plan.left_out[label] += len(item[field])
    for field, label in (("location", "locations"), ("weather", "weather reports")):
        if item.get(field):
            plan.left_out[label] += 1
    title, body = split_title(clean_text(text))
    if not title and not body.strip():
        plan.left_out["empty entries"] += 1
        return None
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ImportFileError(f"{where}: tags must be a list of text.")
    names = [name for name in (tag_name(tag, MAX_TAG_LENGTH) for tag in tags) if name]
    uuid = item.get("uuid")
    key = f"dayone:{uuid}" if isinstance(uuid, str) and uuid else _fallback_key(created, text)
    return {
        "key": key[:120],
        "entry_date": created.astimezone(local_zone).date().isoformat(),
        "title": title,
        "body": body,
        "mood": None,
        "feelings": [],
        "tags": list(dict.fromkeys(names)),
        "prompt": "",
        "created_at": created.isoformat(),
        "updated_at": modified.isoformat(),
        "deleted_at": None,
    }


def clean_text(text: str) -> str:
    return _ESCAPED.sub(r"\1", _MOMENT.sub("", text)).strip("\n")


def split_title(text: str) -> tuple[str, str]:
    """'# Tuesday\\n\\nIt rained.' -> ('Tuesday', 'It rained.'); text without a heading has no title."""
    first, _, rest = text.partition("\n")
    heading = _HEADING.match(first.strip())
    if heading and len(heading.group(1)) <= MAX_TITLE_CHARS:
        return heading.group(1).strip(), rest.lstrip("\n")
    return "", text


def _moment(value: Any, *, where: str) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)


def _zone(name: Any, *, fallback: ZoneInfo) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def _fallback_key(created: datetime.datetime, text: str) -> str:
    return "dayone:" + hashlib.sha256(f"{created.isoformat()}\n{text}".encode()).hexdigest()[:32]


def _short(name: str) -> str:
    return name.rsplit("/", 1)[-1][:80]
