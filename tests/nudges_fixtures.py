"""Helpers for reminder tests: due circles, a worker we can kill, a Redis we can stop, SMTP that misbehaves."""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

from django.db import connection

from accounts.models import User
from connections.models import Person
from connections.nudges.models import Nudge, ReminderSettings
from tests.conftest import free_port
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


def make_person(owner: User, name: str, *, every_days: int = 7, quiet_days: int = 30, now: datetime) -> Person:
    """Someone in the circle, last in touch `quiet_days` ago, hoped for every `every_days`."""
    person = Person.objects.create(owner=owner, name=name, ideal_every_days=every_days)
    Person.objects.filter(pk=person.pk).update(
        created_at=now - timedelta(days=400), last_contact_at=now - timedelta(days=quiet_days)
    )
    person.refresh_from_db()
    return person


def due_writer(
    email: str, *, now: datetime, time_zone: str = "Europe/London", names: tuple[str, ...] = ("Sam",), **reminders
) -> User:
    """A writer whose circle is overdue, with reminders on and their schedule computed for `now`."""
    from connections.nudges.services import reminders_reschedule

    writer = UserFactory(email=email, time_zone=time_zone)
    ReminderSettings.objects.update_or_create(writer=writer, defaults=reminders)
    for name in names:
        make_person(writer, name, now=now)
    reminders_reschedule(user_id=writer.pk, now=now)
    return writer


def make_due_now(writer: User, now: datetime) -> None:
    """Move the writer's next reminder to `now`, as if their window had just opened."""
    ReminderSettings.objects.filter(writer=writer).update(next_nudge_at=now, last_nudged_at=None)


def all_day_window() -> dict:
    from datetime import time

    return {"window_start": time(0, 0), "window_end": time(23, 59)}


# --- SMTP servers that behave as a test needs --------------------------------------------------------------


@dataclass
class ScriptedSmtp:
    """A real aiosmtpd server whose answers to DATA follow a script ("451", "550", "250"; then 250 for ever).

    `block_data` makes it hold every DATA until released (or the client is killed), to catch a worker mid-send.
    `refuse_mail_with` and `refuse_rcpt_with` answer every MAIL FROM or RCPT TO with that reply instead.
    """

    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    script: list[str] = field(default_factory=list)
    received: list[Message] = field(default_factory=list)
    attempts: int = 0
    block_data: bool = False
    data_started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    refuse_mail_with: str = ""
    refuse_rcpt_with: str = ""

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:  # noqa: N802
        if self.refuse_mail_with:
            return self.refuse_mail_with
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if self.refuse_rcpt_with:
            return self.refuse_rcpt_with
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.attempts += 1
        answer = self.script.pop(0) if self.script else "250"
        if answer.startswith("4"):
            return "451 4.3.0 Try again later"
        if answer.startswith("5"):
            return "550 5.1.1 No such mailbox"
        # The whole message has arrived: a server would deliver it now, whatever happens to the client.
        self.received.append(message_from_bytes(envelope.original_content, policy=default_policy))
        if self.block_data:
            self.data_started.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)


@contextmanager
def running_smtp(server: ScriptedSmtp) -> Iterator[ScriptedSmtp]:
    from aiosmtpd.controller import Controller

    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        server.release.set()
        controller.stop()


@contextmanager
def silent_listener() -> Iterator[tuple[int, threading.Event]]:
    """A TCP port that accepts connections and never greets: an SMTP client waits there, not yet connected."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            accepted.set()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        listener.close()
        for conn in held:
            conn.close()


# --- a worker process we control ---------------------------------------------------------------------------


def start_worker(
    *, broker_url: str, smtp_port: int, name: str, retry_base_seconds: int = 1, smtp_timeout: int = 5
) -> subprocess.Popen:
    """A real `celery worker` (solo pool) on the test database, sending through SMTP on `smtp_port`."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.nudges_worker_settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_USE_TLS": "false",
        "SMTP_TIMEOUT": str(smtp_timeout),
        "NUDGE_RETRY_BASE_SECONDS": str(retry_base_seconds),
    }
    log_path = ROOT / "test-artifacts" / f"nudges-worker-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-Q",
                "celery",
                "--hostname",
                f"nudges-{name}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def kill_worker(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_until(condition: Callable[[], object], *, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def statuses(*nudges: Nudge) -> list[str]:
    return [Nudge.objects.get(pk=nudge.pk).status for nudge in nudges]


# --- a Redis of our own, to stop and start -----------------------------------------------------------------


@dataclass
class OwnRedis:
    """A redis-server on a free port that this test may stop and start (never the shared one)."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what="redis-server to answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                probe.sendall(b"PING\r\n")
                return probe.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def celery_publishing_to(broker_url: str) -> Iterator[None]:
    """Point this process's Celery producer at another broker (the worker gets the same URL)."""
    from config.celery import app

    def reconnect(url: str) -> None:
        # The environment's CELERY_BROKER_URL wins over broker_url; the write URL is read first of all.
        app.conf.broker_write_url = url
        # The connection and producer pools were made for the old URL.
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_write_url
    reconnect(broker_url)
    try:
        yield
    finally:
        reconnect(previous)


def flush_broker(broker_url: str) -> None:
    import redis

    redis.Redis.from_url(broker_url).flushdb()


def smtp_mailer(port: int, *, timeout: int = 5) -> dict:
    """A MAILERS setting for this process that sends to a local SMTP server."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": timeout},
        }
    }
