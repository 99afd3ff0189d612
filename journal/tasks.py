"""Celery tasks for the journal: thin wrappers that call a service."""

from celery import shared_task

from journal import services


@shared_task
def empty_trash() -> int:
    """Delete entries that have been in Trash for more than 30 days."""
    return services.trash_empty()
