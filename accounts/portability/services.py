"""Starting and running imports: the upload is checked and parsed in the request, written by a worker."""

import logging
from datetime import timedelta
from typing import IO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.keyring import cipher_for
from accounts.models import ImportJob, User
from accounts.portability.apply import PlanWriter
from accounts.portability.importers.daylio import plan_from_daylio
from accounts.portability.importers.dayone import plan_from_dayone
from accounts.portability.importers.held import is_held_export, plan_from_held
from accounts.portability.plan import ImportFileError, ImportPlan
from accounts.portability.reading import identify, load_json

logger = logging.getLogger(__name__)

PLAN_FIELD = "import.plan"
# A job still "running" this long after it started lost its worker; the redelivered task may take it over.
STALE_AFTER = timedelta(minutes=15)


def plan_for_upload(*, user: User, file: IO[bytes], name: str, size: int) -> ImportPlan:
    """Check and parse the file completely. Raises ImportFileError, having written nothing."""
    upload = identify(file, name=name, size=size)
    if upload.kind == "daylio":
        plan = plan_from_daylio(upload.members, zone=user.zone)
    else:
        documents = [(member.name, load_json(member)) for member in upload.members]
        if upload.kind == "held" or (upload.kind == "json" and is_held_export(documents[0][1])):
            plan = plan_from_held(documents[0][1])
        else:
            plan = plan_from_dayone(documents, zone=user.zone)
    if plan.total == 0 and not plan.tags:
        raise ImportFileError("There is nothing in this file to import.")
    return plan


def import_start(*, user: User, file: IO[bytes], name: str, size: int) -> ImportJob:
    plan = plan_for_upload(user=user, file=file, name=name, size=size)
    sealed = cipher_for(user).seal_bytes(plan.to_bytes(), field=PLAN_FIELD)
    with transaction.atomic():
        job = ImportJob.objects.create(owner=user, source=plan.source, total=plan.total, plan_sealed=sealed)
        transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    logger.info("import queued job_id=%s source=%s steps=%s", job.pk, job.source, job.total)
    return job


def _enqueue(job_id: int) -> None:
    from accounts.tasks import run_import

    run_import.delay(job_id)


def import_run(*, job_id: int) -> str:
    """Write a queued import. Claimed by one conditional UPDATE, so a redelivered task never runs it twice."""
    now = timezone.now()
    claimable = Q(status=ImportJob.Status.QUEUED) | Q(status=ImportJob.Status.RUNNING, started_at__lt=now - STALE_AFTER)
    if not ImportJob.objects.filter(claimable, pk=job_id).update(status=ImportJob.Status.RUNNING, started_at=now):
        return "not claimed"
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    try:
        plan = ImportPlan.from_bytes(cipher_for(job.owner).open_bytes(job.plan_sealed, field=PLAN_FIELD))
        writer = PlanWriter(user=job.owner, plan=plan, progress=lambda done: _progress(job_id, done))
        report = writer.write()
    except Exception as error:
        # The class only: a database error's message can quote values (tag names, people's names).
        logger.error("import failed job_id=%s error=%s", job_id, type(error).__name__)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(), plan_sealed=b"", report={"failed": True}
        )
        return "failed"
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), plan_sealed=b"", report=report, done=job.total
    )
    logger.info("import done job_id=%s created=%s", job_id, sum(report["created"].values()))
    return "done"


def _progress(job_id: int, done: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(done=done)
