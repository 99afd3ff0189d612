"""Remember, once per sign-in, whether this account reads anyone's shared journal (for the header link)."""

from typing import Any

from django.http import HttpRequest

from accounts.models import User

# A bare flag in the session, so the header needs no query on every page.
READS_SHARED_JOURNALS_KEY = "reads_shared_journals"


def remember_shared_journals(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    from connections.sharing.models import Share

    request.session[READS_SHARED_JOURNALS_KEY] = Share.objects.for_practitioner(user).active().exists()
