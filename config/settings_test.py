"""Test override: the suite runs against real PostgreSQL and real Redis, never SQLite.

`make test` checks both answer before pytest starts; this module refuses to run on anything else
so a missing DATABASE_URL can never fall back to SQLite silently.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Parallel runs on one machine (several checkouts) each get their own test database.
TEST_DATABASE_SUFFIX = os.environ.get("HELD_TEST_DB", "")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
# A fixed key-encryption key for tests only; production keys come from the environment.
os.environ.setdefault("HELD_KEYS", "test1:dGVzdC1vbmx5LWtleS1lbmNyeXB0aW9uLWtleS0wMDE")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("Tests need PostgreSQL: set DATABASE_URL=postgres://... (see README).")

# Hashing cost is not what the suite tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": f"test_held{TEST_DATABASE_SUFFIX}"}

# Results only in tests, so a round trip through a real worker can be observed.
CELERY_RESULT_BACKEND = os.environ["CELERY_BROKER_URL"]

# Static files come straight from static/ (no collectstatic before tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
