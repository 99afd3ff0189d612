"""What the journal adds to the signed-in home page."""

from accounts.models import User


def journal_home_context(user: User) -> dict[str, object]:
    return {}
