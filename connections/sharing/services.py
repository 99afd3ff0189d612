"""Writes for sharing: starting, accepting, scoping, revoking, read marks, the access log and their emails.

Emails leave through Celery tasks enqueued on commit, so a rolled-back write never mails anyone, and carry no
journal text: only names, dates and links.
"""

import logging
from collections.abc import Iterable
from datetime import date
from functools import cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.keyring import cipher_for
from accounts.models import User
from connections.models import Person
from connections.sharing import emails, tokens
from connections.sharing.models import AccessEvent, ReadMark, Share, SharedEntry, new_invitation_nonce
from journal.models import Entry, Tag

logger = logging.getLogger(__name__)


class InvitationRefusedError(Exception):
    """This account may not accept this invitation; `reason` says why in words for the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def writer_label(writer: User) -> str:
    return writer.display_name or writer.email


# --- starting and ending ---------------------------------------------------------------------------


def share_start(
    *,
    writer: User,
    person: Person,
    email: str,
    ends_on: date,
    tags: Iterable[Tag] = (),
    entries_from: date | None = None,
    include_moods: bool = False,
    notify_on_read: bool = False,
) -> Share:
    """Create the share as an invitation and send the one email the practitioner gets when it starts."""
    share = Share(
        writer=writer,
        person=person,
        practitioner_name=person.name,
        invited_email=email,
        entries_from=entries_from,
        include_moods=include_moods,
        notify_on_read=notify_on_read,
    )
    share.set_end_date(ends_on)
    with transaction.atomic():
        share.save()
        share.tags.set(list(tags))
        _send_invitation_on_commit(share)
    logger.info("share started share_id=%s writer_id=%s", share.pk, writer.pk)
    return share


def share_resend_invitation(*, share: Share) -> None:
    """A fresh 14-day link; every earlier link for this share stops working."""
    share.invitation_nonce = new_invitation_nonce()
    share.invited_at = timezone.now()
    with transaction.atomic():
        share.save(update_fields=["invitation_nonce", "invited_at", "updated_at"])
        _send_invitation_on_commit(share)
    logger.info("share invitation resent share_id=%s", share.pk)


def _send_invitation_on_commit(share: Share) -> None:
    from connections.sharing.tasks import send_share_invitation

    share_id = share.pk
    transaction.on_commit(lambda: send_share_invitation.delay(share_id))


def share_invitation_deliver(*, share_id: int) -> bool:
    """Send the invitation email for a share still waiting; False (and no email) when there is nothing to send."""
    share = Share.objects.select_related("writer").filter(pk=share_id).first()
    if share is None or not share.invitation_is_usable():
        return False
    link = settings.SITE_URL + reverse(
        "sharing:invitation", args=[tokens.invitation_token(share.pk, share.invitation_nonce)]
    )
    emails.send_templated(
        "invitation",
        to=share.invited_email,
        context={
            "writer_name": writer_label(share.writer),
            "invited_email": share.invited_email,
            "link": link,
            "expires_at": share.invitation_expires_at,
            "ends_on": share.ends_on,
            "zone": share.writer.time_zone,
        },
    )
    logger.info("share invitation sent share_id=%s", share.pk)
    return True


def acceptance_refusal(*, share: Share, user: User) -> str | None:
    """Why `user` may not accept this invitation, in words for the page; None when they may."""
    if user.pk == share.writer_id:
        return "This is your own invitation: it is for the person you are sharing with."
    address = EmailAddress.objects.filter(user=user, email__iexact=share.invited_email).first()
    if address is None:
        return (
            "This invitation was sent to a different email address. Log out, then sign up or log in with "
            "the address it was sent to."
        )
    if not address.verified:
        return "Confirm your email address first: open the link we sent you, then come back to this page."
    return None


def share_accept(*, share: Share, user: User) -> None:
    """Make the share active for `user`, who must own the invited address, verified. Raises InvitationRefusedError."""
    refusal = acceptance_refusal(share=share, user=user)
    if refusal:
        raise InvitationRefusedError(refusal)
    # A conditional UPDATE: two tabs accepting at once, or an accept racing a revoke, cannot both win.
    now = timezone.now()
    accepted = (
        Share.objects.not_ended(now)
        .filter(pk=share.pk, accepted_at__isnull=True)
        .update(practitioner=user, accepted_at=now, updated_at=now)
    )
    if not accepted:
        raise InvitationRefusedError("This invitation can no longer be accepted.")
    share.refresh_from_db()
    logger.info("share accepted share_id=%s practitioner_id=%s", share.pk, user.pk)


def share_revoke(*, share: Share) -> None:
    """Ends the share now. Every access check reads revoked_at from the database, so the next request sees it."""
    Share.objects.filter(pk=share.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    share.refresh_from_db()
    logger.info("share revoked share_id=%s", share.pk)


# --- what is shared ----------------------------------------------------------------------------------


def share_update_scope(
    *,
    share: Share,
    tags: Iterable[Tag],
    entries_from: date | None,
    include_moods: bool,
    ends_on: date,
    notify_on_read: bool,
) -> None:
    share.entries_from = entries_from
    share.include_moods = include_moods
    share.notify_on_read = notify_on_read
    share.set_end_date(ends_on)
    with transaction.atomic():
        share.save()
        share.tags.set(list(tags))


def share_update_agenda(*, share: Share, agenda: str) -> None:
    share.seal_agenda(cipher_for(share.writer), agenda.strip())
    share.agenda_updated_at = timezone.now() if agenda.strip() else None
    share.save(update_fields=["agenda_sealed", "agenda_updated_at", "updated_at"])


def share_pick_entry(*, share: Share, entry: Entry, picked: bool) -> None:
    """The switch on an entry page. The caller has checked that both belong to the writer."""
    if picked:
        try:
            with transaction.atomic():
                SharedEntry.objects.get_or_create(share=share, entry=entry)
        except IntegrityError:
            pass  # Picked in another tab a moment ago: already what the writer asked for.
    else:
        SharedEntry.objects.filter(share=share, entry=entry).delete()


def share_turn_off_read_notices(*, share_id: int) -> None:
    Share.objects.filter(pk=share_id).update(notify_on_read=False, updated_at=timezone.now())


# --- the practitioner's side ------------------------------------------------------------------------


def share_record_open(*, share: Share, reader: User, kind: str, entry_id: int | None = None) -> None:
    """Every open of the shared view or an entry goes in the writer's access log.

    The row is committed without waiting for PostgreSQL to flush it to disk (synchronous_commit off, for this
    row's transaction only): that flush was most of the cost of a practitioner's page. The row is still written
    and visible at once; only a crash of the database server itself in the following fraction of a second could
    lose it. Writes that must never be lost (revoke, scope, read marks) keep the default.
    """
    event = AccessEvent(share=share, reader=reader, kind=kind, entry_id=entry_id)
    if connection.vendor == "postgresql":
        _insert_without_waiting_for_disk(event)
    else:
        event.save()
    if kind == AccessEvent.Kind.ENTRY:
        _notify_writer_of_read(share)


def _insert_without_waiting_for_disk(event: AccessEvent) -> None:
    # One statement, so one round trip. In a request it is its own transaction, and set_config(..., true) holds
    # until that transaction ends, after its commit is recorded: only this commit skips the flush. Inside a
    # caller's transaction it holds until that one ends, as SET LOCAL would.
    with connection.cursor() as cursor:
        cursor.execute(
            _access_event_insert_sql(),
            [event.share_id, event.reader_id, event.kind, event.entry_id, event.at],
        )


@cache
def _access_event_insert_sql() -> str:
    quote = connection.ops.quote_name
    meta = AccessEvent._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("share", "reader", "kind", "entry", "at"))
    # Only quoted names from model metadata go into the text; every value is a bound parameter.
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT %s, %s, %s, %s, %s"  # noqa: S608
        " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS without_waiting_for_disk"
    )


def share_mark_read(*, share: Share, entry: Entry, read: bool) -> None:
    if read:
        ReadMark.objects.get_or_create(share=share, entry=entry)
    else:
        ReadMark.objects.filter(share=share, entry=entry).delete()


def _notify_writer_of_read(share: Share) -> None:
    """At most one read notice per share per writer-local day, and only when the writer asked for them."""
    if not share.notify_on_read:
        return
    today = share.writer.local_today()
    # Claim today's notice in the database: of two reads at once, exactly one changes the row and sends.
    claimed = (
        Share.objects.filter(pk=share.pk, notify_on_read=True)
        .exclude(read_notice_sent_on=today)
        .update(read_notice_sent_on=today)
    )
    if claimed:
        from connections.sharing.tasks import send_read_notice

        share_id = share.pk
        transaction.on_commit(lambda: send_read_notice.delay(share_id))


def read_notice_deliver(*, share_id: int) -> bool:
    share = Share.objects.select_related("writer").filter(pk=share_id).first()
    if share is None or not share.notify_on_read or not share.is_active():
        return False
    last_read = share.access_events.filter(kind=AccessEvent.Kind.ENTRY).order_by("-at").first()
    read_at = last_read.at if last_read else timezone.now()
    emails.send_templated(
        "read_notice",
        to=share.writer.email,
        context={
            "practitioner_name": share.practitioner_name,
            "read_at": read_at,
            "zone": share.writer.time_zone,
            "share_link": settings.SITE_URL + reverse("sharing:share_detail", args=[share.pk]),
            "off_link": settings.SITE_URL
            + reverse("sharing:read_notices_off", args=[tokens.read_notice_off_token(share.pk)]),
        },
    )
    logger.info("read notice sent share_id=%s", share.pk)
    return True
