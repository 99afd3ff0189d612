"""Celery tasks for nudges: thin wrappers that call a service (filled in by the Nudges work)."""

from celery import shared_task


@shared_task
def sweep_due_nudges() -> int:
    """Claim writers whose next nudge is due and enqueue their emails."""
    return 0
