"""The insights page and the late-night note's dismissal. Thin: parse, scope to the writer, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.stamped_cache import StampedReadings
from connections.models import Contact
from journal.insights_context import chart_options, insights_chart_context
from journal.insights_home import dismiss_late_night_note
from journal.models import Entry

# A page's figures are a few hundred kilobytes of SVG and tables at most.
kept_figures = StampedReadings("journal_journalstamp", max_readings=64)


@never_cache
@login_required
def insights_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    period, year = chart_options(request.GET)
    today = user.local_today()
    # Kept per process while the writer's journal stamp stays the same (config/stamped_cache.py): the figures
    # change when entries, their tags or the contact log do, or when the writer's day or time zone does.
    context = kept_figures.get(
        user.pk,
        (period, year, today, user.time_zone),
        lambda: insights_chart_context(
            Entry.objects.for_owner(user), user, Contact.objects.for_owner(user), period=period, year=year, today=today
        ),
    )
    return render(request, "journal/insights.html", context)


@require_POST
@login_required
def dismiss_late_night(request: HttpRequest) -> HttpResponse:
    dismiss_late_night_note(request.user, request.session)
    messages.info(request, "Okay. We won’t ask again this week.")
    return redirect("home")
