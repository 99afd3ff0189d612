"""Sharing: the practitioner's shared view against the floor, and revoke-then-read cycles.

- A writer with 5,000 entries shares 1,000 of them (by tag, by hand and from a date on, with moods); the
  practitioner's feed (first page, 20 entries, each opened with the writer's key) must keep at least 0.45 of the
  floor's throughput. The entry page is measured the same way. Each adds three statements to the floor's: the
  share with the writer's key, the access-log row, and the entries with their read marks and tag names.
- 1,000 cycles through the real server: a share starts and is accepted, the practitioner reads, the writer
  revokes (POST, as the button does), the practitioner reads again. Any read that succeeds after a revoke, or
  any access-log row written after it, counts; the row passes only at zero.
"""

import datetime
import os
import statistics
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import BenchContext, Result, load

if TYPE_CHECKING:
    from accounts.models import User
    from connections.sharing.models import Share
    from journal.models import Tag

FEED_TARGET = 0.45
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _worker_cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the gunicorn workers have used so far (/proc/PID/stat fields 14 and 15)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def _cpu_per_request(ctx: BenchContext, path: str, floor_path: str, cookie: str) -> tuple[float, float]:
    """Median server CPU seconds per request of the page and of the floor, measured in interleaved slices.

    Throughput on a shared machine moves with everyone else's work; the CPU the server spends on one request
    does not, so this figure (in the feed row's note) helps read the throughput row when the machine is busy.
    """
    pids = ctx.server.worker_pids()
    per_request: dict[str, list[float]] = {"page": [], "floor": []}
    slice_seconds = max(1.0, ctx.seconds / ctx.slices)
    for number in range(ctx.slices):
        order = [("floor", floor_path), ("page", path)]
        for side, side_path in order if number % 2 else reversed(order):
            before = _worker_cpu_seconds(pids)
            measured = load(ctx.base_url, side_path, cookie=cookie, concurrency=ctx.concurrency, seconds=slice_seconds)
            if measured.requests:
                per_request[side].append((_worker_cpu_seconds(pids) - before) / measured.requests)
    return statistics.median(per_request["page"]), statistics.median(per_request["floor"])


SECRET = "Only the practitioner may read this sentence."


def _seed_journal(ctx: BenchContext, writer: "User", *, total: int, in_scope: int) -> tuple[list, "Tag", date, list]:
    """`total` entries, one a day back from today; `in_scope` of them shared: 30% by date, 40% by tag, 30% by hand."""
    from journal.models import Entry, Tag

    cipher = ctx.cipher(writer)
    today = writer.local_today()
    rows = []
    for number in range(total):
        entry = Entry(owner=writer, entry_date=today - datetime.timedelta(days=number), mood=1 + number % 5)
        entry.seal_text(
            cipher,
            title=f"Entry {number}",
            body=f"{SECRET}\n\nDay {number}: *a walk*, a call, a little writing. " * 3,
        )
        rows.append(entry)
    Entry.objects.bulk_create(rows, batch_size=1_000)
    by_date = in_scope * 3 // 10
    by_tag = in_scope * 4 // 10
    older = rows[by_date:]
    therapy = Tag.objects.create(owner=writer, name="therapy")
    sleep = Tag.objects.create(owner=writer, name="sleep")
    through = Entry.tags.through
    through.objects.bulk_create(
        [through(entry_id=entry.pk, tag_id=therapy.pk) for entry in older[:by_tag]]
        + [through(entry_id=entry.pk, tag_id=sleep.pk) for entry in rows[::3]],
        batch_size=1_000,
    )
    return rows, therapy, today - datetime.timedelta(days=by_date - 1), older[by_tag : in_scope - by_date]


def _start_active_share(
    writer: "User", practitioner: "User", *, ends_on: date, tags: tuple = (), entries_from: date | None = None
) -> "Share":
    from connections.models import Kind, Person
    from connections.sharing import services

    person = Person.objects.filter(owner=writer, kind=Kind.THERAPIST).first() or Person.objects.create(
        owner=writer, name="Dr. K", kind=Kind.THERAPIST, email=practitioner.email
    )
    share = services.share_start(
        writer=writer,
        person=person,
        email=practitioner.email,
        ends_on=ends_on,
        tags=tags,
        entries_from=entries_from,
        include_moods=True,
    )
    services.share_accept(share=share, user=practitioner)
    return share


def run(ctx: BenchContext, quick: bool) -> list[Result]:
    total = ctx.size("sharing_entries", full=5_000, quick=1_000)
    in_scope = ctx.size("sharing_in_scope", full=1_000, quick=200)
    cycles = ctx.size("sharing_revoke_cycles", full=1_000, quick=100)

    from connections.sharing.models import AccessEvent, SharedEntry
    from connections.sharing.querysets import entries_in_scope

    writer = ctx.create_writer()
    practitioner = ctx.create_writer()
    rows, therapy, entries_from, picked = _seed_journal(ctx, writer, total=total, in_scope=in_scope)
    ends_on = writer.local_today() + datetime.timedelta(days=90)
    share = _start_active_share(writer, practitioner, ends_on=ends_on, tags=(therapy,), entries_from=entries_from)
    SharedEntry.objects.bulk_create([SharedEntry(share=share, entry_id=entry.pk) for entry in picked])
    shared = entries_in_scope(share).count()
    ctx.say(f"{total} entries, {shared} in scope")

    cookie = ctx.session_cookie(practitioner)
    feed = ctx.compare(f"/practice/{share.pk}/", cookie=cookie)
    entry = ctx.compare(f"/practice/{share.pk}/entries/{rows[0].pk}/", cookie=cookie)
    page_cpu, floor_cpu = _cpu_per_request(ctx, f"/practice/{share.pk}/", "/bench/floor/", cookie)
    ctx.say(f"server CPU per request: feed {page_cpu * 1000:.1f} ms, floor {floor_cpu * 1000:.1f} ms")

    # Revoke-then-read, through the real server, with the writer's button and the practitioner's next click.
    writer_client = ctx.client(writer)
    reader = ctx.client(practitioner)
    reads_before = reads_after = failures = 0
    first_entry = rows[0]
    for _ in range(cycles):
        cycle_share = _start_active_share(writer, practitioner, ends_on=ends_on)
        SharedEntry.objects.create(share=cycle_share, entry=first_entry)
        url = f"/practice/{cycle_share.pk}/entries/{first_entry.pk}/"
        before = reader.get(url)
        reads_before += before.status == 200 and SECRET in before.text
        revoked = writer_client.post(f"/shares/{cycle_share.pk}/revoke/")
        failures += revoked.status != 302
        after = reader.get(url)
        if after.status != 410 or "This share has ended" not in after.text:
            failures += 1
        reads_after += after.status == 200 or SECRET in after.text
        cycle_share.refresh_from_db()
        reads_after += AccessEvent.objects.filter(share=cycle_share, at__gte=cycle_share.revoked_at).count()
    ctx.say(f"{cycles} cycles: {reads_before} reads before revoke, {reads_after} after, {failures} failures")

    return [
        Result.throughput(
            f"shared feed, {shared} of {total} entries",
            feed,
            at_least=FEED_TARGET,
            note=f"server CPU per request {page_cpu * 1000:.1f} ms vs floor {floor_cpu * 1000:.1f} ms",
        ),
        Result.throughput("shared entry page", entry, at_least=FEED_TARGET),
        Result.at_most(
            f"reads after revoke, {cycles} cycles",
            reads_after,
            limit=0,
            unit="reads",
            errors=failures + (cycles - reads_before),
            details={"cycles": cycles, "reads_before_revoke": reads_before, "failures": failures},
        ),
    ]
