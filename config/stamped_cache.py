"""Readings kept in this process for as long as a writer's stamp in the database stays the same.

A stamp table has one row per writer whose `version` PostgreSQL triggers set to a new random number on every
write that changes what the readings are made of (see the migrations that create them). A page reads the stamp,
one row by primary key, and reuses what it read before under the same stamp, or reads again. The number is
random rather than counted up, so a rolled-back change can never make an old reading look current again; the
stamp is read before the data, so a change committed in between makes the reading newer than its stamp, never
older, and the next page simply reads again.

Kept in process memory, never in Redis or on disk. Only on PostgreSQL, where the triggers are; elsewhere
(SQLite for `make run`) every page reads afresh.

Used by Reach out for the circle (connections/circle_cache.py) and by the insights page (journal/insights_views.py).
"""

from collections.abc import Callable, Hashable

from django.db import connection


class StampedReadings:
    def __init__(self, stamp_table: str, *, max_readings: int) -> None:
        """`stamp_table` has `owner_id` (primary key) and `version`; beyond `max_readings` kept readings, the
        least recently used is dropped."""
        self.max_readings = max_readings
        self._kept: dict[tuple[int, Hashable], tuple[int, object]] = {}
        table = connection.ops.quote_name(stamp_table)
        self._read_stamp = f"SELECT version FROM {table} WHERE owner_id = %s"  # noqa: S608 (a fixed table name)
        self._new_stamp = (
            f"INSERT INTO {table} (owner_id, version) VALUES (%s, (random() * 9e18)::bigint) "  # noqa: S608
            "ON CONFLICT (owner_id) DO NOTHING"
        )

    def get[Reading](self, owner_id: int, key: Hashable, read: Callable[[], Reading]) -> Reading:
        """`read()`, or what it returned for this writer and `key` before, if their stamp has not changed since."""
        if connection.vendor != "postgresql":
            return read()
        stamp = self._stamp(owner_id)
        kept = self._kept.pop((owner_id, key), None)
        reading = kept[1] if kept is not None and kept[0] == stamp else read()
        self._kept[(owner_id, key)] = (stamp, reading)  # (re)inserted last: the most recently used
        if len(self._kept) > self.max_readings:
            del self._kept[next(iter(self._kept))]
        return reading  # type: ignore[return-value]

    def forget_all(self) -> None:
        """Drop every kept reading (tests that compare a kept reading with a fresh one)."""
        self._kept.clear()

    def _stamp(self, owner_id: int) -> int:
        # Plain SQL: one primary-key read on every page, cheaper without the ORM's query building.
        with connection.cursor() as cursor:
            cursor.execute(self._read_stamp, [owner_id])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(self._new_stamp, [owner_id])
                cursor.execute(self._read_stamp, [owner_id])
                row = cursor.fetchone()
        return row[0]
