"""Where a writer's cipher comes from: their wrapped data key, opened with the configured KEKs."""

import os

from django.db import IntegrityError, transaction

from accounts.crypto import WriterCipher, unwrap_data_key, wrap_data_key
from accounts.models import DataKey, User


def cipher_for(user: User) -> WriterCipher:
    """The writer's cipher, made on first use; cached on the user object for the rest of the request."""
    cached = getattr(user, "_held_cipher", None)
    if cached is not None:
        return cached
    cipher = cipher_for_user_id(user.pk)
    user._held_cipher = cipher
    return cipher


def cipher_for_user_id(user_id: int) -> WriterCipher:
    row = DataKey.objects.filter(user_id=user_id).first()
    if row is None:
        row = _create_data_key(user_id)
    return WriterCipher(user_id=user_id, data_key=unwrap_data_key(row.key_id, row.wrapped_key, user_id=user_id))


def _create_data_key(user_id: int) -> DataKey:
    key_id, wrapped = wrap_data_key(os.urandom(32), user_id=user_id)
    try:
        with transaction.atomic():
            return DataKey.objects.create(user_id=user_id, key_id=key_id, wrapped_key=wrapped)
    except IntegrityError:
        # Two first requests at once: the other one's key wins, and both use it.
        return DataKey.objects.get(user_id=user_id)
