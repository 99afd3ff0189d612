"""Held's benchmark harness: real PostgreSQL, real Redis, gunicorn, and a floor measured in the same run.

A benchmark module (bench/bench_<area>.py) exposes `run(ctx: BenchContext, quick: bool) -> list[Result]`.
`bench/run.py` builds one `BenchContext` (its own database, a flushed Redis db, Django set up in this
process against that database), calls every module's `run` in turn, and prints one table. The API is
documented in bench/README.md.

Why a floor: absolute figures depend on the machine and on whatever else it is doing. Measuring the page
and a bare view behind the same middleware stack, interleaved, in one run and against one server, gives a
ratio that means the same thing on a laptop and on a busy 2-core CI box.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.crypto import WriterCipher
    from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
LOG_DIR = ROOT / "var" / "bench"
FLOOR_PATH = "/bench/floor/"
DEFAULT_PASSWORD = "a quiet bench room 42"


class Skip(Exception):  # noqa: N818 (it is a signal, not an error)
    """Raise from a benchmark's `run` when what it measures does not exist yet; the table says why."""


# --- results --------------------------------------------------------------------------------------


@dataclass
class Result:
    """One row of the table.

    With a `floor`, the compared figure is `ratio = value / floor`; without one, it is `value` itself.
    `higher_is_better` says which side of `target` passes: throughput ratios want to be high, times and
    memory want to be low. Errors seen while measuring make the row short whatever the figures say.
    """

    name: str
    value: float
    target: float
    unit: str = ""
    floor: float | None = None
    higher_is_better: bool = True
    errors: int = 0
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None:
            return None
        return self.value / self.floor if self.floor else float("inf")

    @property
    def compared(self) -> float:
        ratio = self.ratio
        return self.value if ratio is None else ratio

    @property
    def passed(self) -> bool:
        if self.errors:
            return False
        if self.higher_is_better:
            return self.compared >= self.target
        return self.compared <= self.target

    @property
    def target_text(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        if self.floor is None:
            return f"{sign} {_figure(self.target)} {self.unit}".rstrip()
        return f"{sign} {self.target:.2f}x"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, passed=self.passed, target_text=self.target_text)
        return data

    # Constructors for the common shapes, so every bench script reads the same way.

    @classmethod
    def throughput(cls, name: str, comparison: Comparison, *, at_least: float, note: str = "") -> Result:
        """Requests per second of a page against the floor's: the ratio must reach `at_least`."""
        return cls(
            name=name,
            value=comparison.target.rps,
            floor=comparison.floor.rps,
            unit="req/s",
            target=at_least,
            errors=comparison.target.errors + comparison.floor.errors,
            note=note,
            details=comparison.as_dict(),
        )

    @classmethod
    def at_most(
        cls,
        name: str,
        value: float,
        *,
        limit: float,
        unit: str,
        floor: float | None = None,
        errors: int = 0,
        note: str = "",
        details: dict[str, Any] | None = None,
    ) -> Result:
        """A figure that must stay under `limit` (a time, a memory growth), or, with a floor, a ratio that must."""
        return cls(
            name=name,
            value=value,
            floor=floor,
            unit=unit,
            target=limit,
            higher_is_better=False,
            errors=errors,
            note=note,
            details=details or {},
        )

    @classmethod
    def at_least(
        cls,
        name: str,
        value: float,
        *,
        limit: float,
        unit: str,
        floor: float | None = None,
        errors: int = 0,
        note: str = "",
        details: dict[str, Any] | None = None,
    ) -> Result:
        return cls(
            name=name,
            value=value,
            floor=floor,
            unit=unit,
            target=limit,
            errors=errors,
            note=note,
            details=details or {},
        )


def _figure(number: float) -> str:
    if number == 0:
        return "0"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    if abs(number) >= 10:
        return f"{number:.1f}"
    return f"{number:.3g}" if abs(number) < 1 else f"{number:.2f}"


# --- measuring HTTP -------------------------------------------------------------------------------


@dataclass
class Measurement:
    """What N concurrent clients saw when asking for one path for a while."""

    path: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    # Throughput of each interleaved slice, when this measurement was made of several (see compare()).
    slice_rps: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        """Requests per second: the median slice when there are slices (robust to a neighbour's burst)."""
        if self.slice_rps:
            return statistics.median(self.slice_rps)
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        return self.percentile(0.95)

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99)

    def merged(self, other: Measurement) -> Measurement:
        statuses = Counter(self.statuses)
        statuses.update(other.statuses)
        return Measurement(
            path=self.path,
            requests=self.requests + other.requests,
            errors=self.errors + other.errors,
            seconds=self.seconds + other.seconds,
            latencies_ms=self.latencies_ms + other.latencies_ms,
            statuses=dict(statuses),
            slice_rps=(self.slice_rps or [self.rps]) + (other.slice_rps or [other.rps]),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
        }

    def summary(self) -> str:
        return (
            f"{self.path}: {self.rps:.1f} req/s, p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms"
            f" ({self.requests} requests, {self.errors} errors)"
        )


@dataclass
class Comparison:
    """A page and the floor, measured interleaved against the same server."""

    target: Measurement
    floor: Measurement

    @property
    def ratio(self) -> float:
        return self.target.rps / self.floor.rps if self.floor.rps else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target.as_dict(), "floor": self.floor.as_dict(), "ratio": round(self.ratio, 3)}


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _request(
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str],
    body: bytes | None = None,
    timeout: float = 30.0,
    source_address: str | None = None,
) -> Response:
    # A new connection per request: gunicorn's sync workers close every connection anyway.
    connection = http.client.HTTPConnection(
        host, port, timeout=timeout, source_address=(source_address, 0) if source_address else None
    )
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def load(
    base_url: str,
    path: str,
    *,
    cookie: str = "",
    concurrency: int = 4,
    seconds: float = 3.0,
    expect: tuple[int, ...] = (200,),
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Measurement:
    """`concurrency` threads ask for `path` as fast as they can for `seconds`; every answer is timed.

    Any status outside `expect` (or a connection failure) counts as an error, and is kept out of the
    throughput: a page that fails fast must not look fast.
    """
    parsed = urllib.parse.urlsplit(base_url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    request_headers = {"Host": f"{host}:{port}", "User-Agent": "held-bench", **(headers or {})}
    if cookie:
        request_headers["Cookie"] = cookie
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    lock = threading.Lock()
    start_gate = threading.Barrier(concurrency + 1)
    deadline = 0.0

    def worker() -> None:
        nonlocal errors
        local_latencies: list[float] = []
        local_statuses: Counter[int] = Counter()
        local_errors = 0
        start_gate.wait()
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                response = _request(host, port, method, path, headers=request_headers, body=body)
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
            elapsed_ms = (time.perf_counter() - began) * 1000
            local_statuses[status] += 1
            if status in expect:
                local_latencies.append(elapsed_ms)
            else:
                local_errors += 1
        with lock:
            latencies.extend(local_latencies)
            statuses.update(local_statuses)
            errors += local_errors

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    # The clock stops when the last in-flight request has come back, not at the deadline.
    elapsed = time.perf_counter() - began
    return Measurement(
        path=path,
        requests=len(latencies),
        errors=errors,
        seconds=elapsed,
        latencies_ms=latencies,
        statuses=dict(statuses),
    )


# --- reading forms like a browser ------------------------------------------------------------------


class Form:
    def __init__(self, action: str, method: str) -> None:
        self.action = action
        self.method = method.lower()
        self.fields: dict[str, list[str]] = {}
        self.choices: dict[str, list[str]] = {}
        self.buttons: list[str] = []
        self.text = ""


class FormParser(HTMLParser):
    """Just enough of a browser's form handling: hidden and filled inputs, checked boxes, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get"))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attributes.get("name", "")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(attributes.get("value", "on"))
                if "checked" in attributes:
                    form.fields.setdefault(name, []).append(attributes.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                form.fields[name] = [attributes.get("value", "")]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            form.choices.setdefault(self._select, []).append(attributes.get("value", ""))
            if "selected" in attributes or self._select not in form.fields:
                form.fields[self._select] = [attributes.get("value", "")]
        elif tag == "textarea" and name:
            form.fields.setdefault(name, [""])
        elif tag == "button":
            self._button = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "button":
            self._button = False

    def handle_data(self, data: str) -> None:
        if self._form is not None:
            self._form.text += data
            if self._button and data.strip():
                self._form.buttons.append(data.strip())


def forms_in(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


# --- a logged-in HTTP client ----------------------------------------------------------------------


class HttpClient:
    """A tiny cookie-keeping client for seeding through the real app or checking a response by hand.

    POSTs carry a CSRF token the way a browser would (cookie plus header or form field); Django accepts a
    32-character secret chosen by the client, so no page has to be fetched first.
    """

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, *, source_address: str = "") -> None:
        """`source_address` (e.g. 127.0.0.5) makes this client a different visitor to per-address rate limits."""
        parsed = urllib.parse.urlsplit(base_url)
        self.source_address = source_address
        self.base_url = base_url
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 80
        self.cookies: dict[str, str] = dict(cookies or {})

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        request_headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "held-bench", **(headers or {})}
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            request_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if self.cookies:
            request_headers["Cookie"] = self.cookie_header
        response = _request(
            self.host, self.port, method, path, headers=request_headers, body=body, source_address=self.source_address
        )
        for raw in response.headers.get_all("Set-Cookie") or []:
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(raw)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def csrf_token(self) -> str:
        token = self.cookies.get("csrftoken")
        if not token or len(token) not in (32, 64):
            token = secrets.token_hex(16)
            self.cookies["csrftoken"] = token
        return token

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Response:
        token = self.csrf_token()
        headers = {"X-CSRFToken": token, **kwargs.pop("headers", {})}
        return self.request("POST", path, data={"csrfmiddlewaretoken": token, **(data or {})}, headers=headers)

    def submit(self, form: Form, *, page_path: str, values: dict[str, list[str]] | None = None) -> Response:
        """Send a form read from a page (see `forms_in`) as a browser would, with `values` changed."""
        data: dict[str, Any] = {name: list(value) for name, value in form.fields.items()}
        data.update(values or {})
        action = form.action or page_path
        if form.method == "post":
            return self.post(action, data)
        return self.get(action + "?" + urllib.parse.urlencode(data, doseq=True))

    def login(self, email: str, password: str = DEFAULT_PASSWORD) -> Response:
        """Log in through allauth's real form; raises if it did not take (a 200 is the form again)."""
        response = self.post("/accounts/login/", {"login": email, "password": password})
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {email} failed with HTTP {response.status}")
        return response


# --- processes and memory -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _proc_status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def rss_mb(pid: int) -> float:
    """Resident memory of a process right now, in MB."""
    return _proc_status_kb(pid, "VmRSS") / 1024


class PeakRss:
    """Peak resident-memory growth of some processes while the `with` block runs, in MB.

    Resets the kernel's high-water mark (/proc/PID/clear_refs) at the start when allowed, and samples
    every few milliseconds as well, so a short spike is not missed either way. `growth_mb` is the largest
    growth of any one process (a request is served by one gunicorn worker).
    """

    def __init__(self, pids: list[int], interval: float = 0.005) -> None:
        self.pids = pids
        self.interval = interval
        self.baseline: dict[int, float] = {}
        self.peak: dict[int, float] = {}
        self._hwm_reset: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                with contextlib.suppress(OSError):
                    self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mb(pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        for pid in self.pids:
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
                self._hwm_reset.add(pid)
            self.baseline[pid] = rss_mb(pid)
            self.peak[pid] = self.baseline[pid]
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for pid in self._hwm_reset:
            with contextlib.suppress(OSError):
                self.peak[pid] = max(self.peak[pid], _proc_status_kb(pid, "VmHWM") / 1024)

    @property
    def growth_mb(self) -> float:
        return max((self.peak[pid] - self.baseline[pid] for pid in self.baseline), default=0.0)


def run_with_peak_rss(args: list[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[int, float]:
    """Run a command to completion; return its exit code and its peak resident memory in MB (from wait4)."""
    process = subprocess.Popen(args, env=env, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def tracemalloc_peak[T](function: Callable[[], T]) -> tuple[T, float]:
    """Call `function`; return its result and the peak Python-heap growth during the call, in MB."""
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not already:
            tracemalloc.stop()
    return result, (peak - before) / (1024 * 1024)


@dataclass
class Timing:
    """Wall-clock seconds of repeated calls of one function."""

    seconds: list[float]

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_call(function: Callable[[], object], *, repeat: int = 3, warmup: int = 1) -> Timing:
    """Time `function` `repeat` times after `warmup` untimed calls (for sweeps, COPY, exports ...)."""
    for _ in range(warmup):
        function()
    seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - began)
    return Timing(seconds)


class Server:
    """One gunicorn serving Held against the bench database, on a free port."""

    def __init__(self, env: dict[str, str], *, workers: int, name: str = "gunicorn", threads: int = 1) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}-{self.port}.log"
        args = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--no-control-socket",
            "--backlog",
            "256",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                response = _request("127.0.0.1", self.port, "GET", "/healthz", headers={"Host": "127.0.0.1"})
                if response.status == 200 and len(self.worker_pids()) >= self.workers:
                    # One request per worker warms its imports and its database connection.
                    for _ in range(self.workers * 2):
                        _request("127.0.0.1", self.port, "GET", "/healthz", headers={"Host": "127.0.0.1"})
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The pids of gunicorn's worker processes (children of the arbiter)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the context every benchmark receives ---------------------------------------------------------


def _bench_keys() -> str:
    """A key-encryption key for this run only (the database is created and dropped with it)."""
    return "bench1:" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def default_redis_url() -> str:
    """The Redis db the bench uses, and flushes: HELD_BENCH_REDIS, else a local CELERY_BROKER_URL, else db 9.

    A local CELERY_BROKER_URL is each engineer's own test db on a shared machine; a remote one is never
    taken (it could be a real broker).
    """
    if os.environ.get("HELD_BENCH_REDIS"):
        return os.environ["HELD_BENCH_REDIS"]
    broker = os.environ.get("CELERY_BROKER_URL", "")
    host = urllib.parse.urlsplit(broker).hostname if broker.startswith("redis://") else None
    if host in ("127.0.0.1", "localhost"):
        return broker
    return "redis://127.0.0.1:6379/9"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class BenchContext:
    """Everything a benchmark needs: the database, Django in this process, a server, clients, timers.

    Settings come from arguments, then `HELD_BENCH_*` environment variables, then defaults that suit a
    2-core machine. Use it as a context manager (or call `setup()` and `close()`).
    """

    def __init__(
        self,
        *,
        quick: bool = False,
        database: str | None = None,
        redis_url: str | None = None,
        postgres_url: str | None = None,
        workers: int | None = None,
        concurrency: int | None = None,
        seconds: float | None = None,
        slices: int | None = None,
        keep_database: bool = False,
        verbose: bool = True,
    ) -> None:
        self.quick = quick
        # Engineers sharing a machine each have a test suffix: their bench database gets it too, so two
        # runs never drop each other's database.
        self.database = database or os.environ.get("HELD_BENCH_DB", "held_bench" + os.environ.get("HELD_TEST_DB", ""))
        self.postgres_url = postgres_url or os.environ.get("HELD_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        self.redis_url = redis_url or default_redis_url()
        self.workers = workers or _env_int("HELD_BENCH_WORKERS", 2)
        self.concurrency = concurrency or _env_int("HELD_BENCH_CONCURRENCY", 4)
        # Seconds of load on each side of a comparison, cut into interleaved slices.
        self.seconds = seconds or _env_float("HELD_BENCH_SECONDS", 1.5 if quick else 10.0)
        self.slices = slices or _env_int("HELD_BENCH_SLICES", 4 if quick else 10)
        self.keep_database = keep_database
        self.verbose = verbose
        self._server: Server | None = None
        self._servers: list[Server] = []
        self._processes: list[subprocess.Popen] = []
        self._log_paths: dict[int, Path] = {}
        self._password_hashes: dict[str, str] = {}
        self._writer_count = 0
        redis_location = self.redis_url.split("://", 1)[1]
        self.env: dict[str, str] = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40),
            "HELD_KEYS": _bench_keys(),
            "DATABASE_URL": f"{self.postgres_url}/{self.database}",
            "CELERY_BROKER_URL": self.redis_url,
            "CACHE_URL": f"rediscache://{redis_location}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "HELD_BENCH_FLOOR": "true",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "LOG_LEVEL": os.environ.get("HELD_BENCH_LOG_LEVEL", "WARNING"),
            "OUTBOX_DIR": str(LOG_DIR / "outbox"),
            # Same as production: persistent, health-checked connections.
            "CONN_MAX_AGE": "60",
        }
        self.env.pop("SMTP_HOST", None)

    # lifecycle

    def __enter__(self) -> BenchContext:
        try:
            self.setup()
        except BaseException:
            # __exit__ will not run: drop what setup made before giving up.
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def say(self, message: str) -> None:
        if self.verbose:
            print(f"  . {message}", flush=True)

    def setup(self) -> None:
        """Create the bench database, set Django up here against it, migrate, and empty the Redis db."""
        began = time.perf_counter()
        self._recreate_database()
        os.environ.update(self.env)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        self.flush_redis()
        self.say(f"database {self.database} migrated in {time.perf_counter() - began:.1f} s")

    def _admin_connection(self) -> Any:
        import psycopg

        return psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True)

    def _recreate_database(self) -> None:
        from psycopg import sql

        with self._admin_connection() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    def close(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self._processes.clear()
        for server in self._servers:
            server.stop()
        self._servers.clear()
        self._server = None
        if "django" in sys.modules:
            from django.db import connections

            with contextlib.suppress(Exception):  # Django may not have got as far as settings
                connections.close_all()
        if not self.keep_database:
            from psycopg import sql

            # Helper processes may still be closing their connections; FORCE ends them.

            with self._admin_connection() as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database))
                )

    def reset(self) -> None:
        """Empty every table and the Redis db, so one benchmark's rows never slow the next one."""
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        self.flush_redis()
        self._writer_count = 0

    def flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    # sizes

    def size(self, name: str, *, full: int, quick: int) -> int:
        """A data size: `HELD_BENCH_<NAME>` when set, else `quick` or `full` by the run's mode."""
        override = os.environ.get(f"HELD_BENCH_{name.upper()}")
        if override:
            return int(override)
        return quick if self.quick else full

    # servers and processes

    @property
    def server(self) -> Server:
        """The shared gunicorn (started on first use, `workers` sync workers)."""
        if self._server is None or self._server.process.poll() is not None:
            self._server = self.start_server()
        return self._server

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def start_server(self, *, workers: int | None = None, extra_env: dict[str, str] | None = None) -> Server:
        """Another gunicorn (e.g. 3 workers, or different settings); stopped by `close()` or `server.stop()`."""
        began = time.perf_counter()
        server = Server({**self.env, **(extra_env or {})}, workers=workers or self.workers)
        self._servers.append(server)
        took = time.perf_counter() - began
        self.say(f"gunicorn with {server.workers} workers up on {server.base_url} in {took:.1f} s")
        return server

    def spawn(
        self,
        args: list[str],
        *,
        extra_env: dict[str, str] | None = None,
        log_name: str,
        new_session: bool = False,
    ) -> subprocess.Popen:
        """A helper process (a Celery worker, an SMTP sink ...) with the bench environment; ended by `close()`.

        `new_session=True` puts it in a process group of its own, so `os.killpg(process.pid, signal.SIGKILL)`
        kills it and its children at once (a fault run killing a prefork worker).
        """
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        # The harness's pid keeps logs of runs by several people on one machine apart.
        log_path = LOG_DIR / f"{log_name}-{os.getpid()}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env={**self.env, **(extra_env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=new_session,
            )
        self._processes.append(process)
        self._log_paths[process.pid] = log_path
        return process

    def log_path(self, process: subprocess.Popen) -> Path:
        """Where a process started with `spawn` (or `celery_worker`) writes its output."""
        return self._log_paths[process.pid]

    def celery_worker(
        self,
        *,
        concurrency: int = 1,
        extra_args: list[str] | None = None,
        extra_env: dict[str, str] | None = None,
        new_session: bool = False,
    ) -> subprocess.Popen:
        """A real Celery worker on the bench Redis and database (prefork, late acks as configured)."""
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--loglevel={self.env['LOG_LEVEL']}",
            "--without-mingle",
            "--without-gossip",
            f"--concurrency={concurrency}",
            "--hostname",
            f"bench-{os.getpid()}-{len(self._processes)}@%h",
            *(extra_args or []),
        ]
        return self.spawn(args, log_name=f"celery-{len(self._processes)}", extra_env=extra_env, new_session=new_session)

    # seeding

    def create_writer(self, email: str | None = None, *, password: str = DEFAULT_PASSWORD, **fields: Any) -> User:
        """A verified writer who can log in, with a data key ready; extra fields go to the User model."""
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from accounts.keyring import cipher_for
        from accounts.models import User

        self._writer_count += 1
        email = email or f"writer{self._writer_count}-{secrets.token_hex(3)}@bench.example.org"
        # Production hashing costs about half a second; hash each password once per run.
        if password not in self._password_hashes:
            self._password_hashes[password] = make_password(password)
        fields.setdefault("time_zone", "Europe/London")
        fields.setdefault("country", "GB")
        user = User.objects.create(email=email, password=self._password_hashes[password], **fields)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        cipher_for(user)
        return user

    def cipher(self, user: User) -> WriterCipher:
        from accounts.keyring import cipher_for

        return cipher_for(user)

    def session_cookie(self, user: User) -> str:
        """A `Cookie:` header value for a signed-in session of `user`, made the way Django's login makes it."""
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    def client(self, user: User | None = None, *, server: Server | None = None) -> HttpClient:
        """An HttpClient against the shared server (or `server`), signed in as `user` when given."""
        client = HttpClient((server or self.server).base_url)
        if user is not None:
            name, _, value = self.session_cookie(user).partition("=")
            client.cookies[name] = value
        return client

    # measuring

    def measure(
        self,
        path: str,
        *,
        cookie: str = "",
        seconds: float | None = None,
        concurrency: int | None = None,
        expect: tuple[int, ...] = (200,),
        server: Server | None = None,
    ) -> Measurement:
        """Throughput and latency of one path, with `concurrency` clients for `seconds`."""
        return load(
            (server or self.server).base_url,
            path,
            cookie=cookie,
            concurrency=concurrency or self.concurrency,
            seconds=seconds or self.seconds,
            expect=expect,
        )

    def compare(
        self,
        path: str,
        *,
        cookie: str,
        floor_path: str = FLOOR_PATH,
        floor_cookie: str | None = None,
        seconds: float | None = None,
        slices: int | None = None,
        concurrency: int | None = None,
        expect: tuple[int, ...] = (200,),
        server: Server | None = None,
    ) -> Comparison:
        """A page against the floor: `seconds` of load on each, cut into `slices` interleaved slices.

        Slices alternate (floor, page, page, floor, ...) so a machine warming up or slowing down favours
        neither side, and each side's throughput is the median of its slices, so a burst of someone else's
        work on a shared machine moves one slice, not the ratio. Both are warmed first, untimed.
        """
        server = server or self.server
        floor_cookie = cookie if floor_cookie is None else floor_cookie
        concurrency = concurrency or self.concurrency
        seconds = seconds or self.seconds
        slices = slices or self.slices
        slice_seconds = seconds / slices
        warmup = min(0.3 if self.quick else 1.0, slice_seconds)
        load(server.base_url, floor_path, cookie=floor_cookie, concurrency=concurrency, seconds=warmup, expect=expect)
        load(server.base_url, path, cookie=cookie, concurrency=concurrency, seconds=warmup, expect=expect)
        target: Measurement | None = None
        floor: Measurement | None = None
        for slice_number in range(slices):
            order = [("floor", floor_path, floor_cookie), ("target", path, cookie)]
            if slice_number % 2:
                order.reverse()
            for side, side_path, side_cookie in order:
                measured = load(
                    server.base_url,
                    side_path,
                    cookie=side_cookie,
                    concurrency=concurrency,
                    seconds=slice_seconds,
                    expect=expect,
                )
                if side == "floor":
                    floor = measured if floor is None else floor.merged(measured)
                else:
                    target = measured if target is None else target.merged(measured)
        assert target is not None
        assert floor is not None
        comparison = Comparison(target=target, floor=floor)
        self.say(f"{target.summary()}")
        self.say(f"{floor.summary()}  -> ratio {comparison.ratio:.2f}")
        return comparison

    # describing the run

    def machine(self) -> dict[str, Any]:
        """Where the figures came from, for results.json and the README."""
        cpu_model = ""
        with contextlib.suppress(OSError):
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
        memory_mb = 0
        with contextlib.suppress(OSError, ValueError, IndexError):
            memory_mb = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
        postgres = ""
        with contextlib.suppress(Exception), self._admin_connection() as connection:
            postgres = connection.execute("SHOW server_version").fetchone()[0]
        redis_version = ""
        with contextlib.suppress(Exception):
            import redis

            redis_version = redis.Redis.from_url(self.redis_url).info("server")["redis_version"]
        commit = ""
        with contextlib.suppress(Exception):
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
            ).stdout.strip()
        return {
            "host": hashlib.sha256(platform.node().encode()).hexdigest()[:8],
            "cpu": cpu_model,
            "cpus": os.cpu_count(),
            "memory_mb": memory_mb,
            "python": platform.python_version(),
            "postgresql": postgres,
            "redis": redis_version,
            "commit": commit,
            # Other work on the machine while this ran; high figures make every absolute number suspect.
            "load_average": [round(figure, 2) for figure in os.getloadavg()],
            "gunicorn_workers": self.workers,
            "concurrency": self.concurrency,
            "seconds_per_side": self.seconds,
            "slices": self.slices,
        }


def write_results(path: Path, *, results: list[Result], failures: list[dict[str, str]], context: BenchContext) -> None:
    document = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": context.quick,
        "machine": context.machine(),
        "results": [result.as_dict() for result in results],
        "not_run": failures,
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")


@contextlib.contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """`with stopwatch() as elapsed: ...; elapsed()` gives seconds since the block began."""
    began = time.perf_counter()
    yield lambda: time.perf_counter() - began
