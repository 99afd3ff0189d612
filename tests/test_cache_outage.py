"""A Redis outage under the cache must not break signing in: the cache reads as empty instead."""

import os
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.factories import PASSWORD

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_unreachable_redis_reads_as_a_miss_and_drops_writes():
    with override_settings(CACHES=UNREACHABLE_REDIS):
        cache = caches["default"]
        cache.set("k", "v")
        assert cache.get("k", "missing") == "missing"
        assert cache.add("k", "v") is True  # a lock that can be taken, so sign-in is not refused
        assert cache.get_many(["k"]) == {}


@pytest.mark.django_db
def test_signing_in_works_while_the_cache_redis_is_down(client, writer):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = client.post("/accounts/login/", {"login": writer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(writer.pk)


def test_a_redis_cache_url_gets_the_resilient_backend():
    env = {**os.environ, "CACHE_URL": "rediscache://127.0.0.1:6379/2", "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert printed == "config.cache.ResilientRedisCache"
