"""Celery tasks for sharing: thin wrappers that take an id and call a service."""

from celery import shared_task

from connections.sharing import services


@shared_task
def send_share_invitation(share_id: int) -> bool:
    return services.share_invitation_deliver(share_id=share_id)


@shared_task
def send_read_notice(share_id: int) -> bool:
    return services.read_notice_deliver(share_id=share_id)
