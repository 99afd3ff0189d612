"""The writer's circle: people, how often the writer hopes to be in touch, and the contact log.

Private notes about a person are sealed with the writer's data key, like journal text.
"""

from django.conf import settings
from django.db import models

from accounts.crypto import WriterCipher
from accounts.timezones import validate_time_zone


class Relationship(models.TextChoices):
    FRIEND = "friend", "Friend"
    FAMILY = "family", "Family"
    PARTNER = "partner", "Partner"
    MENTOR = "mentor", "Mentor"
    COLLEAGUE = "colleague", "Colleague"
    NEIGHBOUR = "neighbour", "Neighbour"
    BEEN_THROUGH_IT = "been_through_it", "Someone who has been through something similar"
    OTHER = "other", "Other"


class Kind(models.TextChoices):
    TRUSTED = "trusted", "Trusted person"
    THERAPIST = "therapist", "Therapist"
    COUNSELLOR = "counsellor", "Counsellor"
    COACH = "coach", "Coach"
    DOCTOR = "doctor", "Doctor"
    HELPLINE = "helpline", "Support line"


PROFESSIONAL_KINDS = frozenset({Kind.THERAPIST, Kind.COUNSELLOR, Kind.COACH, Kind.DOCTOR, Kind.HELPLINE})


class Person(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=100)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.FRIEND)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRUSTED)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    handle = models.CharField("messaging handle", max_length=100, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    topics = models.ManyToManyField("journal.Tag", blank=True, related_name="people")
    notes_sealed = models.BinaryField(default=b"")
    # The hoped-for rhythm, in days; both optional ("no reminders" is a choice).
    ideal_every_days = models.PositiveIntegerField(null=True, blank=True)
    too_long_after_days = models.PositiveIntegerField(null=True, blank=True)
    is_paused = models.BooleanField(default=False, help_text="Paused people are never suggested or nudged.")
    snoozed_until = models.DateField(null=True, blank=True)
    # Denormalised from the contact log so ranking and the nudge sweep need no aggregate.
    last_contact_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]
        indexes = [models.Index(fields=["owner", "name"], name="person_owner_name_idx")]

    def __str__(self) -> str:
        return f"person {self.pk}"

    @property
    def is_professional(self) -> bool:
        return self.kind in PROFESSIONAL_KINDS

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    def notes(self, cipher: WriterCipher) -> str:
        return cipher.open(self.notes_sealed, field="person.notes")

    def seal_notes(self, cipher: WriterCipher, notes: str) -> None:
        self.notes_sealed = cipher.seal(notes, field="person.notes") if notes else b""


class Contact(models.Model):
    """A logged moment of reaching out: an attempt ("I reached out") or a connection ("We talked")."""

    class Outcome(models.TextChoices):
        ATTEMPT = "attempt", "I reached out"
        CONNECTION = "connection", "We talked"

    class Channel(models.TextChoices):
        CALL = "call", "Call"
        TEXT = "text", "Text"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video"
        OTHER = "other", "Other"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.ATTEMPT)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.OTHER)
    happened_at = models.DateTimeField()
    note_sealed = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at"]
        indexes = [
            models.Index(fields=["person", "-happened_at"], name="contact_person_recent_idx"),
            models.Index(fields=["owner", "-happened_at"], name="contact_owner_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"contact {self.pk}"

    def note(self, cipher: WriterCipher) -> str:
        return cipher.open(self.note_sealed, field="contact.note")

    def seal_note(self, cipher: WriterCipher, note: str) -> None:
        self.note_sealed = cipher.seal(note, field="contact.note") if note else b""
