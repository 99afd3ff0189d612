"""The reminder email: a template triplet rendered with first names, how long it has been, and signed links.

Nothing else about a person reaches an email: no notes, no journal text, no reason drawn from entries.
"""

import email.message
import email.policy
import re
import secrets
import sys
from dataclasses import dataclass
from email.policy import Policy
from email.utils import formatdate
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import get_urlconf, reverse

from connections.nudges.tokens import Purpose, make_token
from connections.rhythm import RhythmState, days_in_words

TEMPLATE_DIR = "nudges/email/nudge"
MAX_PEOPLE_PER_EMAIL = 3
RFC5322_MAX_LINE = 998


@dataclass(frozen=True)
class NamedPerson:
    person_id: int
    first_name: str
    state: RhythmState

    @property
    def how_long(self) -> str:
        return days_in_words(self.state.days_quiet)


class OneLineHeader(str):
    """A header value the email package writes on one line, as is (RFC 5322 allows up to 998 characters).

    Left to itself, Python turns a long header without spaces, such as List-Unsubscribe's URL, into
    RFC 2047 encoded words, and mail clients no longer see a URL there.
    """

    def __new__(cls, name: str, value: str) -> "OneLineHeader":
        if not value.isascii() or "\r" in value or "\n" in value:
            raise ValueError(f"{name} must be one line of ASCII")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # Copies (the in-memory test mailer deep-copies every message) keep the header name.
        return (OneLineHeader, (self.name, str(self)))

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


class NudgeEmail(EmailMultiAlternatives):
    """A reminder email whose bodies travel as plain 7bit text when they can.

    Python's email package quoted-printable-encodes any body with a line longer than 78 characters (every
    line with a link here), in pure Python: most of the cost of building the message. RFC 5322 allows lines
    of up to 998 characters, so the bodies are measured against that; a non-ASCII name still gets encoded.
    """

    def message(self, *, policy: Policy = email.policy.default) -> email.message.EmailMessage:
        return super().message(policy=_with_long_lines(policy))

    def as_smtp_bytes(self) -> bytes:
        """The bytes Django's SMTP mailer would send for this email: message(policy=SMTP).as_bytes().

        In the plain shape (the usual case: a text body and one HTML alternative, all ASCII, only Held's own
        one-line headers besides) they are written here, in the order and form the email package gives them;
        tests/test_nudges_email_links.py holds the two together. The package would build a tree of parts, set
        and reparse some fifteen headers and walk every body line in Python: more than half of what sending
        one email costs the worker. Subject and From are still parsed and folded by the package, and To is too
        unless it is one plain address. Anything else (a non-ASCII name or address, an attachment) takes the
        package's own path.
        """
        policy = _with_long_lines(email.policy.SMTP)
        bodies = self._plain_bodies(policy)
        if bodies is None:
            return self.message(policy=email.policy.SMTP).as_bytes()
        text, html = bodies
        boundary = _boundary_absent_from(text, html)
        newline = policy.linesep
        headers = [
            f"MIME-Version: 1.0{newline}",
            f'Content-Type: multipart/alternative; boundary="{boundary}"{newline}',
            _folded(policy, "Subject", str(self.subject)),
            _folded_once(policy, "From", str(self.from_email)),
        ]
        if self.to:
            headers.append(_to_header(policy, [str(address) for address in self.to]))
        headers += [value.fold(policy=policy) for value in self.extra_headers.values()]
        # As the package nests them: make_alternative() leaves MIME-Version on the root, add_alternative()
        # gives the HTML part its own.
        text_part = f'Content-Type: text/plain; charset="{PLAIN_CHARSET}"{newline}{SEVEN_BIT}{newline}'
        html_part = f'Content-Type: text/html; charset="{PLAIN_CHARSET}"{newline}{SEVEN_BIT}{newline}'
        html_part += f"MIME-Version: 1.0{newline}"
        # The payloads' lines end in LF, which the package's generator writes as the policy's line ending.
        return "".join(
            [
                *headers,
                f"{newline}--{boundary}{newline}",
                f"{text_part}{newline}{text.replace('\n', newline)}",
                f"{newline}--{boundary}{newline}",
                f"{html_part}{newline}{html.replace('\n', newline)}",
                f"{newline}--{boundary}--{newline}",
            ]
        ).encode("ascii")

    def _plain_bodies(self, policy: Policy) -> tuple[str, str] | None:
        """The text and HTML bodies as 7bit payloads, or None when this email needs the email package."""
        if not self._has_the_plain_shape():
            return None
        text = _as_7bit_payload(self.body, policy)
        html = _as_7bit_payload(self.alternatives[0].content, policy)
        if text is None or html is None:
            return None
        return text, html

    def _has_the_plain_shape(self) -> bool:
        """A text body and one HTML alternative, nothing attached, ASCII addresses and subject, and only
        Held's own one-line headers besides (including Date and Message-ID, which Django would otherwise add)."""
        header_names = {name.lower() for name in self.extra_headers}
        return bool(
            self.body
            and not (self.attachments or self.cc or self.reply_to)
            and len(self.alternatives) == 1
            and self.alternatives[0].mimetype == "text/html"
            and (self.encoding or settings.DEFAULT_CHARSET).lower() == PLAIN_CHARSET
            and {"date", "message-id"} <= header_names
            and not header_names & {"from", "to", "cc", "reply-to", "bcc", "mime-version"}
            and not any(name.startswith("content-") for name in header_names)
            and all(isinstance(value, OneLineHeader) for value in self.extra_headers.values())
            and all(str(address).isascii() for address in [self.from_email, *self.to])
            and str(self.subject).isascii()
        )


PLAIN_CHARSET = "utf-8"
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
PLAIN_ADDRESS_MAX_LENGTH = 254
SEVEN_BIT = "Content-Transfer-Encoding: 7bit"
BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))


@lru_cache(maxsize=8)
def _with_long_lines(policy: Policy) -> Policy:
    return policy.clone(max_line_length=RFC5322_MAX_LINE)


def _as_7bit_payload(body: object, policy: Policy) -> str | None:
    """The body as the email package stores a 7bit text part (lines joined by LF, one at the end), or None
    when it is not ASCII or has a line longer than the policy allows."""
    if not isinstance(body, str) or not body.isascii():
        return None
    lines = body.encode("ascii").splitlines()
    if max((len(line) for line in lines), default=0) > policy.max_line_length:
        return None
    return (b"\n".join(lines) + b"\n").decode("ascii")


def _boundary_absent_from(*bodies: str) -> str:
    """A boundary in the email package's own form, drawn again in the (astronomically rare) case a body has it."""
    while True:
        boundary = f"{'=' * 15}{secrets.randbelow(sys.maxsize):0{BOUNDARY_DIGITS}d}=="
        if not any(boundary in body for body in bodies):
            return boundary


def _folded(policy: Policy, name: str, value: str) -> str:
    """The header line as the email package writes it when the value is set on a message."""
    _, header = policy.header_store_parse(name, value)
    return header.fold(policy=policy)


def _to_header(policy: Policy, addresses: list[str]) -> str:
    """To: as the package writes it; one plain address is written as it is, which is what the package does
    with it after a parse that costs more than the rest of the header block."""
    if len(addresses) == 1 and is_plain_address(addresses[0]):
        return f"To: {addresses[0]}{policy.linesep}"
    return _folded(policy, "To", ", ".join(addresses))


def is_plain_address(address: str) -> bool:
    """An ASCII dot-atom on both sides of the @: the email package neither quotes nor rewrites such an
    address, in a header or as an SMTP envelope address (Django's prep_address returns it unchanged)."""
    return len(address) <= PLAIN_ADDRESS_MAX_LENGTH and PLAIN_ADDRESS.fullmatch(address) is not None


@lru_cache(maxsize=8)
def _folded_once(policy: Policy, name: str, value: str) -> str:
    """The same for a value that hardly ever changes (the sender), parsed once per process."""
    return _folded(policy, name, value)


def one_line_headers(headers: dict[str, str]) -> dict[str, OneLineHeader]:
    """Headers Held writes itself, all short ASCII: set as they are, which also spares the email package
    parsing and refolding each of them (a good part of the cost of building a message)."""
    return {name: OneLineHeader(name, value) for name, value in headers.items()}


def site_domain() -> str:
    """The host of SITE_URL: the right-hand side of Message-IDs and calendar UIDs."""
    return urlsplit(settings.SITE_URL).hostname or "held.localhost"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def action_url(purpose: Purpose, *, nudge_id: int, person_id: int | None = None) -> str:
    token = make_token(purpose, nudge_id=nudge_id, person_id=person_id)
    before, after = _action_path_around_token(purpose, get_urlconf())
    return absolute(f"{before}{token}{after}")


@lru_cache(maxsize=32)
def _action_path_around_token(purpose: Purpose, urlconf: str | None) -> tuple[str, str]:
    """The link's path before and after its token, reversed once (an email has eight links, a run thousands)."""
    placeholder = "TOKEN"
    path = reverse(f"nudges:{purpose.value}", kwargs={"token": placeholder}, urlconf=urlconf)
    before, _, after = path.partition(placeholder)
    return before, after


def names_in_words(names: list[str]) -> str:
    """'Sam', 'Sam and Priya', 'Sam, Priya and Alex'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def nudge_message(
    *, nudge_id: int, message_id: str, to: str, greeting_name: str, people: list[NamedPerson]
) -> EmailMultiAlternatives:
    """The email for one delivery. Links are made fresh on each attempt; they all carry the delivery's id."""
    unsubscribe_url = action_url(Purpose.UNSUBSCRIBE, nudge_id=nudge_id)
    context = {
        "greeting_name": greeting_name,
        "names": names_in_words([person.first_name for person in people]),
        "people": [
            {
                "first_name": person.first_name,
                "how_long": person.how_long,
                "never_contacted": person.state.never_contacted,
                "reached_out_url": action_url(Purpose.REACHED_OUT, nudge_id=nudge_id, person_id=person.person_id),
                "snooze_url": action_url(Purpose.SNOOZE, nudge_id=nudge_id, person_id=person.person_id),
            }
            for person in people
        ],
        "pause_url": action_url(Purpose.PAUSE, nudge_id=nudge_id),
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute(reverse("settings")) + "#reminders",
    }
    subject = " ".join(render_to_string(f"{TEMPLATE_DIR}/subject.txt", context).split())
    message = NudgeEmail(
        subject=subject,
        body=render_to_string(f"{TEMPLATE_DIR}/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=one_line_headers(
            {
                # RFC 8058: a mail client may unsubscribe with one POST to this address, without a browser.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
                "Message-ID": message_id,
                "Date": formatdate(usegmt=True),
            }
        ),
    )
    message.attach_alternative(render_to_string(f"{TEMPLATE_DIR}/body.html", context), "text/html")
    return message
