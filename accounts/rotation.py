"""Re-wrapping writers' data keys with the current key-encryption key, in batches.

Only the small wrapped data keys change: entries, drafts and notes stay sealed with the same data keys,
which is what makes rotating a key-encryption key cheap however much has been written.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.crypto import KeyUnavailableError, current_key_id, forget_cached_keys, rewrap_data_key
from accounts.models import DataKey

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500


@dataclass
class RotationResult:
    current_key_id: str
    rewrapped: int = 0
    batches: int = 0
    # Accounts whose data key is wrapped by a KEK that is not configured: they stay as they are.
    unavailable: Counter[str] = field(default_factory=Counter)

    @property
    def complete(self) -> bool:
        return not self.unavailable


def key_usage() -> dict[str, int]:
    """How many data keys each key-encryption key wraps, e.g. {"2027a": 9120, "2026b": 14}."""
    rows = DataKey.objects.values_list("key_id").order_by("key_id")
    return dict(Counter(key_id for (key_id,) in rows))


def data_keys_rewrap(*, batch_size: int = DEFAULT_BATCH_SIZE) -> RotationResult:
    """Re-wrap every data key not yet under the current KEK; safe to run again, or from two places at once."""
    target = current_key_id()
    result = RotationResult(current_key_id=target)
    skipped_user_ids: set[int] = set()
    while True:
        with transaction.atomic():
            # SKIP LOCKED: a second run, or a writer's first request creating a key, never waits on us.
            batch = list(
                DataKey.objects.exclude(key_id=target)
                .exclude(user_id__in=skipped_user_ids)
                .select_for_update(skip_locked=True)
                .order_by("user_id")[:batch_size]
            )
            if not batch:
                break
            now = timezone.now()
            changed = []
            for row in batch:
                try:
                    row.key_id, row.wrapped_key = rewrap_data_key(row.key_id, row.wrapped_key, user_id=row.user_id)
                except KeyUnavailableError:
                    result.unavailable[row.key_id] += 1
                    skipped_user_ids.add(row.user_id)
                    continue
                row.rewrapped_at = now
                changed.append(row)
            DataKey.objects.bulk_update(changed, ["key_id", "wrapped_key", "rewrapped_at"])
        result.rewrapped += len(changed)
        result.batches += 1
        logger.info("data keys rewrapped batch=%s count=%s key_id=%s", result.batches, len(changed), target)
    forget_cached_keys()
    return result
