"""Reminders: the minute sweep against its own claim query run raw, and sending through the worker against smtplib.

- 100,000 writers with 1,000,000 people, 10% of the writers due: the sweep (claim, decide whom to name, write
  deliveries, advance the schedule, enqueue the sends) claims rows at least half as fast as the bare claim query
  (the same SELECT ... FOR UPDATE SKIP LOCKED and an UPDATE advancing next_nudge_at) run raw through psycopg.
- A sweep with nothing due takes under 5 ms, and the claim's plan reads the partial index nudge_due_idx.
- 10,000 reminders through a real Celery worker (one process per core, as production would run it here) to a local
  aiosmtpd server reach at least 0.35 of the rate of raw smtplib sending the same messages' bytes over one
  connection to the same kind of server (measured before and after the worker, the faster kept), with exactly
  10,000 distinct Message-IDs received.

`python -m bench.bench_nudges sink PORT FILE` is the SMTP sink both sides send to: a process of its own that
writes each message's Message-ID to FILE, so neither side shares a CPU or a GIL with it unfairly.
"""

import os
import re
import smtplib
import sys
import time
from email.policy import SMTP
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import LOG_DIR, BenchContext, Result, free_port, time_call

if TYPE_CHECKING:
    import psycopg

SWEEP_TARGET = 0.5
EMPTY_SWEEP_MS = 5.0
SEND_TARGET = 0.35
PEOPLE_PER_WRITER = 10
DUE_EVERY = 10  # one writer in ten is due
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
ZONES = "'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'"


# --- seeding with SQL (a million people through the ORM would take longer than the measurement) ------------


def _insert_select(model, *, source: str, values: dict[str, str]) -> str:
    """INSERT INTO model's table SELECT ... FROM source, every other column filled with its Django default.

    Written from the model's fields, so a column added later gets its default here too.
    """
    from django.db import connection

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in values:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in values:
            expressions.append(values[field.name])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        elif field.has_default():
            expressions.append(_literal(field.get_default()))
        elif field.null:
            expressions.append("NULL")
        else:
            expressions.append("''")
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"


def _literal(value: object) -> str:
    """A Python default as an SQL literal (booleans, numbers, bytes, and everything else as quoted text)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return f"'\\x{bytes(value).hex()}'::bytea"
    return "'" + str(value).replace("'", "''") + "'"


def _seed_population(ctx: BenchContext, writers: int) -> None:
    """`writers` writers with PEOPLE_PER_WRITER people each; every DUE_EVERY-th writer due a minute ago."""
    from django.db import connection

    from accounts.models import User
    from connections.models import Person
    from connections.nudges.models import ReminderSettings

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_select(
                User,
                source=f"generate_series(1, {writers}) AS n",
                values={
                    "email": "'writer' || n || '@bench.example.org'",
                    "password": "'!'",
                    "time_zone": f"(ARRAY[{ZONES}])[1 + n % 4]",
                    "is_active": "true",
                    "date_joined": "now()",
                },
            )
        )
        # Due writers' people were last in touch 30 days ago (rhythm: a week); the others' 2 days ago.
        cursor.execute(
            _insert_select(
                Person,
                source=f"accounts_user u CROSS JOIN generate_series(1, {PEOPLE_PER_WRITER}) AS k",
                values={
                    "owner": "u.id",
                    "name": "'Person ' || k",
                    "ideal_every_days": "7",
                    "last_contact_at": f"now() - CASE WHEN u.id % {DUE_EVERY} = 0 THEN interval '30 days' "
                    "ELSE interval '2 days' END",
                    "created_at": "now() - interval '400 days'",
                },
            )
        )
        # Whole-day windows, so the measurement does not depend on the hour it runs at.
        cursor.execute(
            _insert_select(
                ReminderSettings,
                source="accounts_user u",
                values={
                    "writer": "u.id",
                    "window_start": "'00:00'",
                    "window_end": "'23:59'",
                    "next_nudge_at": f"CASE WHEN u.id % {DUE_EVERY} = 0 THEN now() - interval '1 minute' "
                    "ELSE now() + interval '5 days' END",
                },
            )
        )
        cursor.execute("ANALYZE accounts_user; ANALYZE connections_person; ANALYZE nudges_remindersettings")
    ctx.say(f"{writers:,} writers and {writers * PEOPLE_PER_WRITER:,} people in {time.perf_counter() - began:.1f} s")


def _make_due_again() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM nudges_nudge")
        cursor.execute(
            f"UPDATE nudges_remindersettings SET last_nudged_at = NULL, next_nudge_at = CASE "
            f"WHEN writer_id % {DUE_EVERY} = 0 THEN now() - interval '1 minute' ELSE now() + interval '5 days' END"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE nudges_remindersettings")


# --- the sweep against its raw claim -------------------------------------------------------------------------


def _claim_sql(batch_size: int) -> tuple[str, tuple]:
    """The sweep's own claim query, compiled by Django exactly as the sweep sends it."""
    from django.db import connection, transaction
    from django.utils import timezone

    from connections.nudges import services

    # Compiled inside a transaction: Django refuses FOR UPDATE outside one.
    with transaction.atomic():
        queryset = services.claim_queryset(now=timezone.now(), batch_size=batch_size)
        return queryset.query.get_compiler(connection=connection).as_sql()


def _raw_claim_all(raw: "psycopg.Connection", batch_size: int) -> int:
    """Claim every due writer with the bare query and an UPDATE, batch by batch, over psycopg."""
    sql, params = _claim_sql(batch_size)
    claimed = 0
    while True:
        with raw.transaction():
            ids = [row[0] for row in raw.execute(sql, params).fetchall()]
            if ids:
                raw.execute(
                    "UPDATE nudges_remindersettings SET next_nudge_at = now() + interval '3 days', "
                    "last_nudged_at = now() WHERE writer_id = ANY(%s)",
                    [ids],
                )
        claimed += len(ids)
        if len(ids) < batch_size:
            return claimed


def _sweep_rows(ctx: BenchContext, quick: bool) -> list[Result]:
    from django.db import transaction
    from django.utils import timezone

    from connections.nudges.models import DUE_INDEX_NAME, Nudge
    from connections.nudges.services import SWEEP_BATCH_SIZE, claim_queryset, nudges_sweep

    writers = ctx.size("nudges_writers", full=100_000, quick=5_000)
    _seed_population(ctx, writers)
    due = writers // DUE_EVERY

    import psycopg

    raw_seconds, sweep_seconds = [], []
    # Both sides on an open connection: the raw one over psycopg, the sweep over Django's.
    raw = psycopg.connect(ctx.env["DATABASE_URL"].replace("postgres://", "postgresql://"))
    for round_number in range(2 if quick else 3):
        _make_due_again()
        began = time.perf_counter()
        claimed_raw = _raw_claim_all(raw, SWEEP_BATCH_SIZE)
        raw_seconds.append(time.perf_counter() - began)
        _make_due_again()
        ctx.flush_redis()
        began = time.perf_counter()
        report = nudges_sweep()
        sweep_seconds.append(time.perf_counter() - began)
        if report.claimed != due or len(report.created) != due or claimed_raw != due:
            raise RuntimeError(f"round {round_number}: due {due}, raw {claimed_raw}, sweep {report}")
    raw.close()
    raw_rate = due / min(raw_seconds)
    sweep_rate = due / min(sweep_seconds)
    ctx.say(f"raw claim {raw_rate:,.0f} rows/s, sweep {sweep_rate:,.0f} rows/s ({due:,} due writers)")
    # Every delivery of the last round must name people (the SQL path chose them) and be on the broker.
    unnamed = Nudge.objects.filter(person_ids=[]).count() + Nudge.objects.filter(enqueued_at__isnull=True).count()
    ctx.flush_redis()

    # Nothing due any more: what every other minute of the day costs.
    empty = time_call(lambda: nudges_sweep(), repeat=30, warmup=3)
    with transaction.atomic():
        plan = claim_queryset(now=timezone.now(), batch_size=SWEEP_BATCH_SIZE).explain()
    return [
        Result.at_least(
            f"sweep claim rate, {writers:,} writers, 10% due",
            sweep_rate,
            floor=raw_rate,
            limit=SWEEP_TARGET,
            unit="rows/s",
            errors=unnamed,
            note="vs the same claim query + UPDATE over psycopg",
            details={"raw_seconds": raw_seconds, "sweep_seconds": sweep_seconds, "due": due},
        ),
        Result.at_most(
            "empty sweep (nothing due)",
            empty.median * 1000,
            limit=EMPTY_SWEEP_MS,
            unit="ms",
            details={"seconds": empty.seconds},
        ),
        Result.at_least(
            "claim plan reads nudge_due_idx",
            1.0 if DUE_INDEX_NAME in plan else 0.0,
            limit=1.0,
            unit="",
            details={"plan": plan},
        ),
    ]


# --- sending: the worker against raw smtplib -----------------------------------------------------------------


class Sink:
    """The SMTP sink process, recording Message-IDs to a file; restarted for each side."""

    def __init__(self, ctx: BenchContext, name: str) -> None:
        self.port = free_port()
        self.path = LOG_DIR / f"nudges-sink-{name}-{os.getpid()}.txt"
        self.path.unlink(missing_ok=True)
        self.path.touch()
        self.process = ctx.spawn(
            [sys.executable, "-m", "bench.bench_nudges", "sink", str(self.port), str(self.path)],
            log_name=f"nudges-sink-{name}",
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with smtplib.SMTP("127.0.0.1", self.port, timeout=2) as probe:
                    probe.noop()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")

    def count(self) -> int:
        with self.path.open("rb") as lines:
            return sum(1 for _ in lines)

    def message_ids(self) -> list[str]:
        return self.path.read_text().split()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _seed_deliveries(ctx: BenchContext, emails: int) -> list[int]:
    """`emails` due writers with three due people each, swept into pending deliveries (sends left on Redis)."""
    from django.db import connection

    from accounts.models import User
    from connections.models import Person
    from connections.nudges.models import ReminderSettings
    from connections.nudges.services import nudges_sweep

    with connection.cursor() as cursor:
        cursor.execute(
            _insert_select(
                User,
                source=f"generate_series(1, {emails}) AS n",
                values={
                    "email": "'sender' || n || '@bench.example.org'",
                    "password": "'!'",
                    "time_zone": "'Europe/London'",
                    "is_active": "true",
                    "date_joined": "now()",
                },
            )
        )
        cursor.execute(
            _insert_select(
                Person,
                source="accounts_user u CROSS JOIN (VALUES ('Sam Okafor'), ('Priya'), ('Alex')) AS p(name)",
                values={
                    "owner": "u.id",
                    "name": "p.name",
                    "ideal_every_days": "7",
                    "last_contact_at": "now() - interval '30 days'",
                    "created_at": "now() - interval '400 days'",
                },
            )
        )
        cursor.execute(
            _insert_select(
                ReminderSettings,
                source="accounts_user u",
                values={
                    "writer": "u.id",
                    "window_start": "'00:00'",
                    "window_end": "'23:59'",
                    "next_nudge_at": "now() - interval '1 minute'",
                },
            )
        )
    return nudges_sweep().created


def _messages_as_bytes(nudge_ids: list[int]) -> list[tuple[str, str, bytes]]:
    """(from, to, bytes) of each delivery's email, rendered by the code the worker runs.

    The bytes are the ones the worker's SMTP path sends (NudgeEmail.as_smtp_bytes, which the email tests hold
    equal to what the email package writes for it); a check here makes sure the two still agree in length.
    """
    from connections.nudges.services import nudge_emails_preview

    rendered = []
    for start in range(0, len(nudge_ids), 1000):
        for message in nudge_emails_preview(nudge_ids=nudge_ids[start : start + 1000]):
            rendered.append((message.from_email, message.to[0], message.as_smtp_bytes()))
    by_the_package = len(message.message(policy=SMTP).as_bytes())
    if by_the_package != len(rendered[-1][2]):
        raise RuntimeError(f"the worker's bytes ({len(rendered[-1][2])}) differ from the package's ({by_the_package})")
    return rendered


def _send_raw(ctx: BenchContext, rendered: list[tuple[str, str, bytes]], name: str) -> tuple[float, int]:
    """smtplib sending the rendered bytes over one connection to a fresh sink: (seconds, messages received)."""
    sink = Sink(ctx, name)
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=30) as smtp:
        for sender, recipient, data in rendered:
            smtp.sendmail(sender, [recipient], data)
    seconds = time.perf_counter() - began
    received = sink.count()
    sink.stop()
    return seconds, received


def _send_rows(ctx: BenchContext, quick: bool) -> list[Result]:
    from connections.nudges.models import Nudge

    ctx.reset()
    emails = ctx.size("nudges_emails", full=10_000, quick=500)
    nudge_ids = _seed_deliveries(ctx, emails)
    if len(nudge_ids) != emails:
        raise RuntimeError(f"{len(nudge_ids)} deliveries for {emails} writers")
    rendered = _messages_as_bytes(nudge_ids)
    ctx.say(f"{emails:,} deliveries pending; one email is {len(rendered[0][2]):,} bytes")

    raw_seconds, raw_received = _send_raw(ctx, rendered, "raw-before")

    sink = Sink(ctx, "worker")
    # As production runs it on this machine: one worker process per core.
    worker = ctx.celery_worker(
        concurrency=os.cpu_count() or 1,
        extra_env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_USE_TLS": "false"},
    )
    deadline = time.monotonic() + 120
    while sink.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    first_at = time.perf_counter()
    deadline = time.monotonic() + max(300, emails / 10)
    while sink.count() < emails and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.02)
    worker_seconds = time.perf_counter() - first_at
    time.sleep(2)  # any duplicate would arrive now
    ids = sink.message_ids()
    sink.stop()
    sent = Nudge.objects.filter(status="sent").count()

    # The floor is measured on both sides of the worker's run and the faster one kept: a busy moment on a
    # shared machine must not make the floor look slow.
    raw_after_seconds, raw_after_received = _send_raw(ctx, rendered, "raw-after")
    raw_rate = max(raw_received / raw_seconds, raw_after_received / raw_after_seconds)
    worker_rate = (len(ids) - 1) / worker_seconds if len(ids) > 1 else 0.0
    ctx.say(f"raw smtplib {raw_rate:,.0f} emails/s, worker {worker_rate:,.0f} emails/s")
    distinct = len(set(ids))
    return [
        Result.at_least(
            f"{emails:,} reminders through the worker",
            worker_rate,
            floor=raw_rate,
            limit=SEND_TARGET,
            unit="emails/s",
            errors=(emails - sent) + (len(ids) - distinct),
            note="vs raw smtplib, same bytes, same sink",
            details={
                "raw_seconds": [raw_seconds, raw_after_seconds],
                "worker_seconds": worker_seconds,
                "received": len(ids),
                "worker_processes": os.cpu_count() or 1,
            },
        ),
        Result.at_least(
            "distinct Message-IDs received",
            distinct,
            limit=emails,
            unit="ids",
            errors=abs(len(ids) - emails),
            details={"received": len(ids), "distinct": distinct},
        ),
    ]


def run(ctx: BenchContext, quick: bool) -> list[Result]:
    return [*_sweep_rows(ctx, quick), *_send_rows(ctx, quick)]


# --- the sink process ------------------------------------------------------------------------------------------


def _sink(port: int, path: Path) -> None:
    import signal

    from aiosmtpd.controller import Controller

    class Recorder:
        def __init__(self) -> None:
            self.out = path.open("a", buffering=1)

        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
            # Only the header is read: the sink should cost both sides as little as a real server's queue.
            found = MESSAGE_ID.search(envelope.original_content.split(b"\r\n\r\n", 1)[0])
            self.out.write((found.group(1).decode() if found else "-") + "\n")
            return "250 OK"

    controller = Controller(Recorder(), hostname="127.0.0.1", port=port)
    controller.start()
    # The server runs in its own thread; this one waits for the harness to end the process.
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "sink":
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        _sink(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        print("usage: python -m bench.bench_nudges sink PORT FILE", file=sys.stderr)
        sys.exit(2)
