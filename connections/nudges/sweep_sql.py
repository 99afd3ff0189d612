"""The sweep's PostgreSQL statements: connections.rhythm's "who is due" said in SQL, for a batch at a time.

connections/rhythm.py is the definition; this is the same rule where the rows are, so a batch of 500 writers
with 5,000 people needs no person row in Python. tests/test_nudges_sweep_sql.py holds the two to each other
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

from datetime import date, datetime

from django.db import connection

ANCHOR = "(COALESCE(p.last_contact_at, p.created_at) AT TIME ZONE u.time_zone)::date"
THRESHOLD = "COALESCE(p.ideal_every_days, p.too_long_after_days)"
FIRST_DUE = f"({ANCHOR} + {THRESHOLD})"
NEXT_DUE = f"GREATEST({FIRST_DUE}, COALESCE(p.snoozed_until, {FIRST_DUE}))"
WITH_RHYTHM = "NOT p.is_paused AND (p.ideal_every_days IS NOT NULL OR p.too_long_after_days IS NOT NULL)"


def first_due_on_sql(writer_column: str) -> str:
    """A scalar subquery: the first local date anyone in this writer's circle is due (no parameters)."""
    return (
        f"SELECT MIN({NEXT_DUE}) FROM connections_person p JOIN accounts_user u ON u.id = p.owner_id "  # noqa: S608
        f"WHERE p.owner_id = {writer_column} AND {WITH_RHYTHM}"
    )


def _named_people_json() -> str:
    """A JSON array of up to `limit` due people of writer v.writer_id (local date t.today), most overdue first.

    One parameter: the limit.
    """
    order = "q.too_long DESC, q.past_due DESC, q.lower_name, q.id"
    return (
        f"SELECT COALESCE(jsonb_agg(q.id ORDER BY {order}), '[]'::jsonb) FROM ("  # noqa: S608
        "SELECT p.id, LOWER(p.name) AS lower_name, "
        "(p.too_long_after_days IS NOT NULL AND t.today >= a.anchor + p.too_long_after_days) AS too_long, "
        f"t.today - a.anchor - {THRESHOLD} AS past_due "
        f"FROM connections_person p CROSS JOIN LATERAL (SELECT {ANCHOR} AS anchor) a "
        f"WHERE p.owner_id = v.writer_id AND {WITH_RHYTHM} "
        f"AND t.today >= GREATEST(a.anchor + {THRESHOLD}, COALESCE(p.snoozed_until, a.anchor + {THRESHOLD})) "
        f"ORDER BY too_long DESC, past_due DESC, lower_name, p.id LIMIT %s) q"
    )


def write_batch(
    *,
    now: datetime,
    deliveries: list[tuple[int, date]],
    schedules: list[tuple[int, datetime | None, datetime | None]],
    people_per_email: int,
) -> list[tuple[int, int]]:
    """One round trip: insert this batch's deliveries (one per writer and window, conflicts skipped), each naming
    up to `people_per_email` due people, and write every claimed writer's next and last times.

    Returns (delivery id, writer id) of the deliveries this call created.
    """
    params: list[object] = []
    parts = []
    if deliveries:
        # In the order the placeholders appear: three moments, the limit, the rows, the moment for local today.
        params += [now, now, now, people_per_email]
        for writer_id, window_date in deliveries:
            params += [writer_id, window_date]
        params.append(now)
        rows = ", ".join(["(%s, %s::date)"] * len(deliveries))
        parts.append(
            "new_deliveries AS ("  # noqa: S608
            "INSERT INTO nudges_nudge (writer_id, window_date, scheduled_for, status, attempts, created_at, "
            "enqueued_at, last_error, person_ids) "
            "SELECT v.writer_id, v.window_date, %s, 'pending', 0, %s, %s, '', "
            f"({_named_people_json()}) "
            f"FROM (VALUES {rows}) AS v (writer_id, window_date) "
            "JOIN accounts_user u ON u.id = v.writer_id "
            "CROSS JOIN LATERAL (SELECT (CAST(%s AS timestamptz) AT TIME ZONE u.time_zone)::date AS today) t "
            "ON CONFLICT (writer_id, window_date) DO NOTHING RETURNING id, writer_id)"
        )
    if schedules:
        rows = ", ".join(["(%s, %s::timestamptz, %s::timestamptz)"] * len(schedules))
        for writer_id, next_nudge_at, last_nudged_at in schedules:
            params += [writer_id, next_nudge_at, last_nudged_at]
        parts.append(
            "advanced AS (UPDATE nudges_remindersettings AS s "  # noqa: S608
            "SET next_nudge_at = a.next_nudge_at, last_nudged_at = a.last_nudged_at "
            f"FROM (VALUES {rows}) AS a (writer_id, next_nudge_at, last_nudged_at) WHERE s.writer_id = a.writer_id "
            "RETURNING 1)"
        )
    if not parts:
        return []
    result = "SELECT id, writer_id FROM new_deliveries" if deliveries else "SELECT NULL, NULL WHERE false"
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {result}", params)
        return [(int(nudge_id), int(writer_id)) for nudge_id, writer_id in cursor.fetchall()]
