"""Signed links in reminder emails: one salt per purpose, so a snooze link can never unsubscribe.

A token carries only ids (the email, and the person for per-person links), signed with SECRET_KEY and a
timestamp. Every purpose but unsubscribing expires; RFC 8058 wants an unsubscribe link to keep working.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.core import signing


class Purpose(StrEnum):
    REACHED_OUT = "reached-out"
    SNOOZE = "snooze"
    PAUSE = "pause"
    UNSUBSCRIBE = "unsubscribe"


PER_PERSON = frozenset({Purpose.REACHED_OUT, Purpose.SNOOZE})
# Long enough for an email read late after a holiday; short enough that an old email stops acting.
LINK_LIFETIME = timedelta(days=30)
MAX_AGE: dict[Purpose, timedelta | None] = {
    Purpose.REACHED_OUT: LINK_LIFETIME,
    Purpose.SNOOZE: LINK_LIFETIME,
    Purpose.PAUSE: LINK_LIFETIME,
    Purpose.UNSUBSCRIBE: None,
}


class BadLinkError(Exception):
    """A tampered, expired or wrong-purpose link: the caller shows a friendly page and changes nothing."""

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class LinkClaim:
    nudge_id: int
    person_id: int | None


def _salt(purpose: Purpose) -> str:
    return f"held.nudges.{purpose.value}"


def make_token(purpose: Purpose, *, nudge_id: int, person_id: int | None = None) -> str:
    if (purpose in PER_PERSON) != (person_id is not None):
        raise ValueError(f"{purpose} links {'need' if purpose in PER_PERSON else 'take no'} person")
    payload: dict[str, int] = {"n": nudge_id}
    if person_id is not None:
        payload["p"] = person_id
    return signing.dumps(payload, salt=_salt(purpose))


def read_token(purpose: Purpose, token: str) -> LinkClaim:
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=MAX_AGE[purpose])
    except signing.SignatureExpired as error:
        raise BadLinkError(expired=True) from error
    except signing.BadSignature as error:
        raise BadLinkError() from error
    try:
        nudge_id = int(payload["n"])
        person_id = int(payload["p"]) if purpose in PER_PERSON else None
    except (KeyError, TypeError, ValueError) as error:
        raise BadLinkError() from error
    return LinkClaim(nudge_id=nudge_id, person_id=person_id)
