"""What Reach out read about a writer's circle, kept in this process until the database says it changed.

Reach out, the circle page, Help, the home page and the panel after an entry all start from the same reading of
the circle (everyone, their topics and whether the safety plan names them). It changes far less often than it
is read, so each worker process keeps the last reading per writer under the writer's circle stamp
(connections.models.CircleStamp, changed by database triggers on every write that matters; see
config/stamped_cache.py). Names and contact details stay in the process that already has them, and notes are
never part of the reading.
"""

from collections.abc import Callable

from accounts.models import User
from config.stamped_cache import StampedReadings

# A circle of 200 people is a few hundred kilobytes.
_circles = StampedReadings("connections_circlestamp", max_readings=256)


def cached_circle[Circle](user: User, read: Callable[[User], Circle]) -> Circle:
    """`read(user)`, or what it returned last time in this process if the writer's circle has not changed since."""
    return _circles.get(user.pk, "circle", lambda: read(user))


def forget_all() -> None:
    """Empty this process's kept circles (tests that compare a kept reading with a fresh one)."""
    _circles.forget_all()
