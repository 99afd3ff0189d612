from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Read-only shares of chosen entries with a practitioner, and their access log (part of Reach out)."""

    name = "connections.sharing"
    label = "sharing"
