from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Read-only shares of chosen entries with a practitioner, and their access log (part of Reach out)."""

    name = "connections.sharing"
    label = "sharing"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from connections.sharing.signals import remember_shared_journals

        user_logged_in.connect(remember_shared_journals, dispatch_uid="sharing.remember_shared_journals")
