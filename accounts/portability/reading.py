"""Opening an uploaded file safely and deciding what it is: a Held export, Day One, or Daylio.

Nothing is ever unpacked to disk. Zip member names are checked (no absolute paths, no `..`), declared sizes
and ratios are checked before reading, and every read stops at MAX_UNPACKED_BYTES whatever the header says.
"""

import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from accounts.portability.plan import ImportFileError
from accounts.portability.schema import (
    MAX_COMPRESSION_RATIO,
    MAX_DECLARED_UNPACKED_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    max_upload_bytes,
)

NOT_RECOGNISED = (
    "This file is not one Held can import. Choose the .zip from Held's export, Day One's JSON export "
    "(.zip or .json) or Daylio's CSV export."
)
TOO_BIG_UNPACKED = (
    "This file unpacks to far more than a journal export could hold, so it was not opened. Nothing was imported."
)


@dataclass(frozen=True)
class Member:
    """One file to parse: its name (for messages) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Upload:
    kind: str  # "held" (held.json), "json" (held.json or Day One), "dayone", "daylio"
    members: list[Member]


def too_big_message() -> str:
    megabytes = max_upload_bytes() // (1024 * 1024)
    return (
        f"This file is larger than {megabytes} MB, the most Held imports at once. For Day One, export "
        "without photos, or import the Journal.json file on its own."
    )


def identify(file: IO[bytes], *, name: str, size: int) -> Upload:
    """What the upload is and the bytes to parse, or ImportFileError with the reason."""
    if size > max_upload_bytes():
        raise ImportFileError(too_big_message())
    if size == 0:
        raise ImportFileError("This file is empty.")
    file.seek(0)
    head = file.read(64 * 1024)
    file.seek(0)
    if head[:2] == b"PK":
        return _identify_zip(file)
    # Decide from the first bytes, so 50 MB of something else is turned away without being read.
    is_json = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
    if not is_json and not _looks_like_daylio(head):
        raise ImportFileError(NOT_RECOGNISED)
    data = _read_capped(file.read, MAX_UNPACKED_BYTES)
    if is_json:
        # Held's own held.json or a Day One journal: which one is known once the JSON is parsed.
        return Upload(kind="json", members=[Member(name=name, data=data)])
    return Upload(kind="daylio", members=[Member(name=name, data=data)])


def _identify_zip(file: IO[bytes]) -> Upload:
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ImportFileError("This zip file is damaged or incomplete, so it could not be opened.") from error
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportFileError(TOO_BIG_UNPACKED)
    for info in infos:
        if not is_safe_member_name(info.filename):
            raise ImportFileError(
                "This zip contains a file with an unsafe path (leading outside the folder it unpacks to), "
                "so it was not opened. Nothing was imported."
            )
    declared = sum(info.file_size for info in infos)
    bomb = any(
        info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if declared > MAX_DECLARED_UNPACKED_BYTES or bomb:
        raise ImportFileError(TOO_BIG_UNPACKED)

    files = [info for info in infos if not info.is_dir() and not _is_noise(info.filename)]
    held = [info for info in files if info.filename.rsplit("/", 1)[-1] == "held.json"]
    if held:
        # The shallowest held.json is the export's own; Markdown files beside it are a copy of it.
        chosen = min(held, key=lambda info: info.filename.count("/"))
        return Upload(kind="held", members=[_read_member(archive, chosen)])
    journals = [info for info in files if info.filename.lower().endswith(".json")]
    if journals:
        return Upload(kind="dayone", members=_read_members(archive, journals))
    tables = [info for info in files if info.filename.lower().endswith(".csv")]
    if tables:
        members = _read_members(archive, tables)
        if all(_looks_like_daylio(member.data) for member in members):
            return Upload(kind="daylio", members=members)
    raise ImportFileError(NOT_RECOGNISED)


_DRIVE = re.compile(r"^[A-Za-z]:")


def is_safe_member_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        return False
    return ".." not in name.split("/")


def _is_noise(name: str) -> bool:
    # macOS adds these to zips it makes; they are never the writer's data.
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("._")


def _read_members(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> list[Member]:
    budget = MAX_UNPACKED_BYTES
    members = []
    for info in infos:
        member = _read_member(archive, info, budget=budget)
        budget -= len(member.data)
        members.append(member)
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, budget: int = MAX_UNPACKED_BYTES) -> Member:
    try:
        with archive.open(info) as stream:
            data = _read_capped(stream.read, budget)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        # RuntimeError: an encrypted member; NotImplementedError: a compression method we cannot read.
        raise ImportFileError(
            "This zip file is damaged, encrypted or uses a kind of compression Held cannot read."
        ) from error
    return Member(name=info.filename, data=data)


def _read_capped(read: Callable[[int], bytes], cap: int) -> bytes:
    """Read at most `cap` bytes; more than that is refused, so a lying header cannot exhaust memory."""
    chunks, total = [], 0
    while chunk := read(min(1024 * 1024, cap + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise ImportFileError(TOO_BIG_UNPACKED)
    return b"".join(chunks)


def load_json(member: Member) -> Any:
    try:
        return json.loads(member.data)
    except (ValueError, UnicodeDecodeError) as error:
        where = member.name.rsplit("/", 1)[-1][:80]
        raise ImportFileError(f"{where} is damaged: it is not valid JSON, so nothing was imported.") from error


def _looks_like_daylio(data: bytes) -> bool:
    first_line = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip().lower()
    columns = {column.strip().strip(b'"') for column in first_line.split(b",")}
    return {b"mood", b"activities", b"date"} <= columns or {b"mood", b"activities", b"full_date"} <= columns
