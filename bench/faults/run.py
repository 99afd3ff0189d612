#!/usr/bin/env python
"""Fault runs: break one real part of Held while writers use it, and check what a writer would notice.

    .venv/bin/python bench/faults/run.py                  # redis, postgres, worker (a few minutes)
    .venv/bin/python bench/faults/run.py smtp             # SMTP down for 5 minutes (slow: about 9 minutes)
    .venv/bin/python bench/faults/run.py redis --redis-down 130
    .venv/bin/python bench/faults/run.py smtp --smtp-down 60

Each fault gets its own PostgreSQL cluster, Redis and SMTP server (bench/faults/services.py), so stopping
them never touches the machine's shared services, then gunicorn and a real Celery worker (and beat) on top.
Each prints what it checked and what it found, and the run ends with PASS or FAIL per fault (exit 1 on any
FAIL). Logs are in var/bench/ and var/bench/faults/.

- redis: Redis stopped under load. Reading, writing, logging contacts and changing settings stay 2xx; writers
  who became due while it was down get their nudge once it is back, each exactly once.
- postgres: PostgreSQL restarted (fast shutdown: every connection cut) under load. Requests fail only while it
  is down; afterwards gunicorn and the worker reconnect by themselves (CONN_HEALTH_CHECKS) and nudges go out.
- worker: the Celery worker SIGKILLed in the middle of SMTP DATA, and another one killed before it reached the
  mail server. No email twice, every delivery in a recorded state, the unstarted one sent exactly once.
- smtp: the mail server down for --smtp-down seconds (default 300): nudges retry with backoff and each arrives
  exactly once after it returns; reminders are not turned off.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faults.services import PrivatePostgres, PrivateRedis, SmtpSink  # noqa: E402
from bench.faults.traffic import Traffic  # noqa: E402
from bench.harness import BenchContext, Server  # noqa: E402

FAULTS = ("redis", "postgres", "worker", "smtp")
DEFAULT_FAULTS = ("redis", "postgres", "worker")


# --- reporting ------------------------------------------------------------------------------------


@dataclass
class Report:
    fault: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, what: str, passed: bool, found: str) -> None:
        self.checks.append((what, passed, found))
        print(f"  {'ok  ' if passed else 'FAIL'} checked: {what}\n       found: {found}", flush=True)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(passed for _, passed, _ in self.checks)


def say(message: str) -> None:
    print(f"  . {message}", flush=True)


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


# --- the stack every fault runs on ----------------------------------------------------------------


@dataclass
class Stack:
    ctx: BenchContext
    postgres: PrivatePostgres
    redis: PrivateRedis
    smtp: SmtpSink
    server: Server


@contextlib.contextmanager
def stack(*, smtp_delay: float = 0.0, smtp_up: bool = True) -> Iterator[Stack]:
    """Private PostgreSQL, Redis and SMTP; the bench database migrated on them; gunicorn with 2 workers."""
    postgres = PrivatePostgres().create()
    redis = PrivateRedis().start()
    smtp = SmtpSink(data_delay=smtp_delay)
    if smtp_up:
        smtp.start()
    ctx = BenchContext(database="held_faults", postgres_url=postgres.url, redis_url=redis.url, workers=2)
    ctx.env.update(SMTP_HOST=smtp.host, SMTP_PORT=str(smtp.port), SMTP_USE_TLS="false", SMTP_TIMEOUT="10")
    say(f"private PostgreSQL on {postgres.port}, Redis on {redis.port}, SMTP on {smtp.port}")
    try:
        ctx.setup()
        yield Stack(ctx=ctx, postgres=postgres, redis=redis, smtp=smtp, server=ctx.server)
    finally:
        with contextlib.suppress(Exception):
            ctx.keep_database = True  # the cluster goes as a whole
            ctx.close()
        smtp.stop()
        redis.stop()
        postgres.destroy()


def fresh_connections() -> None:
    """After a database restart, drop this process's broken connections (gunicorn does this per request)."""
    from django.db import close_old_connections, connections

    close_old_connections()
    for connection in connections.all():
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def seed_writers(ctx: BenchContext, prefix: str, count: int, *, reminders_on: bool) -> list:
    """Writers with two overdue people each; reminders off until `make_due`, unless `reminders_on`."""
    from connections.models import Person
    from connections.nudges.services import reminder_settings_for, reminder_settings_save
    from connections.services import person_save

    today = datetime.date.today()
    writers = []
    for number in range(count):
        writer = ctx.create_writer(f"{prefix}{number}@bench.example.org", time_zone="UTC")
        row = reminder_settings_for(writer)
        row.enabled = False
        reminder_settings_save(user=writer, row=row)
        for name in ("Sam", "Ana"):
            person_save(
                user=writer,
                person=Person(name=name, ideal_every_days=7, too_long_after_days=14),
                notes="",
                topic_names=[],
                last_in_touch=today - datetime.timedelta(days=30),
            )
        writers.append(writer)
    if reminders_on:
        make_due(writers)
    return writers


def make_due(writers: list) -> None:
    """Reminders on, any day, any hour: each writer's next nudge is now."""
    from connections.nudges.services import reminder_settings_for, reminder_settings_save

    for writer in writers:
        row = reminder_settings_for(writer)
        row.enabled = True
        row.window_start = datetime.time(0, 0)
        row.window_end = datetime.time(23, 59)
        row.every_days = 1
        row.quiet_start = row.quiet_end = None
        row.paused_until = None
        reminder_settings_save(user=writer, row=row)


def nudge_states(writers: list) -> Counter:
    from connections.nudges.models import Nudge

    fresh_connections()
    return Counter(Nudge.objects.filter(writer__in=writers).values_list("status", flat=True))


def check_each_got_one_email(report: Report, smtp: SmtpSink, writers: list, *, label: str) -> None:
    wanted = sorted(writer.email for writer in writers)
    received = Counter(address for address in smtp.recipients() if address in set(wanted))
    doubled = sorted(address for address, count in received.items() if count > 1)
    missing = sorted(set(wanted) - set(received))
    report.check(
        f"{label}: each of {len(wanted)} writers got exactly one nudge",
        not doubled and not missing,
        f"{sum(received.values())} emails to them; missing {len(missing)}; more than one: {len(doubled)}",
    )


def check_no_message_twice(report: Report, smtp: SmtpSink) -> None:
    ids = Counter(smtp.message_ids())
    repeated = [message_id for message_id, count in ids.items() if count > 1]
    report.check(
        "no email was delivered twice (by Message-ID)",
        not repeated,
        f"{sum(ids.values())} emails, {len(ids)} distinct Message-IDs",
    )


def traffic_writers(ctx: BenchContext, count: int = 3) -> list[str]:
    return [writer.email for writer in seed_writers(ctx, "traffic", count, reminders_on=False)]


def worker_and_beat(ctx: BenchContext) -> None:
    beat_schedule = Path(ctx.env["OUTBOX_DIR"]).parent / "faults" / f"beat-{os.getpid()}"
    ctx.celery_worker(extra_args=["--beat", "--schedule", str(beat_schedule)])


# --- the faults -----------------------------------------------------------------------------------


def fault_redis(args: argparse.Namespace) -> Report:
    report = Report("redis")
    with stack() as s:
        traffic = Traffic(s.server.base_url, traffic_writers(s.ctx))
        cohort = seed_writers(s.ctx, "redis", 8, reminders_on=False)
        worker_and_beat(s.ctx)
        traffic.start()
        time.sleep(5)
        say(f"stopping Redis for {args.redis_down:.0f} s under traffic")
        down_at = time.monotonic()
        s.redis.stop()
        make_due(cohort)
        say(f"{len(cohort)} writers became due while Redis was down")
        time.sleep(args.redis_down)
        s.redis.start()
        up_at = time.monotonic()
        say("Redis is back; waiting for the nudges to catch up")
        caught_up = wait_until(
            lambda: (
                nudge_states(cohort).get("sent", 0) >= len(cohort)
                and len({a for a in s.smtp.recipients() if a.startswith("redis")}) >= len(cohort)
            ),
            timeout=args.catch_up,
            interval=2,
        )
        caught_up_after = time.monotonic() - up_at
        time.sleep(5)  # anything doubled would arrive now
        traffic.stop()

        window = (down_at, up_at)
        signing_in = {"sign in"}
        during = traffic.failures(between=window, exclude=signing_in)
        report.check(
            "pages stay 2xx while Redis is down (read, write, log a contact, change settings)",
            not during and traffic.count(between=window, exclude=signing_in) > 0,
            f"{traffic.count(between=window, exclude=signing_in)} requests while down, {len(during)} failed"
            + (f": {traffic.summary(during)}" if during else ""),
        )
        sign_ins = traffic.failures(between=window, actions=signing_in)
        report.check(
            "signing in works while Redis is down",
            not sign_ins and traffic.count(between=window, actions=signing_in) > 0,
            f"{traffic.count(between=window, actions=signing_in)} sign-ins while down, {len(sign_ins)} failed"
            + (f": {traffic.summary(sign_ins)}" if sign_ins else ""),
        )
        outside = [row for row in traffic.failures() if not window[0] <= row.at <= window[1]]
        report.check(
            "nothing fails before Redis stops or after it is back",
            not outside,
            f"{traffic.count() - traffic.count(between=window)} requests outside the outage, {len(outside)} failed"
            + (f": {traffic.summary(outside)}" if outside else ""),
        )
        seen = traffic.actions_seen()
        report.check(
            "every kind of action was exercised",
            {"write an entry", "log a contact", "change reminder settings", "sign in"} <= seen,
            ", ".join(sorted(seen)),
        )
        report.check(
            "nudges caught up after Redis returned",
            caught_up,
            f"{dict(nudge_states(cohort))} {caught_up_after:.0f} s after Redis was back",
        )
        check_each_got_one_email(report, s.smtp, cohort, label="due during the outage")
        check_no_message_twice(report, s.smtp)
    return report


def fault_postgres(args: argparse.Namespace) -> Report:
    report = Report("postgres")
    with stack() as s:
        traffic = Traffic(s.server.base_url, traffic_writers(s.ctx))
        cohort = seed_writers(s.ctx, "pg", 5, reminders_on=False)
        worker_and_beat(s.ctx)
        traffic.start()
        time.sleep(5)
        say("restarting PostgreSQL (fast shutdown) under traffic")
        down_at = time.monotonic()
        s.postgres.restart()
        up_at = time.monotonic()
        say(f"PostgreSQL was down for {up_at - down_at:.1f} s")
        grace = args.reconnect_grace
        time.sleep(grace + 10)
        fresh_connections()
        make_due(cohort)
        delivered = wait_until(
            lambda: len({a for a in s.smtp.recipients() if a.startswith("pg")}) >= len(cohort),
            timeout=args.catch_up,
            interval=2,
        )
        time.sleep(3)
        traffic.stop()

        inside = traffic.failures(between=(down_at, up_at + grace))
        after = traffic.failures(between=(up_at + grace, time.monotonic()))
        before = traffic.failures(between=(0, down_at))
        report.check(
            "requests fail only while PostgreSQL is down (no error before it)",
            not before,
            f"{len(before)} failures before the restart; {len(inside)} while it restarted"
            + (f" ({traffic.summary(inside)})" if inside else ""),
        )
        report.check(
            f"gunicorn reconnects by itself: every request {grace:.0f} s after the restart succeeds",
            not after and traffic.count(between=(up_at + grace, time.monotonic())) > 0,
            f"{traffic.count(between=(up_at + grace, time.monotonic()))} requests after, {len(after)} failed"
            + (f": {traffic.summary(after)}" if after else ""),
        )
        report.check(
            "the worker reconnects by itself: writers due after the restart get their nudge",
            delivered,
            f"{dict(nudge_states(cohort))}",
        )
        check_each_got_one_email(report, s.smtp, cohort, label="due after the restart")
    return report


def _silent_port() -> socket.socket:
    """A port that accepts connections and never says a word: a worker sending there hangs before SMTP starts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(90)
    return listener


def _recovery_sweep(minutes: int) -> object:
    """The sweep as it will run `minutes` from now: what it does with deliveries a dead worker left behind.

    Its clock is moved on rather than waited for (the stale-claim and lost-message thresholds are minutes).
    """
    from connections.nudges import services as nudge_services

    fresh_connections()
    return nudge_services.nudges_sweep(now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes))


def fault_worker(args: argparse.Namespace) -> Report:
    report = Report("worker")
    with stack(smtp_delay=4.0) as s:
        from connections.nudges import services as nudge_services

        cohort = seed_writers(s.ctx, "kill", 4, reminders_on=False)

        # 1. Killed in the middle of SMTP DATA (the mail server holds each message for 4 s before answering).
        worker = s.ctx.celery_worker(new_session=True)
        make_due(cohort)
        created = nudge_services.nudges_sweep().created
        say(f"sweep wrote {len(created)} deliveries; waiting for the first DATA")
        started = wait_until(s.smtp.data_started.is_set, timeout=90, interval=0.05)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        say(f"worker SIGKILLed during DATA: {dict(nudge_states(cohort))}")
        report.check("the worker was killed while the mail server held a message", started, f"DATA started: {started}")
        second = s.ctx.celery_worker(new_session=True)
        # Whatever the dead worker held is unacknowledged on the broker: the sweep finds it (lost after
        # ten minutes) and records the one that reached the mail server as interrupted.
        recovery = _recovery_sweep(11)
        finished = wait_until(
            lambda: nudge_states(cohort).get("sent", 0) >= len(cohort) - 1, timeout=args.catch_up, interval=1
        )
        time.sleep(6)  # a resend would arrive now
        states = nudge_states(cohort)
        kill_emails = [a for a in s.smtp.recipients() if a.startswith("kill")]
        report.check(
            "the others were sent once the next worker and the sweep's recovery ran",
            finished,
            f"{dict(states)} (recovery sweep: {recovery.requeued} re-enqueued, {recovery.interrupted} interrupted)",
        )
        report.check(
            "the delivery killed mid-DATA is recorded as interrupted and never resent",
            states.get("interrupted", 0) == 1 and states.get("sent", 0) == len(cohort) - 1,
            f"{dict(states)}; {len(kill_emails)} emails for {len(cohort)} writers",
        )
        check_no_message_twice(report, s.smtp)
        per_writer = Counter(kill_emails)
        report.check(
            "no writer got two emails",
            all(count == 1 for count in per_writer.values()),
            f"{sum(per_writer.values())} emails to {len(per_writer)} of {len(cohort)} writers",
        )

        # 2. Killed while connecting to the mail server: that delivery must go out exactly once, later.
        second.terminate()
        second.wait()
        late = seed_writers(s.ctx, "early", 1, reminders_on=False)
        listener = _silent_port()
        try:
            stuck = s.ctx.celery_worker(new_session=True, extra_env={"SMTP_PORT": str(listener.getsockname()[1])})
            make_due(late)
            nudge_services.nudges_sweep()
            try:
                held, _ = listener.accept()  # the worker is now waiting for a greeting that never comes
                connecting = True
            except TimeoutError:
                held, connecting = None, False
            os.killpg(stuck.pid, signal.SIGKILL)
            stuck.wait()
            if held is not None:
                held.close()
        finally:
            listener.close()
        say(f"worker SIGKILLed while connecting: {dict(nudge_states(late))}")
        s.ctx.celery_worker(new_session=True)
        _recovery_sweep(11)
        sent = wait_until(lambda: nudge_states(late).get("sent", 0) == 1, timeout=args.catch_up, interval=1)
        time.sleep(5)
        early_emails = sum(1 for a in s.smtp.recipients() if a.startswith("early"))
        report.check(
            "killed before reaching the mail server: sent exactly once after recovery",
            connecting and sent and early_emails == 1,
            f"connecting when killed: {connecting}; now {dict(nudge_states(late))}; emails: {early_emails}",
        )
    return report


def fault_smtp(args: argparse.Namespace) -> Report:
    report = Report("smtp")
    with stack(smtp_up=False) as s:
        from connections.nudges.models import Nudge, ReminderSettings

        cohort = seed_writers(s.ctx, "smtp", 5, reminders_on=False)
        worker_and_beat(s.ctx)
        make_due(cohort)
        say(f"mail server down for {args.smtp_down:.0f} s; {len(cohort)} writers due")
        down_at = time.monotonic()
        time.sleep(args.smtp_down)
        s.smtp.start()
        say(f"mail server back after {time.monotonic() - down_at:.0f} s; waiting for the retries")
        delivered = wait_until(
            lambda: len({a for a in s.smtp.recipients() if a.startswith("smtp")}) >= len(cohort),
            timeout=args.catch_up + 300,
            interval=5,
        )
        time.sleep(5)
        fresh_connections()
        attempts = list(Nudge.objects.filter(writer__in=cohort).values_list("attempts", flat=True))
        still_on = ReminderSettings.objects.filter(writer__in=cohort, enabled=True).count()
        report.check(
            "every nudge arrived after the mail server returned",
            delivered,
            f"{dict(nudge_states(cohort))}; attempts per delivery: {sorted(attempts)}",
        )
        check_each_got_one_email(report, s.smtp, cohort, label="due while it was down")
        check_no_message_twice(report, s.smtp)
        report.check("reminders were not turned off", still_on == len(cohort), f"{still_on} of {len(cohort)} on")
    return report


RUNNERS = {"redis": fault_redis, "postgres": fault_postgres, "worker": fault_worker, "smtp": fault_smtp}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("faults", nargs="*", help=f"some of: {' '.join(FAULTS)} (default: {' '.join(DEFAULT_FAULTS)})")
    parser.add_argument("--redis-down", type=float, default=75, help="seconds Redis stays down (default 75)")
    parser.add_argument("--smtp-down", type=float, default=300, help="seconds SMTP stays down (default 300)")
    parser.add_argument("--catch-up", type=float, default=180, help="seconds allowed to catch up (default 180)")
    parser.add_argument("--reconnect-grace", type=float, default=3, help="seconds after a restart (default 3)")
    args = parser.parse_args(argv)
    faults = args.faults or list(DEFAULT_FAULTS)
    unknown = sorted(set(faults) - set(FAULTS))
    if unknown:
        parser.error(f"unknown fault {', '.join(unknown)}; choose from {', '.join(FAULTS)}")
    if len(faults) > 1:
        # Django is set up once per process, against one database: each fault gets a process of its own.
        options = [argument for argument in (argv if argv is not None else sys.argv[1:]) if argument not in FAULTS]
        results = {}
        for fault in faults:
            completed = subprocess.run([sys.executable, __file__, fault, *options], cwd=ROOT, check=False)
            results[fault] = completed.returncode == 0
        print("\nFault runs: " + ", ".join(f"{fault} {'PASS' if ok else 'FAIL'}" for fault, ok in results.items()))
        return 0 if all(results.values()) else 1

    fault = faults[0]
    print(f"- {fault}", flush=True)
    began = time.perf_counter()
    try:
        report = RUNNERS[fault](args)
    except Exception as error:
        traceback.print_exc()
        report = Report(fault)
        report.check("the fault run itself", False, f"{type(error).__name__}: {error}")
    print(f"\n{fault}: {'PASS' if report.passed else 'FAIL'} ({time.perf_counter() - began:.0f} s)")
    for what, passed, found in report.checks:
        print(f"    {'ok  ' if passed else 'FAIL'} {what}: {found}")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
