"""Operators see how reminder deliveries are doing: ids, status, attempts and times. Never whom they named."""

from django.contrib import admin
from django.http import HttpRequest

from connections.nudges.models import Nudge, ReminderSettings


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyAdmin):
    list_display = ("id", "writer_id", "window_date", "status", "attempts", "created_at", "finished_at", "last_error")
    list_filter = ("status",)
    fields = (
        "id",
        "writer_id",
        "window_date",
        "scheduled_for",
        "status",
        "attempts",
        "created_at",
        "enqueued_at",
        "next_attempt_at",
        "claimed_at",
        "sending_at",
        "finished_at",
        "last_error",
    )
    readonly_fields = fields
    search_fields = ("=id", "=writer__id")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(ReadOnlyAdmin):
    list_display = ("writer_id", "enabled", "off_reason", "consecutive_failures", "last_nudged_at", "next_nudge_at")
    list_filter = ("enabled", "off_reason")
    # The calendar token is a secret address: not shown, not even to operators.
    fields = (
        "writer_id",
        "enabled",
        "off_reason",
        "turned_off_at",
        "every_days",
        "paused_until",
        "consecutive_failures",
        "last_nudged_at",
        "next_nudge_at",
    )
    readonly_fields = fields
    search_fields = ("=writer__id",)
    show_full_result_count = False
