from django.apps import AppConfig


class NudgesConfig(AppConfig):
    """Reminder emails to reach out: settings, schedule, deliveries (part of Reach out)."""

    name = "connections.nudges"
    label = "nudges"
