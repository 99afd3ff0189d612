"""The access log, told as visits: "Dr. K read 3 entries on Tuesday, 18:02". Pure functions, no database."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Opens closer together than this belong to one sitting.
VISIT_GAP = timedelta(minutes=30)


@dataclass(frozen=True)
class Opening:
    """One recorded open: of the shared view (entry_id None) or of one entry."""

    at: datetime
    entry_id: int | None


@dataclass
class Visit:
    started_at: datetime  # in the writer's zone
    ended_at: datetime
    entry_ids: set[int] = field(default_factory=set)

    @property
    def entries_read(self) -> int:
        return len(self.entry_ids)


def group_into_visits(openings: Iterable[Opening], zone: ZoneInfo) -> list[Visit]:
    """Newest visit first. Openings may arrive in any order."""
    visits: list[Visit] = []
    for opening in sorted(openings, key=lambda item: item.at):
        local = opening.at.astimezone(zone)
        if not visits or local - visits[-1].ended_at > VISIT_GAP:
            visits.append(Visit(started_at=local, ended_at=local))
        visit = visits[-1]
        visit.ended_at = local
        if opening.entry_id is not None:
            visit.entry_ids.add(opening.entry_id)
    visits.reverse()
    return visits


def when_words(moment: datetime, today: date) -> str:
    """ "today, 18:02", "Tuesday, 18:02" within the week, "3 March, 18:02" this year, else with the year."""
    day = moment.date()
    clock = moment.strftime("%H:%M")
    if day == today:
        return f"today, {clock}"
    if day == today - timedelta(days=1):
        return f"yesterday, {clock}"
    if today - timedelta(days=6) <= day < today:
        return f"{moment.strftime('%A')}, {clock}"
    if day.year == today.year:
        return f"{day.day} {moment.strftime('%B')}, {clock}"
    return f"{day.day} {moment.strftime('%B')} {day.year}, {clock}"


def visit_sentence(visit: Visit, *, reader: str, today: date) -> str:
    when = when_words(visit.started_at, today)
    # "on Tuesday" but "today" and "yesterday" stand alone.
    on = "" if when.startswith(("today", "yesterday")) else "on "
    if visit.entries_read == 0:
        return f"{reader} opened what you share {on}{when}"
    noun = "entry" if visit.entries_read == 1 else "entries"
    return f"{reader} read {visit.entries_read} {noun} {on}{when}"
