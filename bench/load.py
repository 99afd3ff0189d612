#!/usr/bin/env python
"""The load test: simulated writers against gunicorn, with a Celery worker and beat running.

    .venv/bin/python bench/load.py                      # 50 writers for 2 minutes (issue 9)
    .venv/bin/python bench/load.py --users 10 --run-time 20s

Seeds its own database (every writer with entries, people with rhythms and a contact history), starts
gunicorn, a Celery worker with embedded beat on the bench Redis, runs bench/locustfile.py with locust
headless, then prints requests, failures, p50 and p95 per endpoint and writes var/bench/load-results.json.
Exit status 0 only with zero failures (and no error in the server or worker logs).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import DEFAULT_PASSWORD, LOG_DIR, BenchContext  # noqa: E402

WORDS = ["harbour", "walk", "sister", "tired", "garden", "work", "call", "kitchen", "rain", "laugh", "slept", "early"]
TAGS = ["work", "family", "sleep", "friends", "health", "home"]
PEOPLE = [
    ("Sam", "friend", 14, 30),
    ("Ana", "family", 7, 21),
    ("Jo", "colleague", 21, 45),
    ("Dr. K", "mentor", 28, 60),
    ("Priya", "friend", 10, 25),
    ("Lee", "family", 30, None),
]


def seed(ctx: BenchContext, *, writers: int, entries: int) -> list[dict[str, str]]:
    """Writers who can sign in, each with a journal to browse and search and a circle to reach out to."""
    from connections.models import Person
    from connections.services import person_save
    from journal.services import entry_create

    random.seed(9)
    accounts = []
    today = datetime.date.today()
    for number in range(writers):
        writer = ctx.create_writer(f"load{number}@bench.example.org")
        for day in range(entries):
            entry_create(
                user=writer,
                title=f"{random.choice(WORDS).capitalize()} {random.choice(WORDS)}",
                body=" ".join(random.choice(WORDS) for _ in range(random.randint(30, 150))),
                entry_date=today - datetime.timedelta(days=day + 1),
                mood=random.randint(1, 5),
                tag_names=random.sample(TAGS, 2),
            )
        for name, relationship, ideal, too_long in PEOPLE:
            person_save(
                user=writer,
                person=Person(
                    name=name, relationship=relationship, ideal_every_days=ideal, too_long_after_days=too_long
                ),
                notes="",
                topic_names=random.sample(TAGS, 1),
                last_in_touch=today - datetime.timedelta(days=random.randint(3, 40)),
            )
        accounts.append({"email": writer.email, "password": DEFAULT_PASSWORD})
    return accounts


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with Path(f"{prefix}_stats.csv").open() as stats:
        return list(csv.DictReader(stats))


def read_failures(prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open() as failures:
        return list(csv.DictReader(failures))


def format_table(rows: list[dict[str, str]]) -> str:
    header = ("endpoint", "method", "requests", "failures", "p50 ms", "p95 ms", "max ms", "req/s")
    lines = [
        (
            row["Name"],
            row["Type"] or "",
            row["Request Count"],
            row["Failure Count"],
            row["50%"],
            row["95%"],
            f"{float(row['Max Response Time']):.0f}",
            f"{float(row['Requests/s']):.1f}",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.rjust(width) if index >= 2 else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([render(header), render(tuple("-" * width for width in widths)), *map(render, lines)])


def log_errors(path: Path) -> list[str]:
    """Lines in a process log that say something went wrong (a traceback, an ERROR record)."""
    if not path.exists():
        return []
    return [line for line in path.read_text(errors="replace").splitlines() if "Traceback" in line or " ERROR " in line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="simulated writers (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="writers started per second (default 5)")
    parser.add_argument("--run-time", default="2m", help="how long, locust syntax: 2m, 90s (default 2m)")
    parser.add_argument("--entries", type=int, default=30, help="entries seeded per writer (default 30)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--database", help="bench database (default held_bench_load)")
    parser.add_argument("--results", type=Path, default=LOG_DIR / "load-results.json")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    load_before = [round(figure, 2) for figure in os.getloadavg()]
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    prefix = LOG_DIR / "load"
    for stale in LOG_DIR.glob("load_*.csv"):
        stale.unlink()
    with BenchContext(database=args.database or "held_bench_load", workers=args.workers) as ctx:
        seed_began = time.perf_counter()
        accounts = seed(ctx, writers=args.users, entries=args.entries)
        writers_file = LOG_DIR / "load-writers.json"
        writers_file.write_text(json.dumps(accounts))
        took = time.perf_counter() - seed_began
        ctx.say(f"seeded {len(accounts)} writers with {args.entries} entries each in {took:.0f} s")

        server = ctx.server
        worker = ctx.celery_worker(extra_args=["--beat", "--schedule", str(LOG_DIR / "load-celerybeat-schedule")])
        command = [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            args.run_time,
            "--host",
            server.base_url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ]
        ctx.say(f"locust: {args.users} writers for {args.run_time} against {server.base_url}, worker and beat running")
        locust = subprocess.run(command, cwd=ROOT, env={**ctx.env, "HELD_LOAD_WRITERS": str(writers_file)}, check=False)
        worker_alive = worker.poll() is None
        server_log_errors = log_errors(server.log_path)
        worker_log_errors = log_errors(ctx.log_path(worker))
        machine = ctx.machine()

    rows = read_stats(prefix)
    failures = read_failures(prefix)
    endpoints = [row for row in rows if row["Name"] not in ("Aggregated", "(route check)")]
    total = next((row for row in rows if row["Name"] == "Aggregated"), None)
    print()
    print(format_table([*endpoints, *([total] if total else [])]))
    if failures:
        print("\nFailures:")
        for failure in failures:
            print(f"  {failure['Occurrences']} x {failure['Method']} {failure['Name']}: {failure['Error']}")
    failure_count = int(total["Failure Count"]) if total else -1
    print(
        f"\n{args.users} writers, {args.run_time}, {args.workers} gunicorn workers, worker and beat "
        f"{'running' if worker_alive else 'DIED'}; failures: {failure_count}; "
        f"errors in server log: {len(server_log_errors)}, in worker log: {len(worker_log_errors)}; "
        f"{time.perf_counter() - began:.0f} s in all; "
        f"load average before {load_before}, after {machine['load_average']}"
    )
    for line in (server_log_errors + worker_log_errors)[:10]:
        print("  log:", line)
    args.results.write_text(
        json.dumps(
            {
                "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "users": args.users,
                "run_time": args.run_time,
                "gunicorn_workers": args.workers,
                "machine": machine,
                "load_average_before": load_before,
                "endpoints": endpoints,
                "aggregated": total,
                "failures": failures,
                "worker_alive": worker_alive,
                "server_log_errors": server_log_errors,
                "worker_log_errors": worker_log_errors,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written to {args.results}")
    ok = (
        locust.returncode == 0
        and failure_count == 0
        and bool(endpoints)
        and worker_alive
        and not server_log_errors
        and not worker_log_errors
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
