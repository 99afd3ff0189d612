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
