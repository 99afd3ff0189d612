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

TODAY = "(CAST(%s AS timestamptz) AT TIME ZONE u.time_zone)::date"
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


def _ranked_due_people() -> str:
    """Up to `limit` due people of writer d.writer_id, most overdue first (params: now, now, now, limit)."""
    too_long = f"(p.too_long_after_days IS NOT NULL AND {TODAY} >= {ANCHOR} + p.too_long_after_days)"
    past_due = f"({TODAY} - {ANCHOR} - {THRESHOLD})"
    return (
        f"SELECT p.id AS person_id, ROW_NUMBER() OVER (ORDER BY {too_long} DESC, {past_due} DESC, "  # noqa: S608
        f"LOWER(p.name), p.id) - 1 AS position "
        f"FROM connections_person p JOIN accounts_user u ON u.id = p.owner_id "
        f"WHERE p.owner_id = d.writer_id AND {WITH_RHYTHM} AND {TODAY} >= {NEXT_DUE} "
        f"ORDER BY position LIMIT %s"
    )


def write_batch(
    *,
    now: datetime,
    deliveries: list[tuple[int, date]],
    schedules: list[tuple[int, datetime | None, datetime | None]],
    people_per_email: int,
) -> list[tuple[int, int]]:
    """One round trip: insert this batch's deliveries (one per writer and window, conflicts skipped), name up to
    `people_per_email` due people in each new one, and write every claimed writer's next and last times.

    Returns (delivery id, writer id) of the deliveries this call created.
    """
    params: list[object] = []
    parts = []
    if deliveries:
        rows = ", ".join(["(%s, %s::date)"] * len(deliveries))
        params += [now, now, now]  # scheduled_for, created_at, enqueued_at: they come first in the text
        for writer_id, window_date in deliveries:
            params += [writer_id, window_date]
        parts.append(
            "new_deliveries AS ("  # noqa: S608
            "INSERT INTO nudges_nudge (writer_id, window_date, scheduled_for, status, attempts, created_at, "
            "enqueued_at, last_error) "
            f"SELECT v.writer_id, v.window_date, %s, 'pending', 0, %s, %s, '' FROM (VALUES {rows}) AS v (writer_id, "
            "window_date) ON CONFLICT (writer_id, window_date) DO NOTHING RETURNING id, writer_id)"
        )
        # TODAY appears twice in the ranking (too long, past due) and once in the filter: three `now`s.
        params += [now, now, now, people_per_email]
        parts.append(
            "named AS (INSERT INTO nudges_nudgeperson (nudge_id, person_id, position) "  # noqa: S608
            f"SELECT d.id, r.person_id, r.position FROM new_deliveries d CROSS JOIN LATERAL ({_ranked_due_people()}) r)"
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
