from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def help_page(request: HttpRequest) -> HttpResponse:
    # Open to everyone, signed in or not: help must never be behind a login.
    return render(request, "connections/help.html")
