"""What Reach out read about a writer's circle, kept in this process until the database says it changed.

Reach out, the home page and the panel after an entry all start from the same reading of the circle (everyone,
their topics and whether the safety plan names them). It changes far less often than it is read, so each
worker process keeps the last reading per writer with the circle stamp it was read under
(connections.models.CircleStamp, changed by database triggers on every write that matters). A page asks for
the stamp first, a one-row read by primary key, and reads the circle again only when it differs.

Only on PostgreSQL, where the triggers are; elsewhere (SQLite for `make run`) every page reads afresh.
Kept in process memory, never in Redis: names and contact details stay where the request already has them,
and notes are never part of the reading.
"""

from collections.abc import Callable

from django.db import connection

from accounts.models import User

# Writers whose circles one process keeps; the least recently read is dropped first. A circle of 200 people
# is a few hundred kilobytes.
MAX_WRITERS = 256

_circles: dict[int, tuple[int, object]] = {}

_READ_STAMP = "SELECT version FROM connections_circlestamp WHERE owner_id = %s"
_NEW_STAMP = (
    "INSERT INTO connections_circlestamp (owner_id, version) VALUES (%s, (random() * 9e18)::bigint) "
    "ON CONFLICT (owner_id) DO NOTHING"
)


def cached_circle[Circle](user: User, read: Callable[[User], Circle]) -> Circle:
    """`read(user)`, or what it returned last time in this process if the writer's circle has not changed since.

    The stamp is read before the circle: a change committed in between makes the reading newer than its
    stamp, never older, and the next page simply reads again.
    """
    if connection.vendor != "postgresql":
        return read(user)
    stamp = _stamp(user.pk)
    kept = _circles.pop(user.pk, None)
    circle = kept[1] if kept is not None and kept[0] == stamp else read(user)
    _circles[user.pk] = (stamp, circle)  # (re)inserted last: the most recently read
    if len(_circles) > MAX_WRITERS:
        del _circles[next(iter(_circles))]
    return circle  # type: ignore[return-value]


def _stamp(user_id: int) -> int:
    # Plain SQL: one primary-key read on every page, cheaper without the ORM's query building.
    with connection.cursor() as cursor:
        cursor.execute(_READ_STAMP, [user_id])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(_NEW_STAMP, [user_id])
            cursor.execute(_READ_STAMP, [user_id])
            row = cursor.fetchone()
    return row[0]


def forget_all() -> None:
    """Empty this process's cache (tests that compare a cached reading with a fresh one)."""
    _circles.clear()
