"""Steady traffic from signed-in writers during a fault: reading, writing, logging contacts, changing settings.

Every request is recorded with its time and outcome, so a fault run can say which failed, when, and whether
anything failed outside the moment the fault was in force.
"""

from __future__ import annotations

import datetime
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bench.harness import DEFAULT_PASSWORD, HttpClient, Response, forms_in

PERSON_LINK = re.compile(r'href="/people/(\d+)/"')


@dataclass
class Outcome:
    at: float  # time.monotonic()
    action: str
    status: int  # 0: no answer at all
    ok: bool


@dataclass
class Traffic:
    """`writers` (email addresses of seeded writers) each drive one thread until `stop()`."""

    base_url: str
    writers: list[str]
    sign_in_again: bool = True
    pause: float = 0.2
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        # Each writer comes from a loopback address of its own, as people on their own devices would, so the
        # per-address login limit counts each of them and not all of them together.
        self._threads = [
            threading.Thread(target=self._drive, args=(email, f"127.0.0.{number + 2}"), daemon=True)
            for number, email in enumerate(self.writers)
        ]

    def start(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _record(self, action: str, status: int, expected: tuple[int, ...]) -> bool:
        ok = status in expected
        with self._lock:
            self.outcomes.append(Outcome(time.monotonic(), action, status, ok))
        return ok

    def _call(self, action: str, expected: tuple[int, ...], send: Callable[[], Response]) -> str | None:
        """Make one request; record it; return the page when it is what a writer expects, else None."""
        try:
            response = send()
        except OSError:
            self._record(action, 0, expected)
            return None
        return response.text if self._record(action, response.status, expected) else None

    def _drive(self, email: str, address: str) -> None:
        client = HttpClient(self.base_url, source_address=address)
        signed_in = False
        person_ids: list[int] = []
        step = 0
        while not self._stop.is_set():
            step += 1
            credentials = {"login": email, "password": DEFAULT_PASSWORD}
            if not signed_in:
                answered = self._call("sign in", (302,), partial(client.post, "/accounts/login/", credentials))
                signed_in = answered is not None and "sessionid" in client.cookies
                if not signed_in:
                    self._stop.wait(self.pause * 5)
                    continue
            elif self.sign_in_again and step % 12 == 0:
                # The same writer signing in on another device: this session carries on whatever happens.
                other_device = HttpClient(self.base_url, source_address=address)
                self._call("sign in", (302,), partial(other_device.post, "/accounts/login/", credentials))
            choice = step % 6
            if choice == 0:
                self._call("read /journal/", (200,), partial(client.get, "/journal/"))
            elif choice == 1:
                yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
                entry = {"title": "A walk", "body": "We walked by the harbour.", "entry_date": yesterday, "mood": "4"}
                self._call("write an entry", (302,), partial(client.post, "/journal/new/", entry))
            elif choice == 2:
                page = self._call("read /people/", (200,), partial(client.get, "/people/"))
                person_ids = [int(found) for found in PERSON_LINK.findall(page or "")] or person_ids
            elif choice == 3 and person_ids:
                path = f"/people/{random.choice(person_ids)}/"
                page = self._call("read a person", (200,), partial(client.get, path))
                forms = [form for form in forms_in(page or "") if form.action.endswith("/reached-out/")]
                if forms:
                    self._call("log a contact", (302, 303), partial(client.submit, forms[0], page_path=path))
            elif choice == 4:
                path = "/settings/reminders/"
                page = self._call("read /settings/reminders/", (200,), partial(client.get, path))
                forms = [form for form in forms_in(page or "") if "every_days" in form.fields]
                if forms:
                    values = {"every_days": [random.choice(["2", "3"])]}
                    submit = partial(client.submit, forms[0], page_path=path, values=values)
                    self._call("change reminder settings", (302, 303), submit)
            else:
                self._call("read home", (200,), partial(client.get, "/"))
            self._stop.wait(self.pause)

    # reading the outcomes

    def _rows(self, between: tuple[float, float] | None, actions: set[str] | None, exclude: set[str]) -> list[Outcome]:
        with self._lock:
            rows = list(self.outcomes)
        if between is not None:
            rows = [row for row in rows if between[0] <= row.at <= between[1]]
        if actions is not None:
            rows = [row for row in rows if row.action in actions]
        return [row for row in rows if row.action not in exclude]

    def failures(
        self,
        *,
        between: tuple[float, float] | None = None,
        actions: set[str] | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> list[Outcome]:
        return [row for row in self._rows(between, actions, set(exclude)) if not row.ok]

    def count(
        self,
        *,
        between: tuple[float, float] | None = None,
        actions: set[str] | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> int:
        return len(self._rows(between, actions, set(exclude)))

    def summary(self, rows: list[Outcome]) -> str:
        counted = Counter((row.action, row.status) for row in rows)
        return ", ".join(f"{action} -> {status or 'no answer'} x{n}" for (action, status), n in counted.most_common())

    def actions_seen(self) -> set[str]:
        with self._lock:
            return {row.action for row in self.outcomes if row.ok}
