"""Logging out leaves nothing of the session behind on the server."""

from typing import Any

from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_out
from django.http import HttpRequest


def _forget_user_session(sender: type, request: HttpRequest | None, **kwargs: Any) -> None:
    # Django deletes the session itself; allauth would keep its record (address, browser) until the next
    # listing purged it. Sent before the session is flushed, so the key is still known here.
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def connect() -> None:
    user_logged_out.connect(_forget_user_session, dispatch_uid="accounts.forget_user_session")
