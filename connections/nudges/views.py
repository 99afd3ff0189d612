"""Reminder settings (signed in) and the links in reminder emails (no login: the signed token is the key).

A GET on an email link only shows a confirmation page, because mail scanners open links; the change happens
on POST. Unsubscribing also accepts RFC 8058's one-click POST, which carries neither cookies nor a CSRF token.
"""

import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections.nudges import services
from connections.nudges.calendar import AllDayEvent, calendar_text
from connections.nudges.emails import absolute, site_domain
from connections.nudges.forms import ReminderSettingsForm
from connections.nudges.models import ReminderSettings
from connections.nudges.tokens import BadLinkError, Purpose, read_token

log = logging.getLogger(__name__)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    row = services.reminder_settings_for(request.user)
    form = ReminderSettingsForm(request.POST or None, instance=row, today=request.user.local_today())
    if request.method == "POST" and form.is_valid():
        services.reminder_settings_save(user=request.user, row=form.save(commit=False))
        messages.success(request, "Your reminder settings are saved.")
        return redirect(reverse("settings") + "#reminders")
    status = 400 if form.is_bound else 200
    return render(request, "nudges/settings.html", {"reminders_form": form}, status=status)


@login_required
@require_POST
def calendar_address(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "off":
        services.feed_turn_off(user=request.user)
        messages.success(request, "Your calendar address is turned off. Calendars using it will stop updating.")
    else:
        services.feed_token_regenerate(user=request.user)
        messages.success(request, "Your private calendar address is ready. Any older address no longer works.")
    return redirect(reverse("settings") + "#calendar")


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    row = ReminderSettings.objects.select_related("writer").filter(feed_token=token).first() if token else None
    if row is None or not row.writer.is_active:
        raise Http404
    writer = row.writer
    events = [
        AllDayEvent(
            uid=f"held-reach-out-{item.person_id}@{site_domain()}",
            day=item.day,
            summary=f"Reach out to {item.first_name}",
            description="From Held: a good day to get in touch.",
        )
        for item in services.upcoming_reach_outs(user=writer)
    ]
    body = calendar_text(events, now=timezone.now(), name="Held: reaching out")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="held-reach-outs.ics"'
    return response


# --- links in reminder emails ----------------------------------------------------------------------------


def _bad_link(request: HttpRequest, error: BadLinkError) -> HttpResponse:
    return render(request, "nudges/link_bad.html", {"expired": error.expired}, status=400)


def _link(request: HttpRequest, token: str, purpose: Purpose) -> HttpResponse:
    try:
        target = services.link_target(read_token(purpose, token))
    except BadLinkError as error:
        return _bad_link(request, error)
    writer = target.nudge.writer
    context = {
        "purpose": purpose.value,
        "first_name": target.first_name,
        "snooze_until": writer.local_today() + timedelta(days=services.SNOOZE_DAYS),
        "pause_until": writer.local_today() + timedelta(days=services.PAUSE_DAYS),
        "settings_url": absolute(reverse("settings")) + "#reminders",
    }
    if request.method != "POST":
        return render(request, "nudges/link_confirm.html", context)
    context["first_time"] = services.nudge_link_use(purpose=purpose, target=target)
    return render(request, "nudges/link_done.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def reached_out(request: HttpRequest, token: str) -> HttpResponse:
    return _link(request, token, Purpose.REACHED_OUT)


@never_cache
@require_http_methods(["GET", "POST"])
def snooze(request: HttpRequest, token: str) -> HttpResponse:
    return _link(request, token, Purpose.SNOOZE)


@never_cache
@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest, token: str) -> HttpResponse:
    return _link(request, token, Purpose.PAUSE)


# RFC 8058: a mail client's one-click POST has no session and no CSRF token. The signed token is the proof,
# and unsubscribing is the one action a forged request cannot turn against the writer.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _link(request, token, Purpose.UNSUBSCRIBE)
