"""What an import will write, worked out from the file before anything is written.

Every importer turns its file into an ImportPlan, checking everything on the way; a file that cannot be
read faithfully raises ImportFileError with a sentence for the writer, and nothing is written. The plan
carries each record's stable key (its id in the file), which is what makes importing twice harmless.
"""

import json
import zlib
from collections import Counter
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any


class ImportFileError(ValueError):
    """The file cannot be imported; the message says why, in words for the writer (never file content)."""


@dataclass
class ImportPlan:
    source: str
    tags: list[str] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    safety_plan: dict[str, Any] | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    reminders: dict[str, Any] | None = None
    # What the file held that Held does not import, by what it was: {"photos": 12, "shares": 1}.
    left_out: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Steps the progress bar counts: one per record, plus one each for the plan and the reminders."""
        lists = [self.prompts, self.people, self.contacts, self.entries, self.drafts]
        return sum(map(len, lists)) + int(self.safety_plan is not None) + int(self.reminders is not None)

    def to_bytes(self) -> bytes:
        # Not dataclasses.asdict: it rebuilds the Counter from (key, value) pairs, counting the pairs.
        fields = {item.name: getattr(self, item.name) for item in dataclass_fields(self)}
        fields["left_out"] = dict(self.left_out)
        return zlib.compress(json.dumps(fields, ensure_ascii=False).encode(), level=1)

    @classmethod
    def from_bytes(cls, data: bytes) -> "ImportPlan":
        fields = json.loads(zlib.decompress(data))
        fields["left_out"] = Counter(fields.get("left_out") or {})
        return cls(**fields)
