from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django_countries.fields import CountryField

from accounts.timezones import validate_time_zone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A Held account. Email is the login; the time zone decides what "today" and "daytime" mean."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField("what we call you", max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    country = CountryField(blank=True, help_text="Used to show the right crisis lines.")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "account"

    def __str__(self) -> str:
        return self.email

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_now(self) -> Any:
        return timezone.now().astimezone(self.zone)

    def local_today(self) -> Any:
        return self.local_now().date()


class DataKey(models.Model):
    """A writer's data key, stored only wrapped by a key-encryption key from the environment.

    Deleting this row first is what makes an account's older backups unreadable.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="data_key")
    key_id = models.CharField(max_length=32, help_text="Which key-encryption key wrapped this data key.")
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["key_id"], name="datakey_key_id_idx")]  # rotate_keys batches by key id

    def __str__(self) -> str:
        return f"data key of account {self.user_id} ({self.key_id})"


class PortableId(models.Model):
    """The stable id an exported record carries, for rows that came in through an import.

    Export writes it as the record's "id"; importing the same file again finds it here and creates nothing
    twice. Rows written in Held itself need no row here: their id is derived from the row (portability.ids).
    """

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    portable_id = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "portable_id"], name="portable_id_unique_per_owner")
        ]
        # Export annotates every row with its portable id (portability.export).
        indexes = [models.Index(fields=["owner", "kind", "object_id"], name="portable_id_object_idx")]

    def __str__(self) -> str:
        return f"portable id of {self.kind} {self.object_id}"


class ImportJob(models.Model):
    """One uploaded file on its way into a writer's account, with the progress the writer watches."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped"

    class Source(models.TextChoices):
        HELD = "held", "Held export"
        DAYONE = "dayone", "Day One export"
        DAYLIO = "daylio", "Daylio CSV"

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="import_jobs")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # The parsed file, sealed with the writer's data key until the import has run, then emptied.
    plan_sealed = models.BinaryField(default=b"")
    # Counts and what was left out, never a word of the writer's text.
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.source}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def is_slow_to_start(self) -> bool:
        """Still waiting two minutes on: the background worker is busy or down, and the page says so."""
        return self.status == self.Status.QUEUED and self.created_at < timezone.now() - timedelta(minutes=2)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
