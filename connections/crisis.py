"""Crisis language in a saved entry (filled in by the Reach out work)."""


def contains_crisis_language(text: str) -> bool:
    return False
