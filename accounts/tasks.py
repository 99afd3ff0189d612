"""Celery tasks for accounts: thin wrappers that take an id and call a service."""

from celery import shared_task

from accounts.portability.services import import_run


@shared_task
def run_import(job_id: int) -> str:
    return import_run(job_id=job_id)
