"""Import from Settings: the file is checked at once, written by a worker, and its progress is shown."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.keyring import cipher_for
from accounts.models import ImportJob
from accounts.portability.services import import_run
from journal.models import Entry

pytestmark = pytest.mark.django_db


def daylio_csv(days: int) -> bytes:
    rows = ["full_date,date,weekday,time,mood,activities,note_title,note"]
    for n in range(days):
        day = f"20{10 + n // 365:02d}-{1 + (n % 365) // 28 % 12:02d}-{1 + n % 28:02d}"
        rows.append(f"{day},,,{n % 24:02d}:{n % 60:02d},good,walk | friends,,Row {n} about the allotment.")
    return ("\n".join(rows) + "\n").encode()


def upload(client, data: bytes, name: str = "daylio_export.csv"):
    return client.post("/settings/import/", {"file": SimpleUploadedFile(name, data)})


def test_uploading_starts_an_import_and_shows_where_it_is(writer_client, writer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = upload(writer_client, daylio_csv(3))

    job = ImportJob.objects.get(owner=writer)
    assert response.status_code == 302
    assert response["Location"] == f"/settings/import/{job.pk}/"
    assert len(enqueued) == 1  # the worker is asked once the job is committed
    assert (job.status, job.total, job.done) == ("queued", 3, 0)
    page = writer_client.get(response["Location"])
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "Waiting to start" in html
    assert '<progress id="import-progress-bar" max="3" value="0">' in html
    assert writer_client.get(f"/settings/import/{job.pk}/status/").json() == {
        "status": "queued",
        "done": 0,
        "total": 3,
        "percent": 0,
        "finished": False,
    }


def test_when_the_import_is_done_the_page_says_what_was_added_and_what_was_left_out(writer_client, writer):
    upload(writer_client, daylio_csv(3) + b"2026-01-01,,,10:00,ecstatic,,,\n")
    job = ImportJob.objects.get(owner=writer)

    assert import_run(job_id=job.pk) == "done"

    html = writer_client.get(f"/settings/import/{job.pk}/").content.decode()
    assert "Your import is done" in html
    assert "Added: 4 entries." in html
    assert "Moods other than Daylio&#x27;s five (kept without a mood): 1" in html
    status = writer_client.get(f"/settings/import/{job.pk}/status/").json()
    assert (status["status"], status["done"], status["percent"], status["finished"]) == ("done", 4, 100, True)


def test_the_waiting_file_is_kept_sealed_and_dropped_once_imported(writer_client, writer):
    upload(writer_client, daylio_csv(2))
    job = ImportJob.objects.get(owner=writer)
    assert b"allotment" not in bytes(job.plan_sealed)
    assert len(job.plan_sealed) > 0

    import_run(job_id=job.pk)

    job.refresh_from_db()
    assert bytes(job.plan_sealed) == b""
    assert "allotment" not in str(job.report)


def test_an_import_is_run_once_even_if_its_task_arrives_twice(writer_client, writer):
    upload(writer_client, daylio_csv(2))
    job = ImportJob.objects.get(owner=writer)
    assert import_run(job_id=job.pk) == "done"
    assert import_run(job_id=job.pk) == "not claimed"
    assert Entry.objects.filter(owner=writer).count() == 2


def test_progress_moves_batch_by_batch(writer_client, writer):
    from django.db import connection

    upload(writer_client, daylio_csv(600))
    job = ImportJob.objects.get(owner=writer)
    seen: list[int] = []

    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "accounts_importjob" SET "done"'):
            seen.append(params[0])
        return result

    with connection.execute_wrapper(watch):
        import_run(job_id=job.pk)

    assert seen == [250, 500, 600]


def test_settings_lists_recent_imports(writer_client, writer):
    upload(writer_client, daylio_csv(1))
    job = ImportJob.objects.get(owner=writer)
    html = writer_client.get("/settings/").content.decode()
    assert f'href="/settings/import/{job.pk}/"' in html
    assert "Daylio CSV" in html


def test_a_strangers_import_is_not_found(client, writer_client, writer, stranger):
    upload(writer_client, daylio_csv(1))
    job = ImportJob.objects.get(owner=writer)
    client.force_login(stranger)
    assert client.get(f"/settings/import/{job.pk}/").status_code == 404
    assert client.get(f"/settings/import/{job.pk}/status/").status_code == 404


def test_an_import_slow_to_start_says_so_without_alarm(writer_client, writer):
    import datetime

    from django.utils import timezone

    job = ImportJob.objects.create(owner=writer, source="daylio", total=10)
    html = writer_client.get(f"/settings/import/{job.pk}/").content.decode()
    assert "taking longer than usual" not in html
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    html = writer_client.get(f"/settings/import/{job.pk}/").content.decode()
    assert "This is taking longer than usual to start." in html


def test_a_failed_import_says_what_to_do(writer_client, writer):
    job = ImportJob.objects.create(owner=writer, source="daylio", total=10, done=4, status="failed")
    html = writer_client.get(f"/settings/import/{job.pk}/").content.decode()
    assert "The import stopped part way" in html
    assert "Import the same file again to finish: nothing is added twice." in html


@pytest.mark.integration
def test_a_real_worker_imports_while_the_page_shows_progress(client, writer, celery_worker_process):
    client.force_login(writer)
    response = upload(client, daylio_csv(1500))
    assert response.status_code == 302
    status_url = response["Location"] + "status/"

    observed = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status = client.get(status_url).json()
        observed.append(status["done"])
        if status["finished"]:
            break
        time.sleep(0.05)

    assert status["status"] == "done", status
    assert observed == sorted(observed)  # progress only ever moves forward
    assert any(0 < done < 1500 for done in observed), observed
    assert Entry.objects.filter(owner=writer).count() == 1500
    entry = Entry.objects.filter(owner=writer).order_by("entry_date").first()
    assert "allotment" in entry.body(cipher_for(writer))


def test_the_upload_form_is_on_settings(writer_client):
    html = writer_client.get("/settings/").content.decode()
    assert 'action="/settings/import/#import"' in html
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file">File to import</label>' in html


def test_import_needs_a_signed_in_post(writer_client):
    from django.test import Client

    assert writer_client.get("/settings/import/").status_code == 405
    response = Client().post("/settings/import/", {"file": SimpleUploadedFile("a.csv", daylio_csv(1))})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not ImportJob.objects.exists()
