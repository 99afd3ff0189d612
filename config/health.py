"""/healthz: is Held alive, and can it reach what it depends on? Always 200 with JSON while the app runs."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # any failure is a status to report, not a crash
        logger.warning("healthz: database unreachable", exc_info=True)
        return "unavailable"


def broker_status() -> str:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=1,
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
        return "ok"
    except Exception:
        logger.warning("healthz: broker unreachable")
        return "unavailable"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    overall = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return JsonResponse({"status": overall, **checks})
