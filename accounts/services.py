"""Writes that touch several models for an account."""

import logging

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import transaction

from accounts.crypto import forget_cached_keys
from accounts.models import DataKey, User

logger = logging.getLogger(__name__)


def account_delete(*, user: User) -> None:
    """Delete the account and everything it owns, then every session it had, on the server."""
    user_id = user.pk
    # The data key goes first, in its own transaction: even if anything after it failed, every sealed
    # value of this writer (here or in an older backup) is already unreadable.
    DataKey.objects.filter(user_id=user_id).delete()
    forget_cached_keys()
    with transaction.atomic():
        session_keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=session_keys).delete()
        # Every row a writer owns hangs off the user with on_delete=CASCADE, so this removes all of it.
        user.delete()
    logger.info("account deleted user_id=%s", user_id)
