"""The local outbox: the embedded default mailer keeps each message as an .eml file under var/outbox/.

A writer running Held on their own machine can open the files, or, with DEBUG on, read them at
/dev/outbox/ and click the links (verification, nudges) as if they had arrived.
"""

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class OutboxBackend(BaseEmailBackend):
    def __init__(self, *args: Any, outbox_dir: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outbox_dir = Path(outbox_dir)

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.outbox_dir / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class OutboxMessage:
    name: str
    subject: str
    to: str
    sent_at: datetime
    text: str
    html: str


def read_outbox(outbox_dir: Path, limit: int = 50) -> list[OutboxMessage]:
    """The newest messages first, parsed for display."""
    if not outbox_dir.is_dir():
        return []
    messages = []
    for path in sorted(outbox_dir.glob("*.eml"), reverse=True)[:limit]:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text_part = parsed.get_body(preferencelist=("plain",))
        html_part = parsed.get_body(preferencelist=("html",))
        messages.append(
            OutboxMessage(
                name=path.stem,
                subject=str(parsed["Subject"] or ""),
                to=str(parsed["To"] or ""),
                sent_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
                text=text_part.get_content() if text_part else "",
                html=html_part.get_content() if html_part else "",
            )
        )
    return messages
