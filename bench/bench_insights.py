"""Insights: the page for a writer with three years of daily entries and 2,000 contacts, against the floor.

One writer gets an entry every day for three years (sealed text, a mood most days, two feeling words, one or
two tags, written at varying hours) and 2,000 logged contacts with twelve people. Then, in one gunicorn
server, interleaved with the floor (/bench/floor/):

- the insights page by month (the default view, this year's pixels): at least 0.3 of the floor's throughput;
- the same page by week, with an earlier year's pixels: the same target.

The page makes two reads, each answered by PostgreSQL in one row of arrays (entries: moods summed per local day,
per tag and per hour, entries per feeling word; contacts: their local days, and the last twelve months' days and
people), and builds its SVG in Python; these rows show the whole of that keeps at least 0.3 of a bare signed-in
view's throughput.
"""

from bench.harness import BenchContext, Result

TARGET = 0.3


def run(ctx: BenchContext, quick: bool) -> list[Result]:
    days = ctx.size("insights_days", full=3 * 365, quick=3 * 365)
    contacts = ctx.size("insights_contacts", full=2_000, quick=2_000)

    from tests.insights_fixtures import seed_years_of_entries

    writer = ctx.create_writer(time_zone="America/New_York")
    today = writer.local_today()
    seed_years_of_entries(writer, days=days, contacts=contacts, end=today, cipher=ctx.cipher(writer))
    # A live database has planner statistics (autovacuum keeps them); freshly bulk-loaded tables do not yet,
    # and without them PostgreSQL spends longer planning the tag join than running it.
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("journal_entry", "journal_entry_tags", "journal_tag", "connections_contact"):
            cursor.execute(f"ANALYZE {table}")
    ctx.say(f"seeded {days} daily entries and {contacts} contacts")

    cookie = ctx.session_cookie(writer)
    by_month = ctx.compare("/journal/insights/", cookie=cookie)
    by_week = ctx.compare(f"/journal/insights/?by=week&year={today.year - 1}", cookie=cookie)
    size = f"{days} entries, {contacts} contacts"
    return [
        Result.throughput(f"insights by month, {size}", by_month, at_least=TARGET),
        Result.throughput(f"insights by week, last year's pixels, {size}", by_week, at_least=TARGET),
    ]
