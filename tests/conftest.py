"""Shared fixtures: personas, a real Celery worker, a real SMTP server and a real browser."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, UserFactory

# Playwright's sync API runs an event loop in the test thread; live_server views are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # allauth's rate limits live in the cache; one test's failed logins must not lock out the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def writer(db):
    return UserFactory(email="writer@example.org")


@pytest.fixture
def stranger(db):
    return UserFactory(email="stranger@example.org")


@pytest.fixture
def practitioner(db):
    return UserFactory(email="dr.k@example.org")


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a real SMTP server -------------------------------------------------------------------------


@dataclass
class SmtpSink:
    host: str
    port: int
    received: list[Message] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)


class _CollectingHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.sink.received.append(message_from_bytes(envelope.original_content, policy=default_policy))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    """A real aiosmtpd server on a free port, with Held's default mailer pointed at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=free_port())
    controller = Controller(_CollectingHandler(sink), hostname=sink.host, port=sink.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": sink.host, "port": sink.port, "use_tls": False, "timeout": 5},
        }
    }
    try:
        yield sink
    finally:
        controller.stop()


# --- a real Celery worker -----------------------------------------------------------------------


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[subprocess.Popen]:
    """A separate `celery worker` process on real Redis, reading the test database."""
    import redis
    from django.conf import settings
    from django.db import connection

    broker_url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(broker_url).flushdb()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": broker_url,
    }
    log_path = ROOT / "test-artifacts" / "celery-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
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
                "--hostname",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# --- a real browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot():
    """Save a full-page PNG under test-artifacts/screenshots/ at phone and desktop widths, light and dark."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> list[Path]:
        paths = []
        original = page.viewport_size
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for width in (360, 1280):
                page.set_viewport_size({"width": width, "height": 800})
                path = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
                page.screenshot(path=str(path), full_page=True)
                paths.append(path)
        page.emulate_media(color_scheme="light")
        if original:
            page.set_viewport_size(original)
        return paths

    return take
