"""Crisis language in a saved entry.

The journal calls `contains_crisis_language(text)` when an entry is saved; when it is true, the next page
shows a calm banner (templates/connections/_crisis_banner.html) pointing to the safety plan, crisis lines
and the writer's chosen people. Nothing else happens: no one is contacted, nothing is sent, saving is never
blocked, and neither the text nor the phrase that matched is logged anywhere.

The phrases live in connections/data/crisis_phrases.txt, with the rules for reading them at its top.
"""

import re
from functools import cache
from pathlib import Path

PHRASES_FILE = Path(__file__).resolve().parent / "data" / "crisis_phrases.txt"

_NOT_A_WORD_CHARACTER = re.compile(r"[^\w']+")
_UNDERSCORE = re.compile(r"_+")


@cache
def _phrase_patterns() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    sections: dict[str, list[str]] = {"signals": [], "ordinary": []}
    current: list[str] | None = None
    for raw_line in PHRASES_FILE.read_text(encoding="utf-8").splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections[line[1:-1]]
            continue
        if current is None:
            raise ValueError(f"{PHRASES_FILE.name}: a phrase before any [section]: {line!r}")
        current.append(line)

    def alternation(lines: list[str]) -> str:
        return r"\b(?:" + "|".join(f"(?:{line})" for line in lines) + r")\b"

    signals = re.compile(alternation(sections["signals"]))
    ordinary = re.compile(alternation(sections["ordinary"])) if sections["ordinary"] else None
    return signals, ordinary


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, with straight apostrophes."""
    text = text.casefold().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _UNDERSCORE.sub(" ", _NOT_A_WORD_CHARACTER.sub(" ", text))
    # An apostrophe that is not inside a word ('quoted') is only punctuation.
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text)
    return " ".join(text.split())


def contains_crisis_language(text: str) -> bool:
    if not text:
        return False
    signals, ordinary = _phrase_patterns()
    words = normalise(text)
    if ordinary is not None:
        # Blank out everyday phrasings ("could die of embarrassment") before looking for signals.
        words = ordinary.sub(" ", words)
    return signals.search(words) is not None
