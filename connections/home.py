"""What the reach-out part adds to the signed-in home page."""

from accounts.models import User


def connections_home_context(user: User) -> dict[str, object]:
    return {}
