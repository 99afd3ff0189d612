"""The sweep's PostgreSQL statements: connections.rhythm's "who is due" said in SQL, for a batch at a time.

connections/rhythm.py is the definition; this is the same rule where the rows are, so a batch of 500 writers
with 5,000 people needs no person row in Python: the claim reads each writer's circle once (circle_sql) and
the write is one statement (write_batch). tests/test_nudges_sweep_sql.py holds the two to each other
(every standing, snoozes, pauses, never-contacted people, zones on both sides of UTC, clock changes).
Other databases (SQLite for `make run`) take the Python path in services.py.

Per person p of writer u, at the instant `now`:
    today       = local date of now in u's zone
    anchor      = local date of the last contact (or of the day p was added)
    threshold   = ideal_every_days, else too_long_after_days
    next_due_on = anchor + threshold, or the end of a snooze if later
    due         = today >= next_due_on          (never for paused people or people without a rhythm)
Names are ranked "too long" first, then most days past the threshold, then by name.
"""

import json
from datetime import date, datetime

from django.db import connection

ANCHOR = "(COALESCE(p.last_contact_at, p.created_at) AT TIME ZONE u.time_zone)::date"
THRESHOLD = "COALESCE(p.ideal_every_days, p.too_long_after_days)"
WITH_RHYTHM = "NOT p.is_paused AND (p.ideal_every_days IS NOT NULL OR p.too_long_after_days IS NOT NULL)"


def circle_sql(writer_column: str) -> str:
    """A scalar subquery over one writer's circle, read once per claimed writer (one parameter: now).

    It answers {"first_due_on": the first local date anyone is due, "due": ids of the people due today, most
    overdue first}: everything the sweep needs to decide and to name, without a person row in Python.
    """
    order = "c.too_long DESC, c.past_due DESC, c.lower_name, c.id"
    return (
        "SELECT jsonb_build_object('first_due_on', MIN(c.next_due), "  # noqa: S608
        f"'due', COALESCE(jsonb_agg(c.id ORDER BY {order}) FILTER (WHERE c.today >= c.next_due), '[]'::jsonb)) "
        "FROM (SELECT p.id, LOWER(p.name) AS lower_name, t.today, "
        f"GREATEST(a.anchor + {THRESHOLD}, COALESCE(p.snoozed_until, a.anchor + {THRESHOLD})) AS next_due, "
        "(p.too_long_after_days IS NOT NULL AND t.today >= a.anchor + p.too_long_after_days) AS too_long, "
        f"t.today - a.anchor - {THRESHOLD} AS past_due "
        "FROM connections_person p JOIN accounts_user u ON u.id = p.owner_id "
        f"CROSS JOIN LATERAL (SELECT {ANCHOR} AS anchor) a "
        "CROSS JOIN LATERAL (SELECT (CAST(%s AS timestamptz) AT TIME ZONE u.time_zone)::date AS today) t "
        f"WHERE p.owner_id = {writer_column} AND {WITH_RHYTHM}) c"
    )


def read_circle(value: dict | str | None) -> tuple[date | None, list[int]]:
    """(first due date, ids due today in order) from circle_sql's answer."""
    if isinstance(value, str):
        value = json.loads(value)
    if not value:
        return None, []
    first_due_on = value.get("first_due_on")
    return (date.fromisoformat(first_due_on) if first_due_on else None), list(value.get("due") or [])


def write_batch(
    *,
    now: datetime,
    deliveries: list[tuple[int, date, list[int]]],
    schedules: list[tuple[int, datetime | None, datetime | None]],
) -> list[tuple[int, int]]:
    """One round trip: insert this batch's deliveries (one per writer and window, conflicts skipped) with whom
    each names, and write every claimed writer's next and last times.

    Returns (delivery id, writer id) of the deliveries this call created.
    """
    # Whole columns as arrays (unnest): three parameters instead of thousands, which PostgreSQL parses at once.
    params: list[object] = []
    parts = []
    if deliveries:
        params += [now, now, now]
        params += [[row[0] for row in deliveries], [row[1] for row in deliveries]]
        params.append([json.dumps(row[2]) for row in deliveries])
        parts.append(
            "new_deliveries AS ("
            "INSERT INTO nudges_nudge (writer_id, window_date, scheduled_for, status, attempts, created_at, "
            "enqueued_at, last_error, person_ids) "
            "SELECT v.writer_id, v.window_date, %s, 'pending', 0, %s, %s, '', v.person_ids "
            "FROM unnest(%s::bigint[], %s::date[], %s::jsonb[]) AS v (writer_id, window_date, person_ids) "
            "ON CONFLICT (writer_id, window_date) DO NOTHING RETURNING id, writer_id)"
        )
    if schedules:
        params += [[row[0] for row in schedules], [row[1] for row in schedules], [row[2] for row in schedules]]
        parts.append(
            "advanced AS (UPDATE nudges_remindersettings AS s "
            "SET next_nudge_at = a.next_nudge_at, last_nudged_at = a.last_nudged_at "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS a (writer_id, next_nudge_at, "
            "last_nudged_at) WHERE s.writer_id = a.writer_id RETURNING 1)"
        )
    if not parts:
        return []
    result = "SELECT id, writer_id FROM new_deliveries" if deliveries else "SELECT NULL, NULL WHERE false"
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {result}", params)
        return [(int(nudge_id), int(writer_id)) for nudge_id, writer_id in cursor.fetchall()]
