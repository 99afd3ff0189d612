"""Held under load: simulated writers signing in, writing, browsing, searching and logging contacts.

Run it with `bench/load.py` (seeds the writers, starts gunicorn, a Celery worker and beat, runs locust
headless and prints p50/p95 per endpoint). By hand, against a server you started:

    HELD_LOAD_WRITERS=var/bench/load-writers.json .venv/bin/locust -f bench/locustfile.py --headless \
        --users 50 --spawn-rate 5 --run-time 2m --host http://127.0.0.1:8000

HELD_LOAD_WRITERS is a JSON list of {"email", "password"} for verified writers who exist on that server.

Each simulated writer behaves like a person with a browser: it signs in through the real login form,
clicks what a page offers (the "I reached out" button on Reach out, the log form on a person's page),
sends the CSRF token the page gave it, and follows no redirect blindly: every answer is checked, and
anything a writer would notice (an error, a login page where a journal page should be) is a failure.

Each writer connects from its own loopback address (127.0.0.2, 127.0.0.3, ...), as 50 people would from
50 machines: allauth's login rate limit is per address, and it must stay on.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import sys
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from requests.adapters import HTTPAdapter

# locust puts bench/ on the path; the harness's form reader lives in the bench package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import Form, forms_in

WRITERS_FILE = Path(os.environ.get("HELD_LOAD_WRITERS", "var/bench/load-writers.json"))
# Words the seeded entries contain (bench/load.py) and the new ones will: searches find something.
SEARCH_WORDS = ["harbour", "walk", "sister", "tired", "garden", "work", "call", "kitchen", "rain", "laugh"]
TAGS = ["work", "family", "sleep", "friends", "health", "home"]
ENTRY_LINK = re.compile(r'href="/journal/(\d+)/"')
PERSON_LINK = re.compile(r'href="/people/(\d+)/"')
FEELING_VALUE = re.compile(r'name="feelings"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="feelings"')

_accounts_lock = threading.Lock()
_account_numbers = itertools.count()
# Which optional parts of the product this server has (other parts are built in parallel); checked once.
_routes: dict[str, bool] = {}
_routes_lock = threading.Lock()


def _load_accounts() -> list[dict[str, str]]:
    if not WRITERS_FILE.exists():
        raise SystemExit(f"{WRITERS_FILE} not found: run bench/load.py, or set HELD_LOAD_WRITERS")
    return json.loads(WRITERS_FILE.read_text())


ACCOUNTS = _load_accounts()


class SourceAddressAdapter(HTTPAdapter):
    """Connections from one fixed local address, so each simulated writer has an address of their own."""

    def __init__(self, address: str, **kwargs: Any) -> None:
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _sentence(words: int = 40) -> str:
    vocabulary = [*SEARCH_WORDS, "today", "felt", "quiet", "morning", "after", "we", "talked", "about", "the"]
    return " ".join(random.choice(vocabulary) for _ in range(words)).capitalize() + "."


class Writer(HttpUser):
    wait_time = between(1, 4)

    def on_start(self) -> None:
        with _accounts_lock:
            number = next(_account_numbers)
        self.account = ACCOUNTS[number % len(ACCOUNTS)]
        # 127.0.0.2 upwards; 127.0.0.1 stays the operators' own address.
        address = f"127.0.{number // 200}.{number % 200 + 2}"
        adapter = SourceAddressAdapter(address)
        self.client.mount("http://", adapter)
        self.entry_ids: list[int] = []
        self.person_ids: list[int] = []
        self.sign_in()
        self._discover_routes()

    # helpers

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _signed_in_get(self, path: str, name: str) -> str | None:
        """GET a page a signed-in writer should see: a redirect (to the login page) is a failure."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {path}")
                return None
            return response.text

    def _discover_routes(self) -> None:
        with _routes_lock:
            if _routes:
                return
            for path in ("/people/", "/reach-out/", "/help/"):
                response = self.client.get(path, name="(route check)", allow_redirects=False)
                _routes[path] = response.status_code == 200
            print("routes measured:", ", ".join(path for path, present in _routes.items() if present) or "none")
            missing = [path for path, present in _routes.items() if not present]
            if missing:
                print("routes not on this server yet (not measured):", ", ".join(missing))

    # signing in

    def sign_in(self) -> None:
        self.client.get("/accounts/login/", name="/accounts/login/ (form)")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.account["email"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": self._csrf(),
            },
            headers={"X-CSRFToken": self._csrf()},
            name="/accounts/login/ (sign in)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"sign-in refused: HTTP {response.status_code}")

    @task(1)
    def sign_out_and_in_again(self) -> None:
        with self.client.post(
            "/accounts/logout/",
            data={"csrfmiddlewaretoken": self._csrf()},
            name="/accounts/logout/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-out: HTTP {response.status_code}")
        self.sign_in()

    # writing

    @task(3)
    def write_an_entry(self) -> None:
        page = self._signed_in_get("/journal/new/", "/journal/new/ (page)")
        if page is None:
            return
        feelings = [a or b for a, b in FEELING_VALUE.findall(page)]
        # The page autosaves while the writer types, then the writer saves.
        title = f"A {random.choice(SEARCH_WORDS)} day"
        body = _sentence(random.randint(20, 120))
        draft_id = ""
        with self.client.post(
            "/journal/drafts/autosave/",
            data={"title": title, "body": body[: len(body) // 2], "csrfmiddlewaretoken": self._csrf()},
            headers={"X-CSRFToken": self._csrf()},
            name="/journal/drafts/autosave/",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"autosave: HTTP {response.status_code}")
            else:
                draft_id = str(response.json().get("draft", ""))
        yesterday = datetime.date.today() - datetime.timedelta(days=1)
        data = {
            "csrfmiddlewaretoken": self._csrf(),
            "title": title,
            "body": body,
            "entry_date": yesterday.isoformat(),
            "mood": str(random.randint(1, 5)),
            "tags": ", ".join(random.sample(TAGS, 2)),
            "feelings": random.sample(feelings, min(2, len(feelings))),
            "draft": draft_id,
        }
        with self.client.post(
            "/journal/new/", data=data, name="/journal/new/ (save)", allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            saved = re.match(r"^/journal/(\d+)/$", location)
            if response.status_code != 302 or not saved:
                response.failure(f"save: HTTP {response.status_code} to {location or 'nowhere'}")
                return
        self.entry_ids.append(int(saved.group(1)))
        self._signed_in_get(location, "/journal/[id]/")

    # browsing

    @task(5)
    def browse_the_journal(self) -> None:
        page = self._signed_in_get("/journal/", "/journal/")
        if page is None:
            return
        ids = [int(found) for found in ENTRY_LINK.findall(page)]
        if ids:
            self.entry_ids = list(dict.fromkeys(self.entry_ids[-20:] + ids))
            self._signed_in_get(f"/journal/{random.choice(ids)}/", "/journal/[id]/")

    @task(2)
    def reread_an_entry(self) -> None:
        if self.entry_ids:
            self._signed_in_get(f"/journal/{random.choice(self.entry_ids)}/", "/journal/[id]/")

    @task(1)
    def look_at_the_calendar(self) -> None:
        self._signed_in_get("/journal/calendar/", "/journal/calendar/")

    @task(2)
    def open_home(self) -> None:
        self._signed_in_get("/", "/")

    @task(3)
    def search(self) -> None:
        word = random.choice(SEARCH_WORDS)
        self._signed_in_get(f"/journal/?q={word}", "/journal/?q=")

    @task(1)
    def filter_by_tag(self) -> None:
        self._signed_in_get(f"/journal/?tag={random.choice(TAGS)}", "/journal/?tag=")

    # people and contacts

    @task(2)
    def reach_out(self) -> None:
        """Open Reach out and click "I reached out" on one of the suggestions, as a writer would."""
        if not _routes.get("/reach-out/"):
            return
        page = self._signed_in_get("/reach-out/", "/reach-out/")
        if page is None:
            return
        buttons = [
            form for form in forms_in(page) if form.method == "post" and "reached out" in " ".join(form.buttons).lower()
        ]
        if not buttons:
            return
        self._submit(random.choice(buttons), page_path="/reach-out/", name="(I reached out)")

    @task(1)
    def log_a_conversation(self) -> None:
        """On a person's page, fill the contact log form: "We talked", by call, today."""
        if not _routes.get("/people/"):
            return
        if not self.person_ids:
            page = self._signed_in_get("/people/", "/people/")
            self.person_ids = [int(found) for found in PERSON_LINK.findall(page or "")]
            if not self.person_ids:
                return
        person_path = f"/people/{random.choice(self.person_ids)}/"
        page = self._signed_in_get(person_path, "/people/[id]/")
        if page is None:
            return
        # The "Log a moment" form (outcome, channel, day, note), not the one-click "I reached out" beside it.
        log_forms = [form for form in forms_in(page) if form.method == "post" and "day" in form.fields]
        if not log_forms:
            return
        form = log_forms[0]
        values = {name: list(value) for name, value in form.fields.items()}
        connection = [choice for choice in form.choices.get("outcome", []) if choice != "attempt"]
        if connection:
            values["outcome"] = [connection[0]]
        if "note" in values:
            values["note"] = ["We talked about the " + random.choice(SEARCH_WORDS)]
        self._submit(form, page_path=person_path, name="(log a contact)", values=values)

    @task(1)
    def open_help(self) -> None:
        if _routes.get("/help/"):
            self._signed_in_get("/help/", "/help/")

    def _submit(self, form: Form, *, page_path: str, name: str, values: dict[str, list[str]] | None = None) -> None:
        data = values if values is not None else {key: list(value) for key, value in form.fields.items()}
        data["csrfmiddlewaretoken"] = [self._csrf()]
        # An empty action posts back to the page itself, as in a browser.
        action = form.action or page_path
        with self.client.post(action, data=data, name=name, allow_redirects=False, catch_response=True) as response:
            # A saved form redirects; a 200 is the form again with a message (a bug here: we sent valid data).
            if response.status_code not in (302, 303):
                response.failure(f"{name}: HTTP {response.status_code}")


@events.quitting.add_listener
def _report_missing_routes(environment: Any, **kwargs: Any) -> None:
    missing = [path for path, present in _routes.items() if not present]
    if missing:
        print("Not measured (not on this server):", ", ".join(missing))
