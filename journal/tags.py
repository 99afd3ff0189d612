"""Tag names as a writer types them: split, tidied, compared without regard to case."""

import re
import unicodedata

MAX_TAG_LENGTH = 50
MAX_TAGS_PER_ENTRY = 20
_SPACES = re.compile(r"\s+")
_LEADING_HASH = re.compile(r"^#+")


def parse_tag_names(raw: str) -> list[str]:
    """'Family, work ,family,  #garden' -> ['Family', 'work', 'garden']: first spelling of each name wins."""
    names: list[str] = []
    seen: set[str] = set()
    printable = "".join(" " if unicodedata.category(char).startswith("C") else char for char in raw)
    for part in printable.split(","):
        name = _SPACES.sub(" ", _LEADING_HASH.sub("", part.strip())).strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names
