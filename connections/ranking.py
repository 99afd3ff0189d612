"""Who to reach out to, and why, in plain words. Pure and deterministic: same facts, same list.

Nothing here reads entry text: the only things it knows about the writing are dates, moods and tag names.

Reasons and their weights (a person's score is the sum of their reasons):

- too long    70 + days past due (up to 60)   "It's been 40 days; you said 30 days would be too long"
- due         40 + days past due (up to 30)   "It's been 24 days; you hoped for every 2 weeks"
- heavy       45                              "Your last entries were heavy; Dr. K is someone you chose for this"
- topic       30 + 5 per extra entry (to 45)  "You wrote about work twice this week; Sam is someone you talk
                                                with about work"
- their time  +3 in their daytime, -15 at night  "It's 19:10 for Ana"

Only the first four put someone on the list; their time is a hint added to a person who is already on it.
Ties go to whoever has been quiet longest, then by name, then by id, so the order never wobbles.
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from connections.rhythm import RhythmState, Standing, days_in_words, every_in_words, local_date, rhythm_state

# The window for "this week": today and the six days before it, in the writer's zone.
RECENT_DAYS = 7
HEAVY_MOODS = frozenset({1, 2})
# "Your last entries were heavy": at least two of the last three entries of the week were heavy.
HEAVY_LOOKBACK, HEAVY_AT_LEAST = 3, 2
# Their daytime, when a call is not an intrusion: 08:00 up to 21:59.
DAYTIME_HOURS = range(8, 22)


class ReasonKind(StrEnum):
    TOO_LONG = "too_long"
    DUE = "due"
    HEAVY = "heavy"
    TOPIC = "topic"
    THEIR_TIME = "their_time"


PRIMARY_REASONS = frozenset({ReasonKind.TOO_LONG, ReasonKind.DUE, ReasonKind.HEAVY, ReasonKind.TOPIC})


class PersonFacts(NamedTuple):
    """What ranking needs to know about one person; built from a Person row and the safety plan.

    A named tuple: the circle's reading makes one per person on every Reach out page."""

    id: int
    name: str
    first_name: str
    is_professional: bool
    time_zone: str
    topic_names: tuple[str, ...]
    ideal_every_days: int | None
    too_long_after_days: int | None
    last_contact_at: datetime | None
    created_at: datetime
    snoozed_until: date | None
    is_paused: bool
    # On the safety plan as someone to ask for help, or as a professional: "someone you chose for this".
    chosen_for_hard_days: bool = False


@dataclass(frozen=True)
class RecentEntry:
    """An entry of the last week, without a word of its text."""

    written_at: datetime
    entry_date: date
    mood: int | None
    tag_names: tuple[str, ...] = ()

    @cached_property
    def folded_tags(self) -> frozenset[str]:
        return frozenset(tag.casefold() for tag in self.tag_names)


@dataclass(frozen=True)
class RecentWriting:
    """The week's writing, indexed once per page so each of 200 people costs a lookup, not a scan."""

    entries: tuple[RecentEntry, ...]
    heavy: tuple[RecentEntry, ...]
    # For each tag (case-folded): when the entries carrying it were written, oldest first.
    tag_times: dict[str, list[datetime]]

    @classmethod
    def of(cls, entries: Iterable[RecentEntry]) -> "RecentWriting":
        entries = tuple(entries)
        tag_times: dict[str, list[datetime]] = {}
        for entry in entries:
            for tag in entry.folded_tags:
                tag_times.setdefault(tag, []).append(entry.written_at)
        for times in tag_times.values():
            times.sort()
        return cls(entries=entries, heavy=tuple(heavy_entries(entries)), tag_times=tag_times)

    def count_since(self, tag: str, moment: datetime | None) -> int:
        """Entries tagged `tag` (case-folded) written after `moment` (all of them when None)."""
        times = self.tag_times.get(tag, [])
        return len(times) if moment is None else len(times) - bisect_right(times, moment)


class Reason(NamedTuple):
    kind: ReasonKind
    # The sentence, or how to say it: ranking weighs every person but only a few are shown, so the
    # words are put together only when read.
    words: str | Callable[[], str]
    weight: int

    @property
    def text(self) -> str:
        return self.words() if callable(self.words) else self.words


class Suggestion(NamedTuple):
    """One person with every reason that applies now. Named tuples, like the facts they come from: a page
    weighs everyone in the circle and shows a handful."""

    person: PersonFacts
    rhythm: RhythmState
    reasons: tuple[Reason, ...] = ()

    @property
    def score(self) -> int:
        return sum(reason.weight for reason in self.reasons)

    @property
    def is_suggested(self) -> bool:
        return any(reason.kind in PRIMARY_REASONS for reason in self.reasons)

    def has(self, kind: ReasonKind) -> bool:
        return any(reason.kind == kind for reason in self.reasons)


# --- words ------------------------------------------------------------------------------------------


def times_in_words(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def quiet_in_words(rhythm: RhythmState, name: str) -> str:
    if rhythm.never_contacted:
        return f"It's been {days_in_words(rhythm.days_quiet)} since you added {name}"
    return f"It's been {days_in_words(rhythm.days_quiet)}"


# --- reasons ----------------------------------------------------------------------------------------


def _rhythm_reason(person: PersonFacts, rhythm: RhythmState) -> Reason | None:
    if rhythm.standing == Standing.TOO_LONG:

        def too_long() -> str:
            limit = days_in_words(rhythm.too_long_after_days)
            return f"{quiet_in_words(rhythm, person.first_name)}; you said {limit} would be too long"

        return Reason(ReasonKind.TOO_LONG, too_long, 70 + min(rhythm.days_past_due, 60))
    if rhythm.standing == Standing.DUE:

        def due() -> str:
            return (
                f"{quiet_in_words(rhythm, person.first_name)}; you hoped for {every_in_words(rhythm.ideal_every_days)}"
            )

        return Reason(ReasonKind.DUE, due, 40 + min(rhythm.days_past_due, 30))
    return None


def _since_last_contact(person: PersonFacts, entries: Iterable[RecentEntry]) -> list[RecentEntry]:
    # Writing that came after the writer last reached this person is what they have not heard yet.
    if person.last_contact_at is None:
        return list(entries)
    return [entry for entry in entries if entry.written_at > person.last_contact_at]


def _topic_reason(person: PersonFacts, writing: RecentWriting) -> Reason | None:
    if not person.topic_names:
        return None
    topics = {name.casefold(): name for name in person.topic_names}
    # Writing that came after the writer last reached this person is what they have not heard yet.
    counts = {key: writing.count_since(key, person.last_contact_at) for key in topics}
    counts = {key: count for key, count in counts.items() if count}
    if not counts:
        return None
    # The topic written about most; ties alphabetically, so the sentence is always the same one.
    topic_key = min(counts, key=lambda key: (-counts[key], key))
    count, topic = counts[topic_key], topics[topic_key]

    def words() -> str:
        return (
            f"You wrote about {topic} {times_in_words(count)} this week; "
            f"{person.first_name} is someone you talk with about {topic}"
        )

    return Reason(ReasonKind.TOPIC, words, 30 + min(5 * (count - 1), 15))


def heavy_entries(entries: Sequence[RecentEntry]) -> list[RecentEntry]:
    """The heavy ones among the last few entries, when enough of them were heavy to say so; else []."""
    latest = sorted(entries, key=lambda entry: (entry.entry_date, entry.written_at), reverse=True)[:HEAVY_LOOKBACK]
    heavy = [entry for entry in latest if entry.mood in HEAVY_MOODS]
    return heavy if len(heavy) >= HEAVY_AT_LEAST else []


def _heavy_reason(person: PersonFacts, heavy: Sequence[RecentEntry]) -> Reason | None:
    if not heavy or not (person.is_professional or person.chosen_for_hard_days):
        return None
    if not _since_last_contact(person, heavy):
        return None
    return Reason(
        ReasonKind.HEAVY, lambda: f"Your last entries were heavy; {person.first_name} is someone you chose for this", 45
    )


@lru_cache(maxsize=64)
def their_local_time(time_zone: str, *, writer_zone: ZoneInfo, now: datetime) -> datetime | None:
    """Their clock, when it differs from the writer's (same offset: nothing worth saying).

    Cached: a circle of 200 shares a handful of time zones, and one page asks with one `now` for all of them."""
    if not time_zone:
        return None
    try:
        their_zone = ZoneInfo(time_zone)
    except (KeyError, ValueError):
        return None
    theirs = now.astimezone(their_zone)
    if theirs.utcoffset() == now.astimezone(writer_zone).utcoffset():
        return None
    return theirs


def _time_reason(person: PersonFacts, *, writer_zone: ZoneInfo, now: datetime) -> Reason | None:
    theirs = their_local_time(person.time_zone, writer_zone=writer_zone, now=now)
    if theirs is None:
        return None
    if theirs.hour in DAYTIME_HOURS:
        return Reason(ReasonKind.THEIR_TIME, lambda: f"It's {theirs:%H:%M} for {person.first_name}", 3)
    return Reason(
        ReasonKind.THEIR_TIME,
        lambda: f"It's {theirs:%H:%M} for {person.first_name}; a message may be kinder than a call",
        -15,
    )


# --- ranking ----------------------------------------------------------------------------------------


def recent_window_start(*, writer_zone: ZoneInfo, now: datetime) -> date:
    return local_date(now, writer_zone) - timedelta(days=RECENT_DAYS - 1)


def assess(person: PersonFacts, writing: RecentWriting, *, writer_zone: ZoneInfo, now: datetime) -> Suggestion:
    """One person with every reason that applies to them now (maybe none)."""
    rhythm = rhythm_state(
        ideal_every_days=person.ideal_every_days,
        too_long_after_days=person.too_long_after_days,
        last_contact_at=person.last_contact_at,
        created_at=person.created_at,
        snoozed_until=person.snoozed_until,
        is_paused=person.is_paused,
        zone=writer_zone,
        now=now,
    )
    if person.is_paused or _is_snoozed(person, writer_zone, now):
        return Suggestion(person=person, rhythm=rhythm)
    reasons = [
        reason
        for reason in (
            _rhythm_reason(person, rhythm),
            _topic_reason(person, writing),
            _heavy_reason(person, writing.heavy),
        )
        if reason is not None
    ]
    if reasons:
        time_reason = _time_reason(person, writer_zone=writer_zone, now=now)
        if time_reason is not None:
            reasons.append(time_reason)
    return Suggestion(person=person, rhythm=rhythm, reasons=tuple(reasons))


def _is_snoozed(person: PersonFacts, writer_zone: ZoneInfo, now: datetime) -> bool:
    # Snoozing hides someone from suggestions for every reason, not only their rhythm.
    return person.snoozed_until is not None and local_date(now, writer_zone) < person.snoozed_until


def order_key(suggestion: Suggestion) -> tuple[int, int, str, int]:
    return (-suggestion.score, -suggestion.rhythm.days_quiet, suggestion.person.name.casefold(), suggestion.person.id)


def rank(
    people: Iterable[PersonFacts],
    entries: Iterable[RecentEntry],
    *,
    writer_zone: ZoneInfo,
    now: datetime,
) -> list[Suggestion]:
    """Everyone worth reaching out to now, best first, each with their reasons."""
    window_start = recent_window_start(writer_zone=writer_zone, now=now)
    writing = RecentWriting.of(entry for entry in entries if entry.entry_date >= window_start)
    assessed = (assess(person, writing, writer_zone=writer_zone, now=now) for person in people)
    return sorted((suggestion for suggestion in assessed if suggestion.is_suggested), key=order_key)
