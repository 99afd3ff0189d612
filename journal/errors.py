"""A friendly page for a request body too big to accept (config.urls.handler400 points here).

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE while the CSRF check reads the form, before any
view or database write, and hands the error to handler400. Writing pages keep their text in the
browser, so the page can promise the text is still there.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # Back to the page that was posted from, if it is a journal page (never an arbitrary path).
        back_to = request.path if request.path.startswith("/journal/") else "/journal/new/"
        return render(request, "journal/too_large.html", {"back_to": back_to}, status=413)
    return defaults.bad_request(request, exception)
