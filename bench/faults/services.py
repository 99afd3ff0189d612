"""Private PostgreSQL, Redis and SMTP servers for fault runs, so stopping one never touches anyone else's.

The machine's own PostgreSQL and Redis serve every test run on it; a fault run that stopped them would break
those. Each fault run starts its own, on free ports, under var/bench/faults/, and removes them at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

from bench.harness import LOG_DIR, free_port

FAULTS_DIR = LOG_DIR / "faults"
POSTGRES_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _wait_for_port(port: int, *, up: bool, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            is_up = probe.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not go {'up' if up else 'down'} within {timeout:.0f} s")


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; the cluster belongs to the postgres user, as the machine's own does.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivatePostgres:
    """A throwaway PostgreSQL cluster (trust auth, user postgres) on a free port."""

    def __init__(self) -> None:
        if not POSTGRES_BIN_CANDIDATES:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        self.bin = POSTGRES_BIN_CANDIDATES[0]
        self.port = free_port()
        self.directory = FAULTS_DIR / f"postgres-{os.getpid()}-{self.port}"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.directory / "data"), *args]),
            check=True,
            capture_output=True,
        )

    def create(self) -> PrivatePostgres:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.directory / "data"), "-U", "postgres", "--auth=trust"]
            ),
            check=True,
            capture_output=True,
        )
        self.start()
        return self

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.directory / "server.log"), "-w", "start")
        _wait_for_port(self.port, up=True)

    def restart(self) -> None:
        """A fast restart: every connection is cut, as after a crash or a failover."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.directory / "server.log"), "-m", "fast", "-w", "restart")
        _wait_for_port(self.port, up=True)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """A redis-server of our own (nothing kept on disk), which can be stopped and started on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.log_path = FAULTS_DIR / f"redis-{os.getpid()}-{self.port}.log"

    def start(self) -> PrivateRedis:
        FAULTS_DIR.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    shutil.which("redis-server") or "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_for_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        _wait_for_port(self.port, up=False)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) in this process, counting what it receives; it can go down and up."""

    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    # Seconds to hold each DATA before answering: a slow mail server, so a worker can be killed mid-send.
    data_delay: float = 0.0
    received: list[Message] = field(default_factory=list)
    data_started: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._controller = None
        self._lock = threading.Lock()

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
                sink.data_started.set()
                if sink.data_delay:
                    await asyncio.sleep(sink.data_delay)
                with sink._lock:
                    sink.received.append(message_from_bytes(envelope.original_content, policy=default_policy))
                return "250 Message accepted for delivery"

        self._controller = Controller(Handler(), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(message["Message-ID"]) for message in self.received]

    def recipients(self) -> list[str]:
        with self._lock:
            return [str(message["To"]) for message in self.received]
