"""Keep each writer's next reminder time true when their people, contacts or time zone change.

Receivers live here so the circle's own code needs to know nothing about reminders.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from accounts.models import User
from connections.models import Contact, Person
from connections.nudges.services import reminders_reschedule_soon


def _circle_saved(sender: type, instance: Person | Contact, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures: no schedule maths on half-loaded data
    reminders_reschedule_soon(user_id=instance.owner_id)


def _circle_deleted(sender: type, instance: Person | Contact, **kwargs: Any) -> None:
    # Also sent while a whole account is deleted: update a schedule that is still there, never make one.
    reminders_reschedule_soon(user_id=instance.owner_id, create_missing=False)


def _account_saved(sender: type, instance: User, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return
    # Logging in saves last_login only: not a reason to recompute. A time zone change is.
    if update_fields is not None and not {"time_zone", "is_active"} & set(update_fields):
        return
    reminders_reschedule_soon(user_id=instance.pk)


def connect() -> None:
    for model in (Person, Contact):
        post_save.connect(_circle_saved, sender=model, dispatch_uid=f"nudges-{model.__name__}-saved")
        post_delete.connect(_circle_deleted, sender=model, dispatch_uid=f"nudges-{model.__name__}-deleted")
    post_save.connect(_account_saved, sender=User, dispatch_uid="nudges-account-saved")
