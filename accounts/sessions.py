"""Where a writer is signed in, in words: "Firefox on Linux", from allauth's user sessions."""

import re
from dataclasses import dataclass
from datetime import datetime

from allauth.usersessions.models import UserSession

from accounts.models import User

# Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
_BROWSERS = [
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
]
_SYSTEMS = [
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
]


def describe_user_agent(user_agent: str) -> str:
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "A browser")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return f"{browser} on {system}" if system else browser


@dataclass(frozen=True)
class SignedIn:
    device: str
    ip: str
    started_at: datetime
    last_seen_at: datetime
    is_this_browser: bool


def signed_in_sessions(user: User, *, current_session_key: str | None) -> list[SignedIn]:
    """Every live session of the account, this browser first, then the most recently seen."""
    rows = UserSession.objects.purge_and_list(user)
    sessions = [
        SignedIn(
            device=describe_user_agent(row.user_agent),
            ip=row.ip,
            started_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_this_browser=row.session_key == current_session_key,
        )
        for row in rows
    ]
    return sorted(sessions, key=lambda session: (not session.is_this_browser, -session.last_seen_at.timestamp()))
