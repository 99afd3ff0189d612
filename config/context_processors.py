from django.conf import settings
from django.http import HttpRequest


def outbox_is_local() -> bool:
    return settings.DEBUG and settings.MAILERS["default"]["BACKEND"] == "accounts.outbox.OutboxBackend"


def held(request: HttpRequest) -> dict[str, object]:
    return {"show_outbox_link": outbox_is_local()}
