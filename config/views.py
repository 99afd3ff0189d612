from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.outbox import read_outbox
from config.context_processors import outbox_is_local
from connections.home import connections_home_context
from journal.home import journal_home_context
from journal.insights_home import insights_home_context


@never_cache  # a writer's home shows entry titles ("On this day") and people
def home(request: HttpRequest) -> HttpResponse:
    """Visitors get the landing page; a signed-in writer gets their home."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    context = {
        **journal_home_context(request.user),
        **connections_home_context(request.user),
        **insights_home_context(request.user),
    }
    return render(request, "home.html", context)


def dev_outbox(request: HttpRequest) -> HttpResponse:
    """The local outbox, readable in the browser, only with DEBUG on and no real mailer configured."""
    if not outbox_is_local():
        raise Http404
    return render(request, "dev_outbox.html", {"sent_messages": read_outbox(settings.OUTBOX_DIR)})
