"""Celery tasks for reminders: thin wrappers that take ids and call a service.

Late acknowledgement and prefetch 1 come from settings (CELERY_TASK_ACKS_LATE, CELERY_WORKER_PREFETCH_MULTIPLIER):
a worker that dies leaves its message unacknowledged, and the database decides whether it is sent again.
"""

from celery import shared_task

from connections.nudges import services


@shared_task(ignore_result=True)
def sweep_due_nudges() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): claim due writers, write their deliveries, enqueue the sends."""
    report = services.nudges_sweep()
    return len(report.created)


@shared_task(ignore_result=True, acks_late=True)
def send_nudges(nudge_ids: list[int]) -> list[str]:
    """Send a few deliveries, each claimed on its own, over one SMTP connection (what the sweep enqueues)."""
    return services.nudges_send(nudge_ids=nudge_ids)


@shared_task(ignore_result=True, acks_late=True)
def send_nudge(nudge_id: int) -> str:
    """Send one delivery if it can still be claimed; retries are scheduled by the service, never far ahead."""
    return services.nudge_send(nudge_id=nudge_id)
