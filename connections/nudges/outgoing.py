"""One reminder on its way to the mail server, said in two halves around its claim.

The claim (services._SendRun.claim) must be on disk before the server can have the message, and no server
has a message before the end of DATA. So over SMTP the envelope's first line, MAIL FROM, is said before the
claim is written, and the server's answer arrives while the database writes instead of after it (the first
command after a pause is the slowest to come back). The rest (reading that answer, RCPT TO, DATA) follows the
claim as smtplib.sendmail says it, raising the same exceptions, so failures are told apart as before.

A worker that dies between the two halves leaves an unfinished envelope, which the server drops with the
connection: nothing was delivered, and the delivery is still pending or, once claimed, recorded as
interrupted, exactly as a death just after the claim always was.
"""

import email.policy
import smtplib
from functools import lru_cache

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from connections.nudges.emails import NudgeEmail, is_plain_address

ACCEPTED_RECIPIENT = (250, 251)


class Outgoing:
    """Any mailer (the outbox, the tests' in-memory one): nothing is said before the claim."""

    def __init__(self, mailer: BaseEmailBackend, message: EmailMessage) -> None:
        self.mailer = mailer
        self.message = message

    def begin(self) -> None:
        """Say what may be said before the claim."""

    def complete(self) -> None:
        """Send the message (only after the claim); raises as the mailer does."""
        self.mailer.send_messages([self.message])

    def abandon(self) -> bool:
        """Take back what begin() said (the claim went elsewhere); False when the connection is no longer usable."""
        return True


class SmtpOutgoing(Outgoing):
    """An open connection of Django's SMTP mailer, spoken to as its own send would (same addresses, same bytes)."""

    def __init__(self, mailer: SmtpBackend, message: EmailMessage) -> None:
        super().__init__(mailer, message)
        self.smtp: smtplib.SMTP = mailer.connection
        self.sender = _prepared_sender(mailer, message.from_email)
        self.recipients = [
            address if is_plain_address(address) else mailer.prep_address(address) for address in message.recipients()
        ]
        if isinstance(message, NudgeEmail):
            self.data = message.as_smtp_bytes()
        else:
            self.data = message.message(policy=email.policy.SMTP).as_bytes()

    def begin(self) -> None:
        self.smtp.ehlo_or_helo_if_needed()
        size = f" size={len(self.data)}" if self.smtp.does_esmtp and self.smtp.has_extn("size") else ""
        # Said now, answered later: the answer waits in the socket while the claim is written.
        self.smtp.putcmd("mail", f"from:{smtplib.quoteaddr(self.sender)}{size}")

    def complete(self) -> None:
        code, reply = self.smtp.getreply()
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, self.sender)
        refused = {}
        for recipient in self.recipients:
            code, reply = self.smtp.rcpt(recipient)
            if code not in ACCEPTED_RECIPIENT:
                refused[recipient] = (code, reply)
            if code == 421:
                raise smtplib.SMTPRecipientsRefused(refused)
        if len(refused) == len(self.recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        code, reply = self.smtp.data(self.data)
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def abandon(self) -> bool:
        try:
            self.smtp.getreply()  # the answer to MAIL FROM, whatever it was
            return self.smtp.rset()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False


@lru_cache(maxsize=8)
def _prepared_sender(mailer: SmtpBackend, address: str) -> str:
    """The sender's envelope address (the same on every email), parsed once per mailer."""
    return mailer.prep_address(address)


def outgoing(mailer: BaseEmailBackend, message: EmailMessage) -> Outgoing:
    """How this message goes out through this mailer (opened already)."""
    if isinstance(mailer, SmtpBackend) and mailer.connection is not None and message.recipients():
        return SmtpOutgoing(mailer, message)
    return Outgoing(mailer, message)
