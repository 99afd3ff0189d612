"""`manage.py new_key ID`: print a fresh key-encryption key in the HELD_KEYS format."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.crypto import new_key_encryption_key_text, parse_key_encryption_keys


class Command(BaseCommand):
    help = "Print a new random key-encryption key as id:base64key, to put first in HELD_KEYS."
    # It only prints; the key lives wherever the operator keeps secrets, never in the database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key_id", help="a short name for the key, e.g. 2027a (letters, digits, . _ -)")

    def handle(self, *args: Any, key_id: str, **options: Any) -> None:
        text = new_key_encryption_key_text(key_id)
        parse_key_encryption_keys(text)  # refuses an id HELD_KEYS would not accept
        self.stdout.write(text)
