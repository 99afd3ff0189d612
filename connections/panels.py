"""Panels the reach-out part offers to other pages (filled in by the Reach out work)."""

from accounts.models import User


def after_entry_context(user: User, entry: object) -> dict[str, object]:
    """Context for templates/connections/_after_entry_panel.html, shown after an entry is saved."""
    return {}
