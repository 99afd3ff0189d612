"""Journal pages. Thin: parse, authorise (owner-scoped reads, so a stranger gets 404), call a service, render."""

import calendar
import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.crypto import words_of
from accounts.keyring import cipher_for
from config.context_processors import CRISIS_BANNER_SESSION_KEY
from connections.crisis import contains_crisis_language
from connections.panels import after_entry_context
from journal import services
from journal.display import draft_row, entry_row, mood_word
from journal.forms import EntryFilterForm, EntryForm, WriterPromptForm
from journal.markdown import render_markdown
from journal.models import MOOD_CHOICES, Draft, Entry, Tag, WriterPrompt
from journal.prompts import PROMPT_GROUPS, offer_prompt, prompt_library
from journal.querysets import Cursor

PAGE_SIZE = 25
# Set for one page view after a save: the entry page then shows "who could you tell?" once.
JUST_SAVED_SESSION_KEY = "journal_just_saved"


# --- access helpers: one per resource, 404 for anything that is not the writer's ----------------


def _id_or_404(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None


def _entry_or_404(request: HttpRequest, entry_id: int) -> Entry:
    return get_object_or_404(Entry.objects.for_owner(request.user), pk=entry_id)


def _trashed_entry_or_404(request: HttpRequest, entry_id: int) -> Entry:
    return get_object_or_404(Entry.objects.owned_by(request.user).in_trash(), pk=entry_id)


def _draft_or_none(request: HttpRequest, draft_id: object) -> Draft | None:
    return Draft.objects.for_owner(request.user).filter(pk=_id_or_404(draft_id)).first()


def _own_prompt_texts(request: HttpRequest) -> list[str]:
    return list(WriterPrompt.objects.for_owner(request.user).values_list("text", flat=True))


# --- list, search, filters ------------------------------------------------------------------------


@never_cache
@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filter_form = EntryFilterForm(request.GET)
    filters = filter_form.filters()
    entries = Entry.objects.for_owner(user)
    search_words = words_of(filters.get("q", ""))
    if search_words:
        cipher = cipher_for(user)
        entries = entries.matching_all_tokens(sorted({cipher.search_token(word) for word in search_words}))
    if "tag" in filters:
        entries = entries.with_tag_named(filters["tag"])
    if "mood" in filters:
        entries = entries.filter(mood=filters["mood"])
    if "from" in filters:
        entries = entries.on_or_after(filters["from"])
    if "to" in filters:
        entries = entries.on_or_before(filters["to"])

    page, has_newer, has_older = _keyset_page(entries, request.GET)
    cipher = cipher_for(user)
    rows = [entry_row(entry, cipher) for entry in page]
    base_query = request.GET.copy()
    for key in ("after", "before"):
        base_query.pop(key, None)
    context = {
        "rows": rows,
        "filter_form": filter_form,
        "is_filtered": bool(filters),
        "search_words": search_words,
        "writer_tags": list(Tag.objects.for_owner(user).values_list("name", flat=True)),
        "older_query": _with_cursor(base_query, "after", rows[-1]) if has_older and rows else "",
        "newer_query": _with_cursor(base_query, "before", rows[0]) if has_newer and rows else "",
        "first_page_query": base_query.urlencode(),
        "is_first_page": not has_newer,
        "mood_choices": [("", "Any mood"), *MOOD_CHOICES],
    }
    return render(request, "journal/list.html", context)


def _keyset_page(entries: Any, params: Any) -> tuple[list[Entry], bool, bool]:
    """One page newest first, plus whether newer and older pages exist. Never OFFSET: page 400 costs
    what page 1 costs."""
    entries = entries.for_list_rows().with_tag_names()
    before = Cursor.parse(params.get("before"))
    after = Cursor.parse(params.get("after"))
    if before:
        page = list(entries.newer_than(before).order_by("entry_date", "id")[: PAGE_SIZE + 1])
        has_newer = len(page) > PAGE_SIZE
        page = list(reversed(page[:PAGE_SIZE]))
        if page:
            return page, has_newer, True
        after = None  # nothing newer any more: show the first page
    if after:
        page = list(entries.older_than(after).newest_first()[: PAGE_SIZE + 1])
        return page[:PAGE_SIZE], True, len(page) > PAGE_SIZE
    page = list(entries.newest_first()[: PAGE_SIZE + 1])
    return page[:PAGE_SIZE], False, len(page) > PAGE_SIZE


def _with_cursor(query: Any, key: str, row: Any) -> str:
    query = query.copy()
    query[key] = str(Cursor(row.entry_date, row.id))
    return query.urlencode()


# --- writing ------------------------------------------------------------------------------------


@never_cache
@login_required
def entry_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    own_prompts = _own_prompt_texts(request)
    known_prompts = prompt_library(own_prompts)
    draft = None
    if request.method == "POST":
        form = EntryForm(request.POST, today=user.local_today(), known_prompts=known_prompts)
        if form.is_valid():
            data = form.cleaned_data
            entry = services.entry_create(user=user, draft_id=data["draft"], **_entry_content(data))
            return _after_save(request, entry, data)
    elif request.method in ("GET", "HEAD"):
        initial: dict[str, Any] = {"entry_date": user.local_today(), "prompt": offer_prompt(own_prompts)}
        if "draft" in request.GET:
            draft = _draft_or_none(request, request.GET["draft"])
            if draft is None:
                messages.info(request, "That draft was already saved or discarded.")
            elif draft.entry_id:
                return redirect(f"{reverse('journal:edit', args=[draft.entry_id])}?draft={draft.pk}")
            else:
                initial = _initial_from_draft(request, draft)
        form = EntryForm(initial=initial, today=user.local_today(), known_prompts=known_prompts)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "journal/compose.html", _compose_context(request, form, draft=draft, entry=None))


@never_cache
@login_required
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request.user
    entry = _entry_or_404(request, entry_id)
    known_prompts = prompt_library(_own_prompt_texts(request))
    if entry.prompt:
        known_prompts.append(entry.prompt)  # a prompt since removed from the library stays with its entry
    draft = None
    if request.method == "POST":
        form = EntryForm(request.POST, today=user.local_today(), known_prompts=known_prompts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.entry_update(
                    user=user,
                    entry=entry,
                    expected_version=data["version"] or 0,
                    draft_id=data["draft"],
                    **_entry_content(data),
                )
            except services.StaleVersionError as conflict:
                return _conflict_page(request, form, conflict.current)
            return _after_save(request, entry, data)
    elif request.method in ("GET", "HEAD"):
        cipher = cipher_for(user)
        initial = {
            "title": entry.title(cipher),
            "body": entry.body(cipher),
            "entry_date": entry.entry_date,
            "mood": entry.mood,
            "feelings": entry.feelings,
            "tags": ", ".join(tag.name for tag in entry.tags.all()),
            "prompt": entry.prompt,
            "version": entry.version,
        }
        if "draft" in request.GET:
            draft = _draft_or_none(request, request.GET["draft"])
            if draft is None or draft.entry_id != entry.pk:
                messages.info(request, "Those changes were already saved or discarded.")
                draft = None
            else:
                initial = _initial_from_draft(request, draft, fallback_version=entry.version)
        form = EntryForm(initial=initial, today=user.local_today(), known_prompts=known_prompts)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    context = _compose_context(request, form, draft=draft, entry=entry)
    context["other_drafts"] = [
        draft_row(other, cipher_for(user), user.zone)
        for other in Draft.objects.for_owner(user).filter(entry=entry).exclude(pk=draft.pk if draft else None)
    ]
    return render(request, "journal/compose.html", context)


def _entry_content(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "body": data["body"],
        "entry_date": data["entry_date"],
        "mood": data["mood"],
        "feelings": data["feelings"],
        "tag_names": data["tags"],
        "prompt": data["prompt"],
    }


def _initial_from_draft(request: HttpRequest, draft: Draft, fallback_version: int | None = None) -> dict[str, Any]:
    cipher = cipher_for(request.user)
    fields = draft.fields or {}
    return {
        "title": draft.title(cipher),
        "body": draft.body(cipher),
        "entry_date": fields.get("entry_date") or request.user.local_today(),
        "mood": fields.get("mood") or None,
        "feelings": fields.get("feelings") or [],
        "tags": fields.get("tags") or "",
        "prompt": fields.get("prompt") or "",
        "version": fields.get("version") or fallback_version,
        "draft": draft.pk,
    }


def _compose_context(request: HttpRequest, form: EntryForm, *, draft: Draft | None, entry: Entry | None) -> dict:
    user = request.user
    own_prompts = _own_prompt_texts(request)
    return {
        "form": form,
        "entry": entry,
        "draft": draft,
        "saved_at": _local_time(request, draft.updated_at) if draft else "",
        "storage_key": f"held:{user.pk}:entry:{entry.pk}" if entry else f"held:{user.pk}:new",
        "prompt_library": prompt_library(own_prompts),
        # Most-used first: the suggestions under the tags field show a few of these.
        "writer_tags": list(
            Tag.objects.for_owner(user)
            .annotate(uses=Count("entries"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)
        ),
        "draft_count": Draft.objects.for_owner(user).count(),
    }


def _after_save(request: HttpRequest, entry: Entry, data: dict[str, Any]) -> HttpResponse:
    # Only a bare flag reaches the session; the text itself is never kept or logged.
    if contains_crisis_language(f"{data['title']}\n{data['body']}"):
        request.session[CRISIS_BANNER_SESSION_KEY] = True
    request.session[JUST_SAVED_SESSION_KEY] = entry.pk
    return redirect("journal:detail", entry_id=entry.pk)


def _conflict_page(request: HttpRequest, form: EntryForm, current: Entry) -> HttpResponse:
    """Another tab saved first. Keep this tab's version as a draft and let the writer choose."""
    data = form.cleaned_data
    draft = services.draft_autosave(
        user=request.user,
        draft_id=data["draft"],
        entry=current,
        title=data["title"],
        body=data["body"],
        fields={**request.POST.dict(), "feelings": data["feelings"], "version": data["version"]},
        recreate=True,
    )
    cipher = cipher_for(request.user)
    mine = {
        "title": data["title"],
        "body": data["body"],
        "entry_date": data["entry_date"],
        "mood_word": mood_word(data["mood"]),
        "feelings": data["feelings"],
        "tags": data["tags"],
    }
    theirs = {
        "title": current.title(cipher),
        "body": current.body(cipher),
        "entry_date": current.entry_date,
        "mood_word": mood_word(current.mood),
        "feelings": current.feelings,
        "tags": [tag.name for tag in current.tags.all()],
        "updated_at": _local_time(request, current.updated_at),
    }
    context = {
        "entry": current,
        "mine": mine,
        "theirs": theirs,
        "draft": draft,
        "form": form,
        "storage_key": f"held:{request.user.pk}:entry:{current.pk}",
        "hidden_fields": _hidden_fields_for_conflict(data),
        "current_version": current.version,
    }
    return render(request, "journal/conflict.html", context, status=409)


def _hidden_fields_for_conflict(data: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [
        ("entry_date", data["entry_date"].isoformat()),
        ("mood", str(data["mood"] or "")),
        ("tags", ", ".join(data["tags"])),
        ("prompt", data["prompt"]),
    ]
    pairs += [("feelings", word) for word in data["feelings"]]
    return pairs


# --- reading --------------------------------------------------------------------------------------


@never_cache
@login_required
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(request, entry_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    cipher = cipher_for(request.user)
    just_saved = request.session.pop(JUST_SAVED_SESSION_KEY, None) == entry.pk
    context = {
        "entry": entry,
        "title": entry.title(cipher),
        "body_html": render_markdown(entry.body(cipher)),
        "mood_word": mood_word(entry.mood),
        "tags": list(entry.tags.all()),
        "just_saved": just_saved,
        "storage_key": f"held:{request.user.pk}",
    }
    if just_saved:
        context.update(after_entry_context(request.user, entry))
    return render(request, "journal/detail.html", context)


# --- Trash ----------------------------------------------------------------------------------------


@never_cache
@login_required
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry_or_404(request, entry_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.entry_move_to_trash(user=request.user, entry=entry)
    messages.info(request, "Moved to Trash. You can restore it from there for 30 days.")
    return redirect("journal:list")


@never_cache
@login_required
def entry_restore(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _trashed_entry_or_404(request, entry_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.entry_restore(user=request.user, entry=entry)
    messages.info(request, "Restored. It's back in your journal.")
    return redirect("journal:detail", entry_id=entry.pk)


@never_cache
@login_required
def entry_delete_forever(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _trashed_entry_or_404(request, entry_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.entry_delete_forever(user=request.user, entry=entry)
    messages.info(request, "Deleted for good.")
    return redirect("journal:trash")


@never_cache
@login_required
def trash(request: HttpRequest) -> HttpResponse:
    cipher = cipher_for(request.user)
    entries = Entry.objects.owned_by(request.user).in_trash().with_tag_names().order_by("-deleted_at")
    zone = request.user.zone
    rows = [(entry_row(entry, cipher), services.trash_expires_on(entry).astimezone(zone).date()) for entry in entries]
    return render(request, "journal/trash.html", {"rows": rows, "trash_days": services.TRASH_DAYS})


# --- calendar -------------------------------------------------------------------------------------


@never_cache
@login_required
def month_calendar(request: HttpRequest) -> HttpResponse:
    today = request.user.local_today()
    month = _parse_month(request.GET.get("month")) or today.replace(day=1)
    counts = dict(
        Entry.objects.for_owner(request.user)
        .filter(entry_date__year=month.year, entry_date__month=month.month)
        .values_list("entry_date")
        .annotate(count=Count("id"))
        .values_list("entry_date", "count")
    )
    weeks = [
        [{"day": day, "in_month": day.month == month.month, "count": counts.get(day, 0)} for day in week]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(month.year, month.month)
    ]
    previous_month = (month - datetime.timedelta(days=1)).replace(day=1)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    context = {
        "month": month,
        "weeks": weeks,
        "weekday_names": [calendar.day_name[(calendar.MONDAY + offset) % 7] for offset in range(7)],
        "today": today,
        "previous_month": previous_month,
        "next_month": next_month if next_month <= today else None,
        "entry_days": sum(1 for count in counts.values() if count),
    }
    return render(request, "journal/calendar.html", context)


def _parse_month(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


# --- drafts and autosave --------------------------------------------------------------------------


@never_cache
@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    cipher = cipher_for(request.user)
    drafts = Draft.objects.for_owner(request.user).select_related("entry").order_by("-updated_at")
    rows = [draft_row(draft, cipher, request.user.zone) for draft in drafts]
    return render(request, "journal/drafts.html", {"rows": rows})


@never_cache
@login_required
def draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = get_object_or_404(Draft.objects.for_owner(request.user), pk=draft_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.draft_discard(user=request.user, draft=draft)
    if draft.entry_id and request.POST.get("then") == "entry":
        messages.info(request, "Kept the saved version; the other one is discarded.")
        return redirect("journal:detail", entry_id=draft.entry_id)
    messages.info(request, "Draft discarded.")
    return redirect("journal:drafts")


@never_cache
def draft_autosave(request: HttpRequest) -> HttpResponse:
    """JSON for the writing page's autosave. Signed out is a 401 (not a login redirect) so the page can
    keep the text in the browser and offer to sign in again."""
    if not request.user.is_authenticated:
        return JsonResponse({"status": "signed_out"}, status=401)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry = None
    if request.POST.get("entry"):
        entry = get_object_or_404(Entry.objects.for_owner(request.user), pk=_id_or_404(request.POST["entry"]))
    draft_id = _id_or_404(request.POST["draft"]) if request.POST.get("draft") else None
    title = request.POST.get("title", "")[: services.MAX_DRAFT_CHARS + 1]
    body = request.POST.get("body", "").replace("\r\n", "\n")
    if len(title) + len(body) > services.MAX_DRAFT_CHARS:
        # Refused whole, never cut: the page keeps the text in the browser and says so.
        return JsonResponse({"status": "too_long"}, status=413)
    fields = {**request.POST.dict(), "feelings": request.POST.getlist("feelings")}
    draft = services.draft_autosave(
        user=request.user, draft_id=draft_id, entry=entry, title=title, body=body, fields=fields
    )
    if draft is None:
        return JsonResponse({"status": "gone"}, status=410)
    return JsonResponse({"status": "saved", "draft": draft.pk, "saved_at": _local_time(request, draft.updated_at)})


def _local_time(request: HttpRequest, moment: datetime.datetime) -> str:
    local = timezone.localtime(moment, request.user.zone)
    if local.date() == request.user.local_today():
        return local.strftime("%H:%M")
    return f"{local.day} {local:%b} {local:%H:%M}"


# --- prompts --------------------------------------------------------------------------------------


@never_cache
@login_required
def prompt_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = WriterPromptForm(request.POST)
        if form.is_valid():
            services.writer_prompt_add(user=request.user, text=form.cleaned_data["text"])
            messages.info(request, "Added. It can now be offered when you write.")
            return redirect("journal:prompts")
    else:
        form = WriterPromptForm()
    context = {
        "form": form,
        "groups": PROMPT_GROUPS,
        "own_prompts": WriterPrompt.objects.for_owner(request.user),
    }
    return render(request, "journal/prompts.html", context)


@never_cache
@login_required
def prompt_remove(request: HttpRequest, prompt_id: int) -> HttpResponse:
    prompt = get_object_or_404(WriterPrompt.objects.for_owner(request.user), pk=prompt_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.writer_prompt_remove(user=request.user, prompt=prompt)
    messages.info(request, "Removed.")
    return redirect("journal:prompts")
