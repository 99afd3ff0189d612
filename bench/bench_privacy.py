"""Privacy: what encryption at rest costs the journal list, and what a streamed export costs against a COPY.

- Journal list with decryption against the same page over a plaintext column: two writers own the same
  entries (same dates, titles, bodies, moods, tags), one sealed with their data key, the other stored as plain
  bytes. /journal/ for the first is compared with /bench/journal-plaintext/ for the second, which is the same
  view reading its column as text (bench/privacy_urls.py), on one gunicorn, interleaved. Target: >= 0.85.
- Export of 5,000 entries (zip of Markdown + held.json, decrypted, streamed) against a raw `COPY ... TO STDOUT`
  of the same rows (the entries and their tag names), both run in this process. The two alternate, round after
  round, so a burst of someone else's work on a shared machine hits both; each side's best round is compared:
  within 4x. Peak memory growth of the gunicorn worker serving the export over HTTP: under 100 MB.
"""

import datetime
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.harness import BenchContext, PeakRss, Result, Timing, tracemalloc_peak
from tests.corpus import ENTRY_WORDS

if TYPE_CHECKING:
    from accounts.models import User

LIST_TARGET = 0.85
EXPORT_TARGET = 4.0
EXPORT_MEMORY_LIMIT_MB = 100

TAGS = ["family", "work", "walks", "sleep", "friends", "therapy"]


def _texts(count: int) -> list[tuple[datetime.date, str, str, int, list[str]]]:
    """The same journal for every writer: (date, title, body of about 1.5 KB, mood, tags)."""
    randomness = random.Random(4)
    start = datetime.date(2026, 11, 1)
    journal = []
    for number in range(count):
        words = randomness.choices(ENTRY_WORDS, k=randomness.randint(150, 350))
        body = "\n\n".join(" ".join(words[i : i + 60]).capitalize() + "." for i in range(0, len(words), 60))
        title = "" if number % 4 == 0 else " ".join(randomness.choices(ENTRY_WORDS, k=3)).capitalize()
        tags = randomness.sample(TAGS, k=number % 3)
        journal.append((start - datetime.timedelta(days=number // 2), title, body, 1 + number % 5, tags))
    return journal


def _seed(ctx: BenchContext, writer: "User", journal: list, *, sealed: bool) -> None:
    from journal.models import Entry, Tag

    cipher = ctx.cipher(writer)
    tags = {name: Tag.objects.create(owner=writer, name=name) for name in TAGS}
    rows = []
    for day, title, body, mood, _tags in journal:
        entry = Entry(owner=writer, entry_date=day, mood=mood)
        if sealed:
            entry.seal_text(cipher, title=title, body=body)
        else:
            entry.title_sealed, entry.body_sealed = title.encode(), body.encode()
        rows.append(entry)
    Entry.objects.bulk_create(rows, batch_size=1_000)
    through = Entry.tags.through
    through.objects.bulk_create(
        [
            through(entry_id=entry.pk, tag_id=tags[name].pk)
            for entry, (*_rest, names) in zip(rows, journal, strict=True)
            for name in names
        ],
        batch_size=2_000,
    )


def _journal_list(ctx: BenchContext, quick: bool) -> Result:
    count = ctx.size("privacy_list_entries", full=5_000, quick=1_000)
    journal = _texts(count)
    sealed_writer, plain_writer = ctx.create_writer(), ctx.create_writer()
    _seed(ctx, sealed_writer, journal, sealed=True)
    _seed(ctx, plain_writer, journal, sealed=False)
    ctx.say(f"two writers with the same {count:,} entries: one sealed, one in plain bytes")

    server = ctx.start_server(extra_env={"DJANGO_SETTINGS_MODULE": "bench.privacy_settings"})
    sealed_cookie, plain_cookie = ctx.session_cookie(sealed_writer), ctx.session_cookie(plain_writer)
    sealed_page = ctx.client(sealed_writer, server=server).get("/journal/").text
    plain_page = ctx.client(plain_writer, server=server).get("/bench/journal-plaintext/").text
    # The two pages must be the same page, or the ratio means nothing.
    first_title = next(title for _day, title, *_ in journal if title)
    assert first_title in sealed_page, "the decrypting page does not show the entries"
    assert first_title in plain_page, "the plaintext page does not show the same entries"

    comparison = ctx.compare(
        "/journal/",
        cookie=sealed_cookie,
        floor_path="/bench/journal-plaintext/",
        floor_cookie=plain_cookie,
        server=server,
        # A 0.85 target is close to 1: even a quick run needs slices long enough to tell them apart.
        seconds=max(ctx.seconds, 6.0),
        slices=max(ctx.slices, 8),
    )
    server.stop()
    return Result.throughput(
        f"journal list decrypting vs plaintext column, {count:,} entries",
        comparison,
        at_least=LIST_TARGET,
        note="floor: the same view over a plaintext column",
    )


def _copy_rows(owner_id: int) -> int:
    """A raw COPY of the writer's entries and their tag names, read to the end, as a floor for the export."""
    from django.db import connection

    connection.ensure_connection()
    received = 0
    queries = [
        f"COPY (SELECT * FROM journal_entry WHERE owner_id = {owner_id} ORDER BY entry_date, id) TO STDOUT",
        "COPY (SELECT link.entry_id, tag.name FROM journal_entry_tags link"
        " JOIN journal_tag tag ON tag.id = link.tag_id"
        f" WHERE tag.owner_id = {owner_id}) TO STDOUT",
    ]
    with connection.connection.cursor() as cursor:
        for query in queries:
            with cursor.copy(query) as copy:
                for block in copy:
                    received += len(block)
    return received


def _alternating(first: Callable[[], object], second: Callable[[], object], *, rounds: int) -> tuple[Timing, Timing]:
    """Time two pieces of work in alternation (first, second, first, ...), after one untimed round of each."""
    first(), second()
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for work, seconds in zip((first, second), timings, strict=True):
            began = time.perf_counter()
            work()
            seconds.append(time.perf_counter() - began)
    return Timing(timings[0]), Timing(timings[1])


def _export(ctx: BenchContext, quick: bool) -> list[Result]:
    from accounts.portability.export import export_zip

    # 5,000 in both modes: the target is about a journal that size, and at 1,000 the export's fixed queries
    # (tags, people, plan, reminders, shares) weigh more against the COPY than they ever do for a real journal.
    count = ctx.size("privacy_export_entries", full=5_000, quick=5_000)
    writer = ctx.create_writer()
    _seed(ctx, writer, _texts(count), sealed=True)
    ctx.say(f"a writer with {count:,} sealed entries to export")

    copied = _copy_rows(writer.pk)
    exported = sum(len(chunk) for chunk in export_zip(writer))
    copy_time, export_time = _alternating(
        lambda: _copy_rows(writer.pk),
        lambda: sum(len(chunk) for chunk in export_zip(writer)),
        rounds=5 if quick else 9,
    )
    _, heap_mb = tracemalloc_peak(lambda: sum(len(chunk) for chunk in export_zip(writer)))
    ctx.say(
        f"COPY {copied / 1e6:.1f} MB: best {copy_time.best:.3f} s, median {copy_time.median:.3f} s; "
        f"export zip {exported / 1e6:.1f} MB: best {export_time.best:.3f} s, median {export_time.median:.3f} s; "
        f"Python heap peak {heap_mb:.1f} MB"
    )

    server = ctx.server
    client = ctx.client(writer)
    with PeakRss(server.worker_pids()) as memory:
        response = client.post("/settings/export/")
    ok = response.status == 200 and response.headers.get("content-type") == "application/zip"
    ctx.say(f"export over HTTP: {len(response.body) / 1e6:.1f} MB, worker grew {memory.growth_mb:.1f} MB")
    return [
        Result.at_most(
            f"export of {count:,} entries vs raw COPY",
            export_time.best,
            floor=copy_time.best,
            limit=EXPORT_TARGET,
            unit="s",
            details={
                "copy_bytes": copied,
                "zip_bytes": exported,
                "python_heap_peak_mb": heap_mb,
                "copy_seconds": copy_time.seconds,
                "export_seconds": export_time.seconds,
            },
        ),
        Result.at_most(
            f"export of {count:,} entries, worker memory growth",
            memory.growth_mb,
            limit=EXPORT_MEMORY_LIMIT_MB,
            unit="MB",
            errors=0 if ok else 1,
            details={"http_zip_bytes": len(response.body)},
        ),
    ]


def run(ctx: BenchContext, quick: bool) -> list[Result]:
    return [_journal_list(ctx, quick), *_export(ctx, quick)]
