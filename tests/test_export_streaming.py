"""A journal of 5,000 entries exports as a stream, in bounded memory: the zip is never held, and what waits
for held.json stays in memory only up to a fixed bound (then in a sealed temporary file)."""

import datetime
import io
import json
import random
import tracemalloc
import zipfile

import pytest

from accounts.keyring import cipher_for
from accounts.portability.export import export_zip
from accounts.portability.spool import MEMORY_BYTES
from journal.models import Entry, Tag
from tests.corpus import ENTRY_WORDS

pytestmark = pytest.mark.django_db

ENTRIES = 5_000


def body_of(n: int) -> str:
    """About 2 KB of text that compresses like writing does (some 20 MB of Markdown and JSON in all)."""
    # 340 words of the shared list keep the export above the 20 MB the test needs to mean something.
    words = random.Random(n).choices(ENTRY_WORDS, k=340)
    return f"{n}: " + " ".join(words)


def write_many_entries(user, count: int) -> None:
    cipher = cipher_for(user)
    tag = Tag.objects.create(owner=user, name="walks")
    entries = []
    for n in range(count):
        entry = Entry(owner=user, entry_date=datetime.date(2012, 1, 1) + datetime.timedelta(days=n), mood=1 + n % 5)
        entry.seal_text(cipher, title=f"Day {n}", body=body_of(n))
        entries.append(entry)
    Entry.objects.bulk_create(entries, batch_size=1000)
    Entry.tags.through.objects.bulk_create(Entry.tags.through(entry_id=e.pk, tag_id=tag.pk) for e in entries)


def test_five_thousand_entries_stream_out_with_flat_memory(writer):
    write_many_entries(writer, ENTRIES)
    kept = io.BytesIO()
    chunks = 0

    tracemalloc.start()
    try:
        for chunk in export_zip(writer):
            kept.write(chunk)  # a socket in real life; kept here only to check the zip afterwards
            chunks += 1
            del chunk
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    archive = zipfile.ZipFile(kept)
    unpacked = sum(info.file_size for info in archive.infolist())
    held_by_the_test = kept.getbuffer().nbytes
    assert unpacked > 20_000_000
    # Everything the export itself held at its peak, leaving out the copy this test keeps: held.json's records
    # waiting in memory (never more than the spool's bound) and a few megabytes besides.
    bound = MEMORY_BYTES + 8_000_000
    assert peak - held_by_the_test < bound, f"peak {peak - held_by_the_test:,} bytes for {unpacked:,} unpacked"
    assert chunks > 50  # many pieces of about 64 KB as it goes, not one zip at the end
    assert len([name for name in archive.namelist() if name.startswith("entries/")]) == ENTRIES
    document = json.loads(archive.read("held.json"))
    assert len(document["entries"]) == ENTRIES
    assert document["entries"][-1]["body"] == body_of(ENTRIES - 1)
    assert document["entries"][0]["tags"] == ["walks"]
