"""Held's settings plus one bench-only page (bench/privacy_urls.py). Used only by bench/bench_privacy.py,
which starts its own gunicorn with DJANGO_SETTINGS_MODULE=bench.privacy_settings."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.privacy_urls"
