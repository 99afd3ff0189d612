from django.conf import settings
from django.http import HttpRequest

from connections.sharing.signals import READS_SHARED_JOURNALS_KEY


def outbox_is_local() -> bool:
    return settings.DEBUG and settings.MAILERS["default"]["BACKEND"] == "accounts.outbox.OutboxBackend"


# Set (as a bare flag, never with text) when a saved entry contained crisis language; shown once.
CRISIS_BANNER_SESSION_KEY = "held_crisis_banner"


def held(request: HttpRequest) -> dict[str, object]:
    session = getattr(request, "session", None)
    show_crisis_banner = bool(session and session.pop(CRISIS_BANNER_SESSION_KEY, False))
    return {
        "show_outbox_link": outbox_is_local(),
        "show_crisis_banner": show_crisis_banner,
        # Set at sign-in and on accepting a share (connections/sharing/signals.py): no query per page.
        "reads_shared_journals": bool(session and session.get(READS_SHARED_JOURNALS_KEY)),
    }
