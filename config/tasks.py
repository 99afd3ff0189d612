"""Tasks that belong to the whole service rather than one part of it."""

import os

from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> dict[str, object]:
    """Answers from inside a worker: used to prove the broker and a worker are really connected."""
    return {"pong": True, "worker_pid": os.getpid()}
