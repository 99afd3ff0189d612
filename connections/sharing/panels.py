"""The panels sharing puts on other parts' pages: on an entry (the switch, "Read by") and on a professional."""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from connections.models import Person
from connections.sharing.models import ReadMark, Share, SharedEntry
from connections.sharing.querysets import entries_in_scope


@dataclass(frozen=True)
class EntryShareSwitch:
    share: Share
    picked: bool
    # Why the entry is shared anyway, whatever the switch says ("tagged sleep", "written on or after ...").
    shared_by_rule: bool


@dataclass(frozen=True)
class ReadBy:
    name: str
    marked_at: datetime


def entry_share_panel_context(user: User, entry: object) -> dict[str, object]:
    entry_id = getattr(entry, "pk", None)
    if not user.is_authenticated or entry_id is None or getattr(entry, "owner_id", None) != user.pk:
        return {"switches": [], "read_by": []}
    shares = list(Share.objects.for_writer(user).not_ended().order_by("practitioner_name", "pk"))
    picked = set(SharedEntry.objects.filter(share__in=shares, entry_id=entry_id).values_list("share_id", flat=True))
    switches = []
    for share in shares:
        by_rule = entries_in_scope(share, include_picks=False).filter(pk=entry_id).exists()
        switches.append(EntryShareSwitch(share=share, picked=share.pk in picked, shared_by_rule=by_rule))
    marks = ReadMark.objects.filter(share__writer=user, entry_id=entry_id).select_related("share")
    read_by = [ReadBy(name=mark.share.practitioner_name, marked_at=mark.marked_at) for mark in marks]
    return {"entry": entry, "switches": switches, "read_by": read_by, "zone": user.zone}


def person_share_panel_context(user: User, person: Person) -> dict[str, object]:
    if not user.is_authenticated or person.owner_id != user.pk or not person.is_professional:
        return {"person": None}
    current = Share.objects.for_writer(user).not_ended().filter(person=person).first()
    return {"person": person, "current_share": current}
