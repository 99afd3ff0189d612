"""The operators' admin: accounts and key rotation, never a writer's words.

Journal and circle models are deliberately not registered (see journal/admin.py and connections/admin.py).
What an operator can see here is listed in the README's Privacy section.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import DataKey, User
from accounts.services import account_delete


@admin.register(User)
class HeldUserAdmin(UserAdmin):
    # Operators administer accounts; nothing here reaches journal content.
    ordering = ["email"]
    list_display = ["email", "time_zone", "country", "is_active", "is_staff", "date_joined"]
    search_fields = ["email"]
    readonly_fields = ["data_held", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "time_zone", "country"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
        ("Data held (counts only)", {"fields": ["data_held"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description="What this account holds")
    def data_held(self, user: User) -> str:
        """Counts, so support can answer "did my import arrive?" without reading a word of it."""
        if user.pk is None:
            return "-"
        counts = [
            ("entries", user.journal_entries.count()),
            ("drafts", user.journal_drafts.count()),
            ("people", user.people.count()),
            ("contacts logged", user.contacts.count()),
        ]
        return ", ".join(f"{count} {label}" for label, count in counts)

    # Deleting from the admin is the same real deletion a writer gets: data key first, then rows and sessions.
    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list[str], dict, set, list]:
        """Counts instead of Django's list of every row (which would name tags and other writer data).

        The data key goes too, through account_delete, although operators may not delete one on its own.
        """
        _rows, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(DataKey._meta.verbose_name)
        return [f"{count} {name}" for name, count in counts.items()], counts, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        account_delete(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            account_delete(user=user)
        messages.info(request, "Each account's data key was destroyed before its rows and sessions were removed.")


@admin.register(DataKey)
class DataKeyAdmin(admin.ModelAdmin):
    """Which key-encryption key wraps each account's data key, to follow a rotation. Read-only.

    The wrapped key itself is never shown, and a data key can never be deleted here: that would make
    an account's writing unreadable for good, which only account deletion may do.
    """

    list_display = ["user", "key_id", "created_at", "rewrapped_at"]
    list_filter = ["key_id"]
    search_fields = ["user__email"]
    fields = ["user", "key_id", "created_at", "rewrapped_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# allauth's own admin shows an authenticator's `data`, which holds the TOTP secret and recovery codes: an
# operator could copy a writer's second factor. This one shows that a device exists, never its secret.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# allauth's session admin searches a username; Held's accounts have only an email.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class HeldUserSessionAdmin(UserSessionAdmin):
    search_fields = ["user__email", "ip"]
    fields = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
    readonly_fields = fields
