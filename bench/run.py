#!/usr/bin/env python
"""Run Held's benchmarks and print one table: benchmark, value, floor, ratio, target, pass or short.

    bench/run.py                 # every bench/bench_*.py at full size (make bench)
    bench/run.py --quick         # small sizes, under two minutes (make bench-quick)
    bench/run.py --only floor journal --results /tmp/results.json

Exit status: 0 when every row passes, 1 when a row is short or a benchmark failed to run.
See bench/README.md for the API a benchmark module implements.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import BENCH_DIR, BenchContext, Result, Skip, _figure, write_results  # noqa: E402


def discover(only: list[str] | None) -> list[str]:
    """Names of the benchmark modules (bench_<name>.py), floor first so a broken harness shows at once."""
    names = sorted(path.stem.removeprefix("bench_") for path in BENCH_DIR.glob("bench_*.py"))
    names.sort(key=lambda name: name != "floor")
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise SystemExit(f"No such benchmark: {', '.join(unknown)} (have: {', '.join(names)})")
        names = [name for name in names if name in only]
    return names


def format_table(results: list[Result], not_run: list[dict[str, str]]) -> str:
    header = ("benchmark", "value", "floor", "ratio", "target", "result")
    rows = []
    for result in results:
        unit = f" {result.unit}" if result.unit else ""
        rows.append(
            (
                result.name,
                f"{_figure(result.value)}{unit}",
                f"{_figure(result.floor)}{unit}" if result.floor is not None else "-",
                f"{result.ratio:.2f}" if result.ratio is not None else "-",
                result.target_text,
                ("pass" if result.passed else "SHORT") + (f" ({result.errors} errors)" if result.errors else ""),
            )
        )
    for missing in not_run:
        rows.append((missing["benchmark"], "-", "-", "-", "-", f"{missing['status']}: {missing['reason']}"))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(tuple("-" * width for width in widths)), *(line(row) for row in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and short measurements (under two minutes)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these (bench_NAME.py)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results.json", help="where to write JSON")
    parser.add_argument("--database", help="bench database name (default held_bench, or HELD_BENCH_DB)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2, or HELD_BENCH_WORKERS)")
    parser.add_argument("--concurrency", type=int, help="concurrent clients (default 4, or HELD_BENCH_CONCURRENCY)")
    parser.add_argument("--seconds", type=float, help="seconds of load per side of a comparison (HELD_BENCH_SECONDS)")
    parser.add_argument("--slices", type=int, help="interleaved slices per side (HELD_BENCH_SLICES)")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database behind to inspect")
    args = parser.parse_args(argv)

    names = discover(args.only)
    if args.list:
        print("\n".join(names))
        return 0

    began = time.perf_counter()
    results: list[Result] = []
    not_run: list[dict[str, str]] = []
    durations: dict[str, float] = {}
    mode = "quick" if args.quick else "full"
    print(f"Held benchmarks ({mode}): {', '.join(names)}", flush=True)
    with BenchContext(
        quick=args.quick,
        database=args.database,
        workers=args.workers,
        concurrency=args.concurrency,
        seconds=args.seconds,
        slices=args.slices,
        keep_database=args.keep_db,
    ) as context:
        for index, name in enumerate(names):
            if index:
                context.reset()
            print(f"- {name}", flush=True)
            module_began = time.perf_counter()
            try:
                module = importlib.import_module(f"bench.bench_{name}")
                produced = module.run(context, args.quick)
                results.extend(produced)
            except Skip as skip:
                not_run.append({"benchmark": name, "status": "skipped", "reason": str(skip)})
            except Exception as error:  # one broken benchmark must not hide the others' figures
                traceback.print_exc()
                not_run.append({"benchmark": name, "status": "ERROR", "reason": f"{type(error).__name__}: {error}"})
            took = time.perf_counter() - module_began
            durations[name] = took
            print(f"  {name} took {took:.1f} s", flush=True)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        write_results(args.results, results=results, failures=not_run, context=context)

    print()
    print(format_table(results, not_run))
    print()
    print(f"{len(results)} rows, {sum(not r.passed for r in results)} short; {time.perf_counter() - began:.0f} s;")
    print("seconds per module: " + ", ".join(f"{name} {took:.0f}" for name, took in durations.items()))
    print(f"written to {args.results}")
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if load > cpus:
        # Ratios hold up to ordinary noise, not to a machine running twice what it has cores for.
        print(f"note: load average {load:.1f} on {cpus} CPUs: the machine was busy; treat these figures with care")
    failed = any(not result.passed for result in results) or any(m["status"] == "ERROR" for m in not_run)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
