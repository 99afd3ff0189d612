"""Signed links: the invitation (valid 14 days) and the one-click "stop read notices" link in emails.

Both carry ids and a nonce only, never anything the writer wrote.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

from connections.sharing.schedule import INVITATION_VALID_DAYS

INVITATION_SALT = "held.sharing.invitation"
READ_NOTICE_SALT = "held.sharing.read-notice-off"


class InvitationExpiredError(Exception):
    """A genuine invitation link, older than 14 days."""


class InvitationInvalidError(Exception):
    """A link Held did not make (or one edited by hand)."""


@dataclass(frozen=True)
class InvitationClaim:
    share_id: int
    nonce: str


def invitation_token(share_id: int, nonce: str) -> str:
    return signing.dumps({"share": share_id, "nonce": nonce}, salt=INVITATION_SALT)


def read_invitation_token(token: str) -> InvitationClaim:
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=timedelta(days=INVITATION_VALID_DAYS))
    except signing.SignatureExpired as error:
        raise InvitationExpiredError from error
    except signing.BadSignature as error:
        raise InvitationInvalidError from error
    if not isinstance(payload, dict) or not isinstance(payload.get("share"), int):
        raise InvitationInvalidError
    return InvitationClaim(share_id=payload["share"], nonce=str(payload.get("nonce", "")))


def read_notice_off_token(share_id: int) -> str:
    # No expiry: an unsubscribe link in an old email must still work.
    return signing.Signer(salt=READ_NOTICE_SALT).sign(str(share_id))


def read_notice_off_share_id(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=READ_NOTICE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
