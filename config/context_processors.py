from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def outbox_is_local() -> bool:
    return settings.DEBUG and settings.MAILERS["default"]["BACKEND"] == "accounts.outbox.OutboxBackend"


# Set (as a bare flag, never with text) when a saved entry contained crisis language; shown once.
CRISIS_BANNER_SESSION_KEY = "held_crisis_banner"


def held(request: HttpRequest) -> dict[str, object]:
    show_crisis_banner = bool(
        getattr(request, "session", None) and request.session.pop(CRISIS_BANNER_SESSION_KEY, False)
    )
    return {
        "show_outbox_link": outbox_is_local(),
        "show_crisis_banner": show_crisis_banner,
        # Asked only by the header, and only for a signed-in account: does anyone share with them?
        "reads_shared_journals": SimpleLazyObject(lambda: _reads_shared_journals(request)),
    }


def _reads_shared_journals(request: HttpRequest) -> bool:
    from connections.sharing.models import Share

    user = request.user
    return bool(user.is_authenticated and Share.objects.for_practitioner(user).active().exists())
