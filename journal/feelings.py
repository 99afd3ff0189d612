"""The fixed vocabulary of feeling words, grouped in families.

A fixed list (rather than free text) keeps feelings comparable over time for insights, and keeps
them safe to store in the clear: they are labels the writer picks, never their own words.
"""

FEELING_FAMILIES: dict[str, tuple[str, ...]] = {
    "Calm": ("calm", "content", "relieved", "peaceful", "rested", "safe"),
    "Glad": ("happy", "hopeful", "proud", "excited", "playful", "grateful"),
    "Close": ("connected", "loved", "understood", "supported", "held", "tender"),
    "Low": ("sad", "lonely", "disappointed", "grieving", "hurt", "homesick"),
    "Uneasy": ("anxious", "worried", "overwhelmed", "restless", "scared", "unsure"),
    "Heated": ("angry", "frustrated", "irritated", "resentful", "jealous", "ashamed"),
    "Spent": ("tired", "drained", "numb", "flat", "bored", "stuck"),
}

FEELING_WORDS: frozenset[str] = frozenset(word for words in FEELING_FAMILIES.values() for word in words)


def family_of(word: str) -> str | None:
    for family, words in FEELING_FAMILIES.items():
        if word in words:
            return family
    return None


def in_vocabulary_order(words: list[str]) -> list[str]:
    """Known words, deduplicated, in the order the form shows them (so the same pick reads the same)."""
    chosen = set(words)
    return [word for family_words in FEELING_FAMILIES.values() for word in family_words if word in chosen]
