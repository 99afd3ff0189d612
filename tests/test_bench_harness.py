"""The benchmark harness works end to end: a quick floor run against real PostgreSQL, Redis and gunicorn."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.integration
def test_quick_floor_benchmark_prints_a_ratio_and_writes_results(tmp_path: Path) -> None:
    results_path = tmp_path / "results.json"
    database = "held_bench_harness" + os.environ.get("HELD_TEST_DB", "")
    completed = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--only", "floor", "--results", str(results_path)],
        cwd=ROOT,
        env={**os.environ, "HELD_BENCH_DB": database, "HELD_BENCH_SECONDS": "1.2", "HELD_BENCH_SLICES": "4"},
        capture_output=True,
        text=True,
        timeout=50,
    )

    assert completed.returncode in (0, 1), completed.stderr
    table = completed.stdout[completed.stdout.index("\nbenchmark ") :]
    floor_line = next(line for line in table.splitlines() if line.startswith("floor vs floor "))
    assert floor_line.endswith(("pass", "SHORT"))
    document = json.loads(results_path.read_text())
    floor_row = next(row for row in document["results"] if row["name"] == "floor vs floor")
    assert floor_row["ratio"] > 0
    assert floor_row["errors"] == 0, "the floor answered something other than 200"
    assert floor_row["details"]["floor"]["requests"] > 0
    assert document["machine"]["cpus"] >= 1
    assert document["not_run"] == []


@pytest.mark.integration
def test_bench_database_is_dropped_after_the_run(tmp_path: Path) -> None:
    import psycopg

    database = "held_bench_dropped" + os.environ.get("HELD_TEST_DB", "")
    subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--only", "floor", "--results", str(tmp_path / "r.json")],
        cwd=ROOT,
        env={**os.environ, "HELD_BENCH_DB": database, "HELD_BENCH_SECONDS": "0.4", "HELD_BENCH_SLICES": "2"},
        capture_output=True,
        timeout=50,
        check=False,
    )

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres") as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchall()
    assert left == []
