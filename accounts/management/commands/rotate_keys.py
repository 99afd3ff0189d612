"""`manage.py rotate_keys`: re-wrap every data key with the first key in HELD_KEYS, in batches."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.crypto import current_key_id
from accounts.rotation import DEFAULT_BATCH_SIZE, data_keys_rewrap, key_usage


class Command(BaseCommand):
    help = (
        "Re-wrap writers' data keys with the current (first) key-encryption key in HELD_KEYS. "
        "Entries are not re-encrypted. When it reports that nothing is left under an old key, "
        "that key can be removed from HELD_KEYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="data keys per transaction")
        parser.add_argument("--check", action="store_true", help="only report how many data keys each key wraps")

    def handle(self, *args: Any, batch_size: int, check: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        target = current_key_id()
        if not check:
            result = data_keys_rewrap(batch_size=batch_size)
            self.stdout.write(f"Re-wrapped {result.rewrapped} data keys with {target!r} in {result.batches} batches.")
            for key_id, count in sorted(result.unavailable.items()):
                self.stderr.write(
                    f"{count} data keys are wrapped by {key_id!r}, which is not in HELD_KEYS: "
                    "add it back (after the current key) and run again."
                )
        usage = key_usage()
        for key_id, count in sorted(usage.items()):
            marker = " (current)" if key_id == target else ""
            self.stdout.write(f"{key_id}{marker}: {count} data keys")
        left = {key_id: count for key_id, count in usage.items() if key_id != target}
        if not left:
            self.stdout.write("Every data key is wrapped by the current key; older keys can be removed from HELD_KEYS.")
        elif not check:
            raise CommandError(f"{sum(left.values())} data keys are still wrapped by older keys.")
