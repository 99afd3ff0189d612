"""The service itself: health, deploy checks, security headers, Celery and SMTP through real servers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from config.tasks import ping

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down_without_failing(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unavailable"}


def production_env(**overrides: str) -> dict[str, str]:
    leftovers = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in leftovers}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="8c3f0c2e9a0b4d1f-a-real-looking-production-secret-0c1d2e3f4a5b6c7d8e9f",
        ALLOWED_HOSTS="held.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        SMTP_HOST="smtp.example.org",
        HELD_KEYS="prod1:" + "A" * 43,
    )
    for key in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATICFILES_BACKEND"):
        env.pop(key, None)
    env.update(overrides)
    return env


def run_deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_deploy_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_when_debug_is_left_on():
    result = run_deploy_check(production_env(DEBUG="true"))
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = run_deploy_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_no_inline_script(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_every_page_links_to_help(writer_client):
    visitor = Client()
    for page_client, path in ((visitor, "/"), (visitor, "/accounts/login/"), (writer_client, "/settings/")):
        body = page_client.get(path).content.decode()
        assert 'href="/help/"' in body, path
    assert "Need help now?" in visitor.get("/help/").content.decode()


@pytest.mark.django_db
def test_landing_page_says_plainly_it_is_not_a_chatbot(client):
    body = client.get("/").content.decode()
    assert "never answers you with a chatbot" in body


@pytest.mark.integration
def test_celery_round_trip_through_real_redis_and_a_worker_process(celery_worker_process):
    result = ping.delay()
    answer = result.get(timeout=60)
    assert answer["pong"] is True
    assert answer["worker_pid"] == celery_worker_process.pid


@pytest.mark.integration
@pytest.mark.django_db
def test_verification_email_is_delivered_through_a_real_smtp_server(client, smtp_sink):
    client.post(
        "/accounts/signup/",
        {
            "email": "smtp@example.org",
            "password1": "a quiet room 42",
            "password2": "a quiet room 42",
            "time_zone": "UTC",
            "country": "",
        },
    )
    received = smtp_sink.wait_for(1)
    assert len(mail.outbox) == 0  # it went over the wire, not into the in-memory outbox
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "smtp@example.org"
    assert message["Subject"].startswith("Held: ")
    assert "/accounts/confirm-email/" in message.get_body(preferencelist=("plain",)).get_content()
