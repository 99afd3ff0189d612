"""The insights page and the late-night note's dismissal. Thin: parse, scope to the writer, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from connections.models import Contact
from journal.insights_context import chart_options, insights_chart_context
from journal.insights_home import dismiss_late_night_note
from journal.models import Entry


@never_cache
@login_required
def insights_page(request: HttpRequest) -> HttpResponse:
    period, year = chart_options(request.GET)
    context = insights_chart_context(
        Entry.objects.for_owner(request.user),
        request.user,
        Contact.objects.for_owner(request.user),
        period=period,
        year=year,
    )
    return render(request, "journal/insights.html", context)


@require_POST
@login_required
def dismiss_late_night(request: HttpRequest) -> HttpResponse:
    dismiss_late_night_note(request.user, request.session)
    messages.info(request, "Okay. We won’t ask again this week.")
    return redirect("home")
