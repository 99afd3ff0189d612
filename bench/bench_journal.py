"""Journal: the list page and search over 10,000 sealed entries, against the floor.

One writer gets 10,000 entries (one or two a day going back years), each sealed with their key, tagged, with
moods and feelings, and indexed in the blind search index exactly as journal.services does on save. Then, in
one gunicorn server, interleaved with the floor (/bench/floor/):

- the journal list, first page: at least 0.4 of the floor's throughput;
- the journal list, a page near the very end (keyset cursor): the same target, since pages never use OFFSET;
- search for a common word, two words (AND) and a rare word: throughput against the floor is reported, and
  the slowest of them must keep p95 under 300 ms for a writer searching (one client at a time; the p95 under
  the concurrent load is kept in results.json).
"""

import datetime
import random

from bench.harness import BenchContext, Result

LIST_TARGET = 0.4
SEARCH_P95_LIMIT_MS = 300

# Everyday words with a long tail, like real writing: a few words are in most entries, most in few.
COMMON_WORDS = [
    "the",
    "and",
    "a",
    "to",
    "i",
    "of",
    "it",
    "was",
    "in",
    "that",
    "my",
    "with",
    "we",
    "for",
    "but",
    "at",
    "on",
    "so",
    "just",
    "had",
    "today",
    "about",
    "me",
    "felt",
    "like",
    "time",
    "really",
    "then",
    "after",
    "day",
    "not",
    "be",
    "all",
    "when",
    "what",
    "this",
    "she",
    "he",
    "they",
    "her",
    "him",
    "our",
    "out",
    "up",
    "more",
]
PLACE_AND_PEOPLE_WORDS = [
    "walk",
    "work",
    "home",
    "mum",
    "dad",
    "sam",
    "alex",
    "friend",
    "sister",
    "brother",
    "train",
    "kitchen",
    "garden",
    "park",
    "coffee",
    "tea",
    "sleep",
    "tired",
    "call",
    "message",
    "rain",
    "sun",
    "evening",
    "morning",
    "night",
    "lunch",
    "dinner",
    "book",
    "music",
    "run",
    "bus",
    "office",
    "dog",
    "cat",
    "doctor",
    "therapist",
    "meeting",
    "weekend",
    "holiday",
    "beach",
    "hill",
    "river",
    "city",
    "bridge",
    "market",
    "shop",
    "school",
    "letter",
    "phone",
    "laugh",
    "cried",
    "worried",
    "calm",
    "quiet",
    "busy",
    "slow",
    "long",
    "short",
    "late",
    "early",
    "again",
    "maybe",
    "still",
    "almost",
]
RARE_WORDS = [f"{stem}{suffix}" for stem in ("lantern", "orchard", "violin", "pebble") for suffix in ("", "s", "ed")]
TAG_NAMES = ["family", "work", "sleep", "therapy", "friends", "health", "walks", "money"]
FEELINGS = ["calm", "tired", "anxious", "grateful", "lonely", "hopeful", "connected", "stuck"]


def _seed(ctx: BenchContext, writer, total: int) -> None:
    from django.db import connection

    from journal.models import Entry, Tag
    from journal.services import search_text

    rng = random.Random(1729)  # the same journal every run
    cipher = ctx.cipher(writer)
    today = writer.local_today()
    weights = [1 / (rank + 1) for rank in range(len(COMMON_WORDS) + len(PLACE_AND_PEOPLE_WORDS))]
    vocabulary = COMMON_WORDS + PLACE_AND_PEOPLE_WORDS
    tags = [Tag.objects.create(owner=writer, name=name) for name in TAG_NAMES]

    entries, texts, tag_picks = [], [], []
    for number in range(total):
        words = rng.choices(vocabulary, weights=weights, k=rng.randint(40, 120))
        if number % 30 == 0:
            words.append("harbour")  # about 3% of entries
        if number % 997 == 0:
            words.append(rng.choice(RARE_WORDS))
        title = f"Day {number}" if number % 3 else ""
        body = " ".join(words).capitalize() + "."
        feelings = sorted(set(rng.sample(FEELINGS, k=rng.randint(0, 2))))
        picked = rng.sample(tags, k=rng.randint(0, 2))
        entry = Entry(
            owner=writer,
            # Two entries on some days: the keyset must order by (date, id), not date alone.
            entry_date=today - datetime.timedelta(days=number * 2 // 3),
            mood=rng.choice([None, 1, 2, 3, 3, 4, 4, 5]),
            feelings=feelings,
        )
        entry.seal_text(cipher, title=title, body=body)
        entries.append(entry)
        texts.append(search_text(title=title, body=body, feelings=feelings, tag_names=[tag.name for tag in picked]))
        tag_picks.append(picked)
    Entry.objects.bulk_create(entries, batch_size=1_000)

    through = Entry.tags.through
    through.objects.bulk_create(
        [
            through(entry_id=entry.pk, tag_id=tag.pk)
            for entry, picked in zip(entries, tag_picks, strict=False)
            for tag in picked
        ],
        batch_size=5_000,
    )
    # The blind index is the bulk of the data (one row per distinct word per entry): COPY it in.
    with (
        connection.cursor() as cursor,
        cursor.copy("COPY journal_entrysearchtoken (owner_id, entry_id, token) FROM STDIN") as copy,
    ):
        for entry, text in zip(entries, texts, strict=False):
            for token in cipher.search_tokens(text):
                copy.write_row((writer.pk, entry.pk, token))
    # As autovacuum would leave a long-lived journal: statistics fresh and the visibility map set, so the
    # covering search index is read without visiting the table.
    with connection.cursor() as cursor:
        for table in ("journal_entry", "journal_entrysearchtoken", "journal_entry_tags"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def run(ctx: BenchContext, quick: bool) -> list[Result]:
    total = ctx.size("journal_entries", full=10_000, quick=2_000)

    from journal.models import Entry, EntrySearchToken

    writer = ctx.create_writer()
    ctx.say(f"seeding {total:,} sealed entries and their blind index")
    _seed(ctx, writer, total)
    tokens = EntrySearchToken.objects.filter(owner=writer).count()
    ctx.say(f"{Entry.objects.for_owner(writer).count():,} entries, {tokens:,} search tokens")
    cookie = ctx.session_cookie(writer)

    near_the_end = Entry.objects.for_owner(writer).newest_first()[total - 30]
    deep_page = f"/journal/?after={near_the_end.entry_date.isoformat()}.{near_the_end.pk}"
    searches = {
        "one common word": "/journal/?q=harbour",
        "two words, AND": "/journal/?q=harbour+sam",
        "a rare word": "/journal/?q=lanterns",
    }

    first_page = ctx.compare("/journal/", cookie=cookie)
    ctx.say(f"list: {first_page.target.summary()}; floor {first_page.floor.rps:.0f} req/s")
    last_page = ctx.compare(deep_page, cookie=cookie)
    ctx.say(f"deep page: {last_page.target.summary()}")
    results = [
        Result.throughput(f"journal list, {total:,} entries", first_page, at_least=LIST_TARGET),
        Result.throughput(
            f"journal list, page {total // 25} (keyset)", last_page, at_least=LIST_TARGET, note=deep_page
        ),
    ]

    # Throughput of each search against the floor, under the run's concurrent load.
    loaded_p95: dict[str, float] = {}
    for name, path in searches.items():
        comparison = ctx.compare(path, cookie=cookie)
        ctx.say(f"search, {name}: {comparison.target.summary()}")
        loaded_p95[name] = comparison.target.p95_ms
        results.append(
            Result.throughput(
                f"journal search, {name}", comparison, at_least=0.0, note="reported; the target is p95 latency"
            )
        )

    # The latency a writer sees: one client at a time, so the figure is the search's own cost and not the
    # queue in front of two workers (that queue is in the throughput rows above).
    alone = {name: ctx.measure(path, cookie=cookie, concurrency=1) for name, path in searches.items()}
    floor_alone = ctx.measure("/bench/floor/", cookie=cookie, concurrency=1)
    slowest = max(alone, key=lambda name: alone[name].p95_ms)
    for name, measurement in alone.items():
        ctx.say(f"search alone, {name}: {measurement.summary()}")
    ctx.say(f"floor alone: {floor_alone.summary()}")
    results.append(
        Result.at_most(
            f"journal search p95, {total:,} entries",
            alone[slowest].p95_ms,
            limit=SEARCH_P95_LIMIT_MS,
            unit="ms",
            errors=sum(measurement.errors for measurement in alone.values()),
            note=f"slowest search ({slowest}), one client; floor p95 alone {floor_alone.p95_ms:.0f} ms",
            details={
                "one_client": {name: measurement.as_dict() for name, measurement in alone.items()},
                "floor_one_client": floor_alone.as_dict(),
                "p95_under_concurrent_load_ms": {name: round(value, 1) for name, value in loaded_p95.items()},
            },
        )
    )
    return results
