"""The writer's view of their access log: recent openings told as visits, in the writer's time zone."""

from dataclasses import dataclass
from datetime import datetime

from connections.sharing.models import AccessEvent, Share
from connections.sharing.visits import Opening, group_into_visits, visit_sentence

# Enough for months of weekly sessions; older openings stay in the table but are not summarised.
RECENT_OPENINGS = 500
VISITS_SHOWN = 20


@dataclass(frozen=True)
class VisitLine:
    sentence: str
    started_at: datetime


def access_log_for(share: Share) -> list[VisitLine]:
    rows = AccessEvent.objects.filter(share=share).order_by("-at").values_list("at", "kind", "entry_id")
    openings = [
        Opening(at=at, entry_id=entry_id if kind == AccessEvent.Kind.ENTRY else None)
        for at, kind, entry_id in rows[:RECENT_OPENINGS]
    ]
    zone = share.writer.zone
    today = share.writer.local_today()
    return [
        VisitLine(
            sentence=visit_sentence(visit, reader=share.practitioner_name, today=today),
            started_at=visit.started_at,
        )
        for visit in group_into_visits(openings, zone)[:VISITS_SHOWN]
    ]
