"""Security that a writer relies on without seeing it: deploy checks, CSP, cookies, CSRF, login rate limits.

The URL-walking checks are built from the URLconf, so a route added later is covered without a new row.
The cookie and rate-limit checks run against a real gunicorn with production settings (3 workers and a
shared Redis cache), because per-process memory or a test client would hide exactly what they check.
"""

import http.client
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.conftest import free_port
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# The one POST that must work without a CSRF token: RFC 8058 one-click unsubscribe from a mail client.
CSRF_EXEMPT_ALLOWED = {"nudges:unsubscribe"}


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process: DEBUG off, secrets set, nothing relaxed or left from tests."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,held.example.org",
        HELD_KEYS=os.environ["HELD_KEYS"],
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        CELERY_BROKER_URL=os.environ["CELERY_BROKER_URL"],
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


# --- walking the URLconf --------------------------------------------------------------------------


@dataclass
class Route:
    name: str  # namespaced URL name, or the route itself when unnamed
    path: str  # a concrete path that resolves to this pattern


_CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<parameter>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<parameter>\w+)>(?P<body>[^)]*)\)")


def _fill_route(route: str, values: dict[str, str]) -> str:
    def fill(match: re.Match) -> str:
        parameter, converter = match["parameter"], match["converter"] or "str"
        if parameter in values:
            return values[parameter]
        return "999999" if converter == "int" else "x1"

    return _CONVERTER.sub(fill, route)


def _fill_regex(regex: str, values: dict[str, str]) -> str:
    def fill(match: re.Match) -> str:
        parameter, body = match["parameter"], match["body"]
        if parameter in values:
            return values[parameter]
        if "|" in body:
            return body.split("|")[0]
        return "999999" if body in (r"\d+", "[0-9]+") else "x1"

    filled = _REGEX_GROUP.sub(fill, regex).removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    return filled.replace("\\", "")


def all_routes(values: dict[str, str]) -> list[Route]:
    """Every URL pattern of the project as a concrete path; `values` fills parameters by name."""
    routes: list[Route] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for entry in patterns:
            pattern = entry.pattern
            text = str(pattern)
            piece = _fill_regex(text, values) if hasattr(pattern, "regex") and text.startswith("^") else text
            piece = _fill_route(piece, values)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + piece, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else prefix + text
                routes.append(Route(name=name, path="/" + prefix + piece))

    walk(get_resolver().url_patterns, "", "")
    return routes


def resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.fixture
def owned_ids(writer) -> dict[str, str]:
    """Real ids of the writer's own rows, so pages like /journal/<id>/ render rather than 404."""
    import datetime

    from connections.models import Person
    from journal.services import entry_create

    entry = entry_create(
        user=writer, title="A quiet day", body="We walked by the harbour.", entry_date=datetime.date.today()
    )
    person = Person.objects.create(owner=writer, name="Sam")
    return {"entry_id": str(entry.pk), "person_id": str(person.pk)}


# --- check --deploy -------------------------------------------------------------------------------


@pytest.mark.integration
def test_deploy_checks_are_clean_with_production_settings() -> None:
    env = production_env(
        HELD_KEYS="prod1:" + "A" * 43,
        SMTP_HOST="smtp.example.org",
        CACHE_URL="rediscache://127.0.0.1:6379/0",
    )
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout


# --- Content-Security-Policy on every HTML response -----------------------------------------------


def _assert_strict_csp(response, path: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, f"{path} answered HTML ({response.status_code}) without a Content-Security-Policy"
    assert "script-src 'self'" in policy, f"{path}: {policy}"
    assert "unsafe-inline" not in policy, f"{path}: {policy}"
    assert "unsafe-eval" not in policy, f"{path}: {policy}"


@pytest.mark.django_db
def test_every_html_response_carries_a_strict_content_security_policy(writer, owned_ids) -> None:
    anonymous = Client(raise_request_exception=False)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(writer)
    html_pages = 0
    server_errors = []

    for route in all_routes(owned_ids):
        for client in (anonymous, signed_in):
            response = client.get(route.path)
            if response.status_code >= 500:
                server_errors.append(f"GET {route.path} ({route.name}): {response.status_code}")
            if response.headers.get("Content-Type", "").startswith("text/html"):
                html_pages += 1
                _assert_strict_csp(response, route.path)

    assert not server_errors, "\n".join(server_errors)
    # The walk really reached pages: the journal, people, settings, login and the admin at least.
    assert html_pages > 50


@pytest.mark.django_db
def test_error_pages_carry_the_content_security_policy_too(writer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)

    not_found = client.get("/journal/999999/")
    csrf_refused = client.post("/journal/new/", {"body": "forged"})

    assert not_found.status_code == 404
    _assert_strict_csp(not_found, "/journal/999999/")
    assert csrf_refused.status_code == 403
    _assert_strict_csp(csrf_refused, "POST /journal/new/ without a token")


# --- CSRF on every POST ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused_except_one_click_unsubscribe(writer, owned_ids) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(writer)
    accepted_without_token = []
    routes = all_routes(owned_ids)
    unresolved = [route.path for route in routes if not resolves(route.path)]

    for route in routes:
        if route.name in CSRF_EXEMPT_ALLOWED:
            continue
        response = client.post(route.path, {"body": "forged"})
        if response.status_code != 403:
            accepted_without_token.append(f"{route.path} ({route.name}): {response.status_code}")

    assert unresolved == [], "these patterns could not be turned into a path, so they were not checked"
    assert accepted_without_token == [], "\n".join(accepted_without_token)


@pytest.mark.django_db
def test_views_marked_csrf_exempt_still_check_the_token_themselves_except_unsubscribe(writer) -> None:
    # Django's pattern for upload limits: csrf_exempt outside, csrf_protect inside once the limit is set.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(writer)
    exempt = [route for route in all_routes({}) if getattr(resolve(route.path).func, "csrf_exempt", False)]
    unchecked = [
        f"{route.path} ({route.name})"
        for route in exempt
        if route.name not in CSRF_EXEMPT_ALLOWED and client.post(route.path, {}).status_code != 403
    ]

    assert unchecked == []


# --- a real gunicorn with production settings ----------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen

    def request(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        # What the TLS-terminating proxy in front of Held sends: the original scheme.
        request_headers = {"Host": "held.example.org", "X-Forwarded-Proto": "https", **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            request_headers["Content-Type"] = "application/x-www-form-urlencoded"
            request_headers["Referer"] = "https://held.example.org" + path
        if cookies:
            request_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers=request_headers)
        response = connection.getresponse()
        reply = Reply(response.status, response.headers, response.read().decode(errors="replace"))
        connection.close()
        return reply


def set_cookies(response: Reply) -> dict[str, SimpleCookie]:
    cookies = {}
    for raw in response.headers.get_all("Set-Cookie") or []:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(raw)
        for name in parsed:
            cookies[name] = parsed
    return cookies


@pytest.fixture
def production_gunicorn(transactional_db) -> Iterator[Gunicorn]:
    """gunicorn, 3 workers, production settings, a shared Redis cache, on the test database."""
    from django.conf import settings
    from django.db import connection

    cache_url = settings.CELERY_BROKER_URL  # this run's own Redis db; rate limits start empty
    redis.Redis.from_url(cache_url).flushdb()
    database = connection.settings_dict
    port = free_port()
    env = production_env(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        CACHE_URL="rediscache://" + cache_url.split("://", 1)[1],
        CONN_MAX_AGE="0",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    log_path = ROOT / "test-artifacts" / f"security-gunicorn-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Gunicorn(port=port, process=process)
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log_path.read_text()
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        try:
            if server.request("GET", "/healthz").status == 200 and len(children) == 3:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)
    try:
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
        redis.Redis.from_url(cache_url).flushdb()


def production_user(email: str):
    """A verified writer whose password hash production settings can check (tests hash with MD5)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = UserFactory(email=email)
    # Few iterations: the test is about cookies and limits, not hashing cost.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def log_in(server: Gunicorn, email: str, password: str, *, headers: dict[str, str] | None = None):
    """Sign in through the real form; returns the POST's response and the cookies the browser holds."""
    form_page = server.request("GET", "/accounts/login/", headers=headers)
    jar = {name: cookie[name].value for name, cookie in set_cookies(form_page).items()}
    token = jar["csrftoken"]
    response = server.request(
        "POST",
        "/accounts/login/",
        cookies=jar,
        form={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers=headers,
    )
    return form_page, response


def signed_in(response: Reply) -> bool:
    return response.status == 302 and "sessionid" in set_cookies(response)


@pytest.mark.integration
def test_cookies_are_secure_httponly_and_samesite_under_production_settings(production_gunicorn) -> None:
    production_user("writer@example.org")

    form_page, response = log_in(production_gunicorn, "writer@example.org", PASSWORD)

    assert signed_in(response), f"login answered {response.status}"
    cookies = {**set_cookies(form_page), **set_cookies(response)}
    assert {"csrftoken", "sessionid"} <= set(cookies)
    for name, cookie in cookies.items():
        morsel = cookie[name]
        assert morsel["secure"], f"{name} is sent over plain http too"
        assert morsel["samesite"].lower() in ("lax", "strict"), f"{name} has no SameSite"
    assert cookies["sessionid"]["sessionid"]["httponly"], "scripts can read the session cookie"


@pytest.mark.integration
def test_login_rate_limit_holds_across_three_workers(production_gunicorn) -> None:
    production_user("writer@example.org")

    # Five wrong passwords, then the right one, many times over: sequential requests are spread over the
    # three workers, so a limit kept in one worker's memory would let one of them through.
    for _ in range(5):
        _, wrong = log_in(production_gunicorn, "writer@example.org", "not the password")
        assert not signed_in(wrong)
    right_attempts = [log_in(production_gunicorn, "writer@example.org", PASSWORD)[1] for _ in range(9)]

    assert not any(signed_in(response) for response in right_attempts), "the limit did not hold on every worker"
    assert all("too many" in response.text.lower() for response in right_attempts)
    # And the count lives in the shared cache, not in a worker's memory.
    from django.conf import settings

    stored = [key.decode() for key in redis.Redis.from_url(settings.CELERY_BROKER_URL).keys("*")]
    assert any("login_failed" in key for key in stored), stored


@pytest.mark.integration
def test_a_spoofed_x_forwarded_for_does_not_reset_the_login_rate_limit(production_gunicorn) -> None:
    production_user("writer@example.org")

    # Ten failed logins from one address (ten different accounts, so only the per-address limit counts),
    # each claiming to come from somewhere else.
    for number in range(10):
        spoof = {"X-Forwarded-For": f"203.0.113.{number + 1}"}
        _, failed = log_in(production_gunicorn, f"nobody{number}@example.org", "guess", headers=spoof)
        assert not signed_in(failed)
    _, right = log_in(production_gunicorn, "writer@example.org", PASSWORD, headers={"X-Forwarded-For": "198.51.100.7"})

    assert not signed_in(right), "a new X-Forwarded-For header reset the per-address login limit"
