"""Views for sharing: thin. Each resource has one access helper; a stranger always gets 404.

Every response here is `Cache-Control: no-store` (never_cache), so a revoke is seen on the very next request
and no shared page lingers in a browser or proxy cache.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections.models import Person
from connections.sharing import reading, services, tokens
from connections.sharing.access_log import access_log_for
from connections.sharing.forms import AgendaForm, ShareScopeForm, ShareStartForm, submitted_tags_are_own
from connections.sharing.models import AccessEvent, Share
from connections.sharing.moods import mood_chart_for
from connections.sharing.querysets import accepted_share_with_writer
from connections.sharing.signals import READS_SHARED_JOURNALS_KEY
from journal.insights import Period
from journal.models import Entry
from journal.querysets import Cursor

# --- access helpers -----------------------------------------------------------------------------------


def _share_for_writer(request: HttpRequest, share_id: int) -> Share:
    shares = Share.objects.for_writer(request.user).select_related("writer", "writer__data_key", "person")
    return get_object_or_404(shares, pk=share_id)


def _share_for_practitioner(request: HttpRequest, share_id: int) -> Share:
    """The share if this account accepted it, ended or not, with the writer's key; anyone else gets 404."""
    share = accepted_share_with_writer(share_id, request.user)
    if share is None:
        raise Http404
    return share


def _ended(request: HttpRequest, share: Share) -> HttpResponse:
    return render(request, "sharing/ended.html", {"share": share}, status=410)


ShareView = Callable[..., HttpResponse]


def practitioner_view(view: ShareView) -> ShareView:
    """Loads the practitioner's share; an ended one answers "This share has ended" and the view never runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, share_id: int, **kwargs: object) -> HttpResponse:
        share = _share_for_practitioner(request, share_id)
        if share.has_ended():
            return _ended(request, share)
        return view(request, share, **kwargs)

    return login_required(never_cache(wrapper))


def _safe_next(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _period(request: HttpRequest) -> Period:
    return Period.MONTH if request.GET.get("by") == "month" else Period.WEEK


# --- the practitioner's side ------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def practice_home(request: HttpRequest) -> HttpResponse:
    shares = Share.objects.for_practitioner(request.user).active().select_related("writer").order_by("ends_at")
    return render(request, "sharing/practice_home.html", {"shares": shares})


def _feed_context(share: Share, request: HttpRequest, *, preview: bool) -> dict[str, object]:
    cursor = Cursor.parse(request.GET.get("after"))
    feed_name = "sharing:share_preview" if preview else "sharing:practice_feed"
    return {
        "read_mark_words": "Marked read" if preview else "You marked this read",
        "share": share,
        "writer_name": services.writer_label(share.writer),
        "page": reading.feed_page(share, cursor, entry_links=reverse(feed_name, args=[share.pk]) + "entries/"),
        "is_first_page": cursor is None,
        "agenda": reading.agenda_text(share) if cursor is None else "",
        "preview": preview,
    }


@practitioner_view
@require_GET
def practice_feed(request: HttpRequest, share: Share) -> HttpResponse:
    services.share_record_open(share=share, reader=request.user, kind=AccessEvent.Kind.FEED)
    return render(request, "sharing/feed.html", _feed_context(share, request, preview=False))


@practitioner_view
@require_GET
def practice_entry(request: HttpRequest, share: Share, entry_id: int) -> HttpResponse:
    entry = reading.shared_entry(share, entry_id)
    if entry is None:
        raise Http404
    services.share_record_open(share=share, reader=request.user, kind=AccessEvent.Kind.ENTRY, entry_id=entry.id)
    context = {"share": share, "writer_name": services.writer_label(share.writer), "entry": entry, "preview": False}
    return render(request, "sharing/entry.html", context)


@practitioner_view
@require_POST
def practice_mark_read(request: HttpRequest, share: Share, entry_id: int) -> HttpResponse:
    entry = reading.scoped_entry(share, entry_id)
    if entry is None:
        raise Http404
    services.share_mark_read(share=share, entry=entry, read=request.POST.get("read") != "0")
    return redirect("sharing:practice_entry", share.pk, entry.pk)


@practitioner_view
@require_GET
def practice_moods(request: HttpRequest, share: Share) -> HttpResponse:
    if not share.include_moods:
        raise Http404
    services.share_record_open(share=share, reader=request.user, kind=AccessEvent.Kind.MOODS)
    context = {"share": share, "writer_name": services.writer_label(share.writer), "preview": False}
    return render(request, "sharing/moods.html", {**context, "chart": mood_chart_for(share, _period(request))})


# --- the invitation -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = tokens.read_invitation_token(token)
    except tokens.InvitationInvalidError as error:
        raise Http404 from error
    except tokens.InvitationExpiredError:
        return render(request, "sharing/invitation_expired.html", status=410)
    share = get_object_or_404(Share.objects.select_related("writer"), pk=claim.share_id, invitation_nonce=claim.nonce)
    if share.accepted_at is not None:
        # Already accepted: the practitioner goes to the feed (or "ended"); anyone else learns nothing.
        if request.user.is_authenticated and share.practitioner_id == request.user.pk:
            return redirect("sharing:practice_feed", share.pk)
        raise Http404
    if share.has_ended():
        return _ended(request, share)
    context = {"share": share, "writer_name": services.writer_label(share.writer), "refusal": ""}
    if not request.user.is_authenticated:
        return render(request, "sharing/invitation.html", context)
    if request.method == "POST":
        try:
            services.share_accept(share=share, user=request.user)
        except services.InvitationRefusedError as refusal:
            context["refusal"] = refusal.reason
        else:
            request.session[READS_SHARED_JOURNALS_KEY] = True
            messages.success(request, f"You can now read what {context['writer_name']} shares with you.")
            return redirect("sharing:practice_feed", share.pk)
    else:
        context["refusal"] = services.acceptance_refusal(share=share, user=request.user) or ""
    return render(request, "sharing/invitation.html", context)


# --- the writer's side -----------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def share_list(request: HttpRequest) -> HttpResponse:
    shares = Share.objects.for_writer(request.user).select_related("person")
    return render(request, "sharing/share_list.html", {"shares": shares})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def share_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.filter(owner=request.user), pk=person_id)
    if not person.is_professional:
        raise Http404
    current = Share.objects.for_writer(request.user).not_ended().filter(person=person).first()
    if current is not None:
        return redirect("sharing:share_detail", current.pk)
    if request.method == "POST" and not submitted_tags_are_own(request.POST, request.user):
        raise Http404
    form = ShareStartForm(request.POST or None, writer=request.user, initial={"email": person.email})
    if request.method == "POST" and form.is_valid():
        share = services.share_start(writer=request.user, person=person, **form.cleaned_data)
        messages.success(request, f"We have sent {person.name} an invitation. It works for 14 days.")
        return redirect("sharing:share_detail", share.pk)
    return render(request, "sharing/share_new.html", {"person": person, "form": form})


def _share_detail_context(share: Share, **forms: object) -> dict[str, object]:
    picks = list(
        share.picks.select_related("entry").filter(entry__deleted_at__isnull=True).order_by("-entry__entry_date")
    )
    marks = reading.read_marks_for_writer(share)
    return {
        "share": share,
        "picked_count": len(picks),
        "read_marks": marks,
        "visits": access_log_for(share),
        "agenda_form": forms.get("agenda_form")
        or AgendaForm(initial={"agenda": reading.agenda_text(share)}, prefix="agenda"),
        "scope_form": forms.get("scope_form") or _scope_form_for(share),
    }


def _scope_form_for(share: Share, data: object = None) -> ShareScopeForm:
    initial = {
        "tags": list(share.tags.all()),
        "entries_from": share.entries_from,
        "include_moods": share.include_moods,
        "ends_on": share.ends_on,
        "notify_on_read": share.notify_on_read,
    }
    return ShareScopeForm(data, writer=share.writer, initial=initial)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def share_detail(request: HttpRequest, share_id: int) -> HttpResponse:
    share = _share_for_writer(request, share_id)
    if request.method == "POST":
        if share.has_ended():
            messages.info(request, "This share has ended, so there is nothing to change.")
            return redirect("sharing:share_detail", share.pk)
        if not submitted_tags_are_own(request.POST, request.user):
            raise Http404
        form = _scope_form_for(share, request.POST)
        if form.is_valid():
            services.share_update_scope(share=share, **form.cleaned_data)
            messages.success(request, f"Saved. {share.practitioner_name} sees the new choices on their next visit.")
            return redirect("sharing:share_detail", share.pk)
        return render(request, "sharing/share_detail.html", _share_detail_context(share, scope_form=form), status=400)
    return render(request, "sharing/share_detail.html", _share_detail_context(share))


@login_required
@never_cache
@require_POST
def share_agenda(request: HttpRequest, share_id: int) -> HttpResponse:
    share = _share_for_writer(request, share_id)
    if share.has_ended():
        return redirect("sharing:share_detail", share.pk)
    form = AgendaForm(request.POST, prefix="agenda")
    if form.is_valid():
        services.share_update_agenda(share=share, agenda=form.cleaned_data["agenda"])
        messages.success(request, "Your notes for the next session are saved.")
        return redirect("sharing:share_detail", share.pk)
    return render(request, "sharing/share_detail.html", _share_detail_context(share, agenda_form=form), status=400)


@login_required
@never_cache
@require_POST
def share_revoke(request: HttpRequest, share_id: int) -> HttpResponse:
    share = _share_for_writer(request, share_id)
    services.share_revoke(share=share)
    messages.success(request, f"Sharing with {share.practitioner_name} has stopped.")
    return redirect("sharing:share_detail", share.pk)


@login_required
@never_cache
@require_POST
def share_resend(request: HttpRequest, share_id: int) -> HttpResponse:
    share = _share_for_writer(request, share_id)
    if share.accepted_at is None and not share.has_ended():
        services.share_resend_invitation(share=share)
        messages.success(request, f"We have sent {share.practitioner_name} a new invitation.")
    return redirect("sharing:share_detail", share.pk)


@login_required
@never_cache
@require_POST
def share_entry_switch(request: HttpRequest, share_id: int, entry_id: int) -> HttpResponse:
    """The "Share with Dr. K" switch on an entry page."""
    share = _share_for_writer(request, share_id)
    entry = get_object_or_404(Entry.objects.filter(owner=request.user, deleted_at__isnull=True), pk=entry_id)
    if share.has_ended():
        raise Http404
    services.share_pick_entry(share=share, entry=entry, picked=request.POST.get("picked") == "1")
    return HttpResponseRedirect(_safe_next(request, reverse("sharing:share_detail", args=[share.pk])))


@login_required
@never_cache
@require_GET
def share_preview(request: HttpRequest, share_id: int) -> HttpResponse:
    share = _share_for_writer(request, share_id)
    return render(request, "sharing/feed.html", _feed_context(share, request, preview=True))


@login_required
@never_cache
@require_GET
def share_preview_entry(request: HttpRequest, share_id: int, entry_id: int) -> HttpResponse:
    share = _share_for_writer(request, share_id)
    entry = reading.shared_entry(share, entry_id)
    if entry is None:
        raise Http404
    context = {"share": share, "writer_name": services.writer_label(share.writer), "entry": entry, "preview": True}
    return render(request, "sharing/entry.html", context)


@login_required
@never_cache
@require_GET
def share_preview_moods(request: HttpRequest, share_id: int) -> HttpResponse:
    share = _share_for_writer(request, share_id)
    if not share.include_moods:
        raise Http404
    context = {"share": share, "writer_name": services.writer_label(share.writer), "preview": True}
    return render(request, "sharing/moods.html", {**context, "chart": mood_chart_for(share, _period(request))})


@never_cache
@require_http_methods(["GET", "POST"])
def read_notices_off(request: HttpRequest, token: str) -> HttpResponse:
    """One click from the email, no login: stop the "something you shared was read" emails for this share."""
    share_id = tokens.read_notice_off_share_id(token)
    if share_id is None or not Share.objects.filter(pk=share_id).exists():
        raise Http404
    if request.method == "POST":
        services.share_turn_off_read_notices(share_id=share_id)
        return render(request, "sharing/read_notices_off.html", {"done": True})
    return render(request, "sharing/read_notices_off.html", {"done": False})
