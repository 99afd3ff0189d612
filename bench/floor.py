"""The floor every page benchmark is measured against: a signed-in, bare view behind the full middleware stack."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def floor_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!DOCTYPE html><title>floor</title><p>floor</p>")
