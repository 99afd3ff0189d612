"""Gentle first lines the writer can edit and send from their own phone or mail client, and the links that
open it there.

A starter is chosen from a handful of fixed templates by the reason someone was suggested. It only ever
holds the person's name: never a word of an entry, a tag or a note. Held sends nothing itself.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from connections.ranking import ReasonKind, Suggestion

STARTERS: dict[str, tuple[str, str]] = {
    # key: (what the writer sees in the chooser, the message with {first_name} / {name})
    "thinking_of_you": ("Thinking of you", "Hi {first_name}, I was thinking of you. How are you doing?"),
    "been_a_while": (
        "It's been a while",
        "Hi {first_name}, it's been a while and I'd love to catch up. Do you have time this week?",
    ),
    "talk_something_through": (
        "Something to talk through",
        "Hi {first_name}, could we talk sometime soon? There's something I'd like to talk through with you.",
    ),
    "hard_few_days": (
        "A hard few days",
        "Hi {first_name}, I'm having a hard few days. Do you have a little time to talk?",
    ),
    "book_a_session": (
        "Book a session",
        "Hello {name}, I'd like to book a session when you have one free. What times would suit you?",
    ),
    "no_reply_needed": ("No reply needed", "Thinking of you, {first_name}. No need to reply."),
}


def starter_key_for(suggestion: Suggestion) -> str:
    """The template that fits the strongest reason someone is on the list."""
    if suggestion.person.is_professional:
        return "book_a_session"
    if suggestion.has(ReasonKind.HEAVY):
        return "hard_few_days"
    if suggestion.has(ReasonKind.TOPIC):
        return "talk_something_through"
    if suggestion.has(ReasonKind.TOO_LONG) or suggestion.has(ReasonKind.DUE):
        return "been_a_while"
    return "thinking_of_you"


def starter_text(key: str, *, name: str, first_name: str) -> str:
    return STARTERS[key][1].format(name=name, first_name=first_name)


@dataclass(frozen=True)
class ContactAction:
    channel: str  # the contact log's channel for this action: "call", "text", "email"
    label: str
    href: str
    carries_message: bool


def dialable(phone: str) -> str:
    """'+44 (0)7700 900-123' -> '+4407700900123': what tel: and sms: links expect."""
    return ("+" if phone.strip().startswith("+") else "") + re.sub(r"\D", "", phone)


def contact_actions(*, first_name: str, phone: str, email: str, message: str) -> list[ContactAction]:
    actions: list[ContactAction] = []
    if phone:
        number = dialable(phone)
        actions.append(ContactAction("call", f"Call {first_name}", f"tel:{number}", carries_message=False))
        # "?&body=" is read by both iOS and Android messaging apps.
        actions.append(
            ContactAction("text", f"Text {first_name}", f"sms:{number}?&body={quote(message)}", carries_message=True)
        )
    if email:
        actions.append(
            ContactAction(
                "email", f"Email {first_name}", f"mailto:{quote(email, safe='@')}?body={quote(message)}", True
            )
        )
    return actions
