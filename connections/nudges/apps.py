from django.apps import AppConfig


class NudgesConfig(AppConfig):
    """Reminder emails to reach out: settings, schedule, deliveries (part of Reach out)."""

    name = "connections.nudges"
    label = "nudges"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from connections.nudges import signals

        signals.connect()
