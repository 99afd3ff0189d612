"""Settings for the reminder tests' own worker processes: the test settings, with quick SMTP retries."""

import os

from config.settings_test import *  # noqa: F403

# Retries back off from this many seconds (production: 30), so "451 twice, then 250" takes seconds, not minutes.
NUDGE_RETRY_BASE_SECONDS = int(os.environ.get("NUDGE_RETRY_BASE_SECONDS", "1"))
