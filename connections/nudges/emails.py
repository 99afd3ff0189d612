"""The reminder email: a template triplet rendered with first names, how long it has been, and signed links.

Nothing else about a person reaches an email: no notes, no journal text, no reason drawn from entries.
"""

import email.message
import email.policy
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
        return super().message(policy=policy.clone(max_line_length=RFC5322_MAX_LINE))


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
