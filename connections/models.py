"""The writer's circle: people, how often the writer hopes to be in touch, and the contact log.

Private notes about a person are sealed with the writer's data key, like journal text.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.crypto import WriterCipher
from accounts.timezones import validate_time_zone
from connections.querysets import ContactQuerySet, PersonQuerySet
from connections.rhythm import MAX_RHYTHM_DAYS, MIN_RHYTHM_DAYS, RhythmState, rhythm_state_of


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

# A first word like these is part of how someone is called, not a first name.
_TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "aunt", "auntie", "uncle", "nan", "grandma", "grandpa"}
)


def short_name(name: str, *, is_professional: bool = False) -> str:
    words = name.split()
    if not words:
        return name
    if is_professional or words[0].rstrip(".").casefold() in _TITLES:
        return " ".join(words)
    return words[0]


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

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]
        indexes = [models.Index(fields=["owner", "name"], name="person_owner_name_idx")]
        # The forms say all this in words; the database refuses it too, so no other path can store it.
        constraints = [
            models.CheckConstraint(
                condition=Q(ideal_every_days__isnull=True)
                | Q(ideal_every_days__gte=MIN_RHYTHM_DAYS, ideal_every_days__lte=MAX_RHYTHM_DAYS),
                name="person_ideal_every_in_range",
            ),
            models.CheckConstraint(
                condition=Q(too_long_after_days__isnull=True)
                | Q(too_long_after_days__gte=MIN_RHYTHM_DAYS, too_long_after_days__lte=MAX_RHYTHM_DAYS),
                name="person_too_long_in_range",
            ),
            models.CheckConstraint(
                condition=Q(ideal_every_days__isnull=True)
                | Q(too_long_after_days__isnull=True)
                | Q(too_long_after_days__gte=models.F("ideal_every_days")),
                name="person_too_long_not_before_ideal",
            ),
        ]

    def __str__(self) -> str:
        return f"person {self.pk}"

    @property
    def is_professional(self) -> bool:
        return self.kind in PROFESSIONAL_KINDS

    @property
    def who(self) -> str:
        """'Therapist' for a professional, 'Friend' or 'Family' for everyone else."""
        return self.get_kind_display() if self.is_professional else self.get_relationship_display()

    @property
    def first_name(self) -> str:
        """How a sentence calls them: 'Sam' for Sam Okafor, but 'Dr. K' and 'Aunt May' whole."""
        return short_name(self.name, is_professional=self.is_professional)

    @property
    def has_rhythm(self) -> bool:
        return bool(self.ideal_every_days or self.too_long_after_days)

    def rhythm(self, *, zone: ZoneInfo | str, now: datetime) -> RhythmState:
        return rhythm_state_of(self, zone=zone, now=now)

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

    objects = ContactQuerySet.as_manager()

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


class SafetyPlan(models.Model):
    """The writer's own safety plan, in the Stanley-Brown structure.

    The six steps: warning signs; things I can do on my own; people and places that take my mind off
    things; people I can ask for help; professionals I can contact; making my surroundings safe. One more
    line, what matters most to me, closes the plan as the original does. Every written step is sealed like
    journal text; the people are picked from the circle.
    """

    # (field stem, the step's title, a gentle hint shown under it). The order is the plan's order.
    WRITTEN_STEPS = (
        (
            "warning_signs",
            "Warning signs",
            "Thoughts, moods, situations or things I do that tell me a crisis may be coming.",
        ),
        (
            "coping",
            "Things I can do on my own",
            "Ways to take my mind off things without contacting anyone: a walk, music, a shower.",
        ),
        (
            "distractions",
            "People and places that take my mind off things",
            "Places I can go and people I can be around, without having to talk about how I feel.",
        ),
        (
            "safe_surroundings",
            "Making my surroundings safer",
            "What I can put away, lock up or hand to someone for a while.",
        ),
        ("worth_living_for", "What matters most to me", "The people, hopes or things that are worth holding on for."),
    )

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_plan")
    warning_signs_sealed = models.BinaryField(default=b"")
    coping_sealed = models.BinaryField(default=b"")
    distractions_sealed = models.BinaryField(default=b"")
    safe_surroundings_sealed = models.BinaryField(default=b"")
    worth_living_for_sealed = models.BinaryField(default=b"")
    distraction_people = models.ManyToManyField(Person, blank=True, related_name="+")
    help_people = models.ManyToManyField(Person, blank=True, related_name="+")
    professionals = models.ManyToManyField(Person, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"safety plan of account {self.owner_id}"

    def step_text(self, cipher: WriterCipher, stem: str) -> str:
        return cipher.open(getattr(self, f"{stem}_sealed"), field=f"safety_plan.{stem}")

    def seal_step(self, cipher: WriterCipher, stem: str, text: str) -> None:
        setattr(self, f"{stem}_sealed", cipher.seal(text, field=f"safety_plan.{stem}") if text else b"")


class CircleStamp(models.Model):
    """A number that changes whenever anything Reach out reads about a writer's circle changes: their people
    (contacts move a person's last_contact_at), the people's topics and those tags' names, and the safety
    plan's picks.

    Database triggers change it (migration 0003), so every path that writes those rows does, including the
    admin, imports and bulk updates. Reach out's per-process cache (connections/circle_cache.py) reuses what
    it read only while the number is the one it read with. The number is random rather than counted up, so
    a rolled-back change can never make an old reading look current again.
    """

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"circle stamp of account {self.owner_id}"
