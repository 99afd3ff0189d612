from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class HeldAccountAdapter(DefaultAccountAdapter):
    """Held's hooks into allauth: behaviour changes live here, never in forked views."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # An operator can close sign-ups (for a private deployment) without touching code.
        return getattr(settings, "SIGNUP_OPEN", True)
