import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import DeleteAccountForm, ImportForm, ProfileForm
from accounts.models import ImportJob
from accounts.portability.export import export_filename, export_zip
from accounts.portability.plan import ImportFileError
from accounts.portability.reading import too_big_message
from accounts.portability.schema import max_upload_bytes
from accounts.portability.services import import_start
from accounts.portability.uploads import ImportSizeLimit
from accounts.services import account_delete
from accounts.sessions import signed_in_sessions

logger = logging.getLogger(__name__)


def _settings_context(request: HttpRequest, **overrides: Any) -> dict[str, Any]:
    return {
        "profile_form": ProfileForm(instance=request.user),
        "import_form": ImportForm(),
        "import_max_megabytes": max_upload_bytes() // (1024 * 1024),
        "recent_imports": ImportJob.objects.filter(owner=request.user)[:3],
        "signed_in": signed_in_sessions(request.user, current_session_key=request.session.session_key),
        **overrides,
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("settings")
    return render(request, "accounts/settings.html", _settings_context(request, profile_form=form))


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user=user)
        messages.info(request, "Your account and everything in it are deleted.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


# --- export and import ---------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def export_download(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(request.user)}"'
    logger.info("export started user_id=%s", request.user.pk)
    return response


@csrf_exempt
@login_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    # The size limit has to be in place before anything reads the body, CSRF included; the CSRF check
    # then runs in _import_upload, as Django's documentation on upload handlers describes.
    request.upload_handlers.insert(0, ImportSizeLimit(request, limit=max_upload_bytes()))
    return _import_upload(request)


@csrf_protect
def _import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if getattr(request, "import_too_large", False):
        form.add_error("file", too_big_message())
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_start(user=request.user, file=upload.file, name=upload.name, size=upload.size)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("import_progress", job_id=job.pk)
    context = _settings_context(request, import_form=form)
    return render(request, "accounts/settings.html", context, status=400)


def _own_import(request: HttpRequest, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, owner=request.user)


@never_cache
@login_required
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _own_import(request, job_id)
    return render(request, "accounts/import_progress.html", {"job": job, "report": _report_lines(job)})


@never_cache
@login_required
@require_GET
def import_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = _own_import(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "finished": job.is_finished,
        }
    )


KIND_WORDS = {
    "entry": ("entry", "entries"),
    "draft": ("draft", "drafts"),
    "prompt": ("prompt", "prompts"),
    "person": ("person", "people"),
    "contact": ("logged contact", "logged contacts"),
    "safety_plan": ("safety plan", "safety plans"),
    "reminders": ("reminder settings", "reminder settings"),
}


def _counted(counts: dict[str, int]) -> str:
    parts = []
    for kind, (one, many) in KIND_WORDS.items():
        count = counts.get(kind, 0)
        if count:
            parts.append(f"{count:,} {one if count == 1 else many}")
    return ", ".join(parts)


def _report_lines(job: ImportJob) -> dict[str, Any]:
    report = job.report or {}
    return {
        "created": _counted(report.get("created", {})),
        "already_here": _counted(report.get("already_here", {})),
        "left_out": sorted((report.get("left_out") or {}).items()),
    }
