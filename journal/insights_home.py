"""What insights add to the signed-in home page (filled in by the Insights work)."""

from accounts.models import User


def insights_home_context(user: User) -> dict[str, object]:
    return {}
