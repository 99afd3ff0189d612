"""The streamed zip opens everywhere: Python's zipfile and Info-ZIP's unzip, with UTF-8 names, streamed
members and more than 65,535 files (zip64 end records)."""

import io
import subprocess
import zipfile

import pytest

from accounts.keyring import cipher_for
from accounts.portability.export import _entries_by_copy, _entries_by_cursor
from accounts.portability.spool import SealedSpool
from accounts.portability.zipstream import ZipStream
from tests.privacy_fixtures import write_a_full_life


def build(members: dict[str, bytes], streamed: dict[str, list[bytes]] | None = None) -> bytes:
    archive = ZipStream()
    out = io.BytesIO()
    for name, data in members.items():
        archive.add(name, data)
        for chunk in archive.ready():
            out.write(chunk)
    for name, pieces in (streamed or {}).items():
        member = archive.open(name)
        for piece in pieces:
            member.write(piece)
            for chunk in archive.ready():
                out.write(chunk)
        member.close()
    out.write(archive.finish())
    return out.getvalue()


def test_members_read_back_exactly(tmp_path):
    data = build(
        {"README.txt": b"hello\n", "entries/2026/2026-03-14-café-ß.md": "Ünïcode 🌧\n".encode(), "empty.md": b""},
        streamed={"held.json": [b'{"a": ', b"1", b"}\n"] * 3},
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.read("entries/2026/2026-03-14-café-ß.md").decode() == "Ünïcode 🌧\n"
    assert archive.read("held.json") == b'{"a": 1}\n' * 3
    assert archive.read("empty.md") == b""
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    checked = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No errors detected" in checked.stdout


def test_unpacked_files_are_readable_by_their_owner_only(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(build({"held.json": b"{}"}))
    subprocess.run(["unzip", "-q", str(path), "-d", str(tmp_path / "out")], check=True)
    assert (tmp_path / "out" / "held.json").stat().st_mode & 0o777 == 0o600


def test_more_than_65535_members_use_zip64_end_records(tmp_path):
    members = {f"entries/{n}.md": b"x" for n in range(70_000)}
    data = build(members)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.infolist()) == 70_000
    assert archive.read("entries/69999.md") == b"x"
    path = tmp_path / "big.zip"
    path.write_bytes(data)
    checked = subprocess.run(["unzip", "-tq", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_spool_gives_back_everything_in_order_from_memory_and_from_disk():
    pieces = [f"record {n} about the sealed attic. ".encode() for n in range(20_000)]
    with SealedSpool(memory_bytes=100_000) as spool:
        for piece in pieces:
            spool.write(piece)
        assert spool.on_disk
        assert b"".join(spool.chunks()) == b"".join(pieces)


def test_what_the_spool_puts_on_disk_is_sealed():
    with SealedSpool(memory_bytes=0) as spool:
        for _ in range(20_000):
            spool.write(b"the words wait here, in the attic. ")
        list(spool.chunks())
        spool._file.seek(0)
        assert b"attic" not in spool._file.read()


def test_a_journal_of_a_few_thousand_entries_never_reaches_the_disk():
    with SealedSpool() as spool:
        for _ in range(5_000):
            spool.write(b"x" * 2_000)
        assert not spool.on_disk


@pytest.mark.django_db
def test_the_copy_reader_and_the_orm_reader_give_the_same_entries(writer):
    write_a_full_life(writer)
    cipher = cipher_for(writer)
    by_copy = list(_entries_by_copy(writer, cipher))
    assert len(by_copy) == 3
    assert by_copy == list(_entries_by_cursor(writer, cipher))
