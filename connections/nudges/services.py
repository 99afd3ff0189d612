"""Writes for reminders: settings, the schedule, the sweep, sending one email, and the links in it.

The database is the source of truth. The sweep claims due writers with SELECT ... FOR UPDATE SKIP LOCKED,
writes a delivery row (unique per writer and window) and advances the schedule in one transaction, then puts
the send on the broker after commit. The send claims its row with a conditional UPDATE that must change
exactly one row, so however many sweeps, beats, workers or broker redeliveries there are, one email goes out.
Log lines carry ids and outcomes only.
"""

import logging
import secrets
import smtplib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction
from django.db.models import F, JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User
from connections.models import Contact, Person
from connections.nudges import schedule, sweep_sql
from connections.nudges.emails import MAX_PEOPLE_PER_EMAIL, NamedPerson, nudge_message
from connections.nudges.models import Nudge, NudgeAction, OffReason, ReminderSettings
from connections.nudges.outgoing import outgoing
from connections.nudges.tokens import BadLinkError, LinkClaim, Purpose
from connections.rhythm import RhythmState, Standing, rhythm_state_of

log = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 500
# Deliveries per send task: fewer broker round trips for the sweep, one SMTP connection reused within a task.
SEND_CHUNK = 250
# A send task may sit on the broker this long before the sweep presumes it lost and puts it there again.
LOST_MESSAGE_AFTER = timedelta(minutes=10)
# A delivery the broker never took (it was down) is re-enqueued by the next sweep, leaving its own sweep a moment.
NEVER_ENQUEUED_GRACE = timedelta(seconds=30)
# Handed to the mail server by a worker that never reported back: it may have arrived, so it is not resent.
SENDING_STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# Seconds a kept SMTP connection may sit idle before it is checked with NOOP before the next email.
IDLE_CHECK_AFTER = 5.0
FAILURES_BEFORE_TURNING_OFF = 5
MAX_RETRY_COUNTDOWN = 300  # seconds: never park a far-future retry on the broker
# One quick reconnect (a pooled connection may be stale after a broker restart), then give up: the sweep retries.
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
SNOOZE_DAYS = 7
PAUSE_DAYS = 14
RHYTHM_FIELDS = (
    "id",
    "owner_id",
    "name",
    "ideal_every_days",
    "too_long_after_days",
    "last_contact_at",
    "created_at",
    "snoozed_until",
    "is_paused",
)


def _people_with_rhythm() -> "QuerySet[Person]":
    return Person.objects.filter(Q(ideal_every_days__isnull=False) | Q(too_long_after_days__isnull=False)).filter(
        is_paused=False
    )


def _first_due_on(states: Iterable[RhythmState]) -> date | None:
    days = [state.next_due_on for state in states if state.next_due_on is not None]
    return min(days) if days else None


def _most_overdue_first(pair: "tuple[PersonSnapshot, RhythmState]") -> tuple[int, int, str, int]:
    person, state = pair
    return (0 if state.standing == Standing.TOO_LONG else 1, -state.days_past_due, person.name.casefold(), person.id)


# --- settings and the schedule ----------------------------------------------------------------------


def reminder_settings_for(user: User) -> ReminderSettings:
    """The writer's settings, or the defaults (unsaved) until something is saved."""
    return ReminderSettings.objects.filter(writer_id=user.pk).first() or ReminderSettings(writer=user)


def _schedule_row(row: ReminderSettings, *, user: User, people: list[Person], now: datetime) -> None:
    """Set row.next_nudge_at from the writer's choices, zone and circle (does not save)."""
    if not row.enabled or not user.is_active:
        row.next_nudge_at = None
        return
    states = [rhythm_state_of(person, zone=user.time_zone, now=now) for person in people]
    row.next_nudge_at = schedule.next_nudge_at(
        row.plan(user.time_zone), now=now, first_due_on=_first_due_on(states), last_nudged_at=row.last_nudged_at
    )


def _people_as_logged(user_id: int) -> list[Person]:
    """The writer's people with a rhythm, each clock read from the contact log itself.

    A contact is logged in two steps (the contact row, then the person's denormalised clock), and this runs
    from the first step's signal, so the log is the truth here.
    """
    latest = Contact.objects.filter(person=OuterRef("pk")).order_by("-happened_at").values("happened_at")[:1]
    people = list(
        _people_with_rhythm().filter(owner_id=user_id).only(*RHYTHM_FIELDS).annotate(logged_at=Subquery(latest))
    )
    for person in people:
        if person.logged_at is not None:
            person.last_contact_at = person.logged_at
    return people


@transaction.atomic
def reminders_reschedule(*, user_id: int, now: datetime | None = None, create_missing: bool = True) -> datetime | None:
    """Recompute one writer's next reminder time (UTC) after their settings, zone, people or contacts changed.

    A writer's settings row is made on first need (someone with a rhythm); `create_missing=False` never makes
    one, for deletions: an account being deleted deletes its people, and must not grow a row meanwhile.
    """
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id).only("id", "time_zone", "is_active").first()
    if user is None:
        return None
    people = _people_as_logged(user_id)
    row = ReminderSettings.objects.select_for_update().filter(writer_id=user_id).first()
    if row is None:
        if not people or not create_missing:
            return None  # nothing to remind about: no row until there is
        row, _ = ReminderSettings.objects.get_or_create(writer_id=user_id)
        row = ReminderSettings.objects.select_for_update().get(writer_id=user_id)
    before = row.next_nudge_at
    _schedule_row(row, user=user, people=people, now=now)
    if row.next_nudge_at != before:
        row.save(update_fields=["next_nudge_at", "updated_at"])
    return row.next_nudge_at


def reminders_reschedule_soon(*, user_id: int, create_missing: bool = True) -> None:
    """Reschedule now, and once more when the surrounding transaction commits.

    Now, so the change is visible at once; after commit, because a contact is logged in two steps (the
    contact row, then the person's clock) and only the committed state is the whole story.
    """
    reminders_reschedule(user_id=user_id, create_missing=create_missing)
    if connection.in_atomic_block:
        transaction.on_commit(partial(_reschedule_quietly, user_id, create_missing), robust=True)


def _reschedule_quietly(user_id: int, create_missing: bool) -> None:
    try:
        reminders_reschedule(user_id=user_id, create_missing=create_missing)
    except Exception:
        # The sweep re-reads the circle when a writer is due, so a missed reschedule only delays.
        log.exception("reminders: reschedule failed for account %s", user_id)


@transaction.atomic
def reminder_settings_save(*, user: User, row: ReminderSettings, now: datetime | None = None) -> ReminderSettings:
    """Save the writer's choices from Settings. Turning reminders on clears why they were off."""
    now = now or timezone.now()
    row.writer = user
    if row.enabled:
        row.off_reason = OffReason.NONE
        row.turned_off_at = None
        row.consecutive_failures = 0
    elif not row.turned_off_at:
        row.turned_off_at = now
    row.save()
    reminders_reschedule(user_id=user.pk, now=now)
    row.refresh_from_db()
    log.info("reminder settings of account %s saved (enabled=%s)", user.pk, row.enabled)
    return row


def _turn_off(*, user_id: int, reason: str, now: datetime) -> None:
    ReminderSettings.objects.filter(writer_id=user_id).update(
        enabled=False, off_reason=reason, turned_off_at=now, next_nudge_at=None, updated_at=now
    )
    # Emails not yet sent would arrive after the writer said stop.
    Nudge.objects.filter(writer_id=user_id, status=Nudge.Status.PENDING).update(
        status=Nudge.Status.SKIPPED, finished_at=now
    )


# --- the sweep ----------------------------------------------------------------------------------------


@dataclass
class SweepReport:
    claimed: int = 0
    created: list[int] = field(default_factory=list)
    requeued: int = 0
    interrupted: int = 0


def nudges_sweep(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE) -> SweepReport:
    """Claim every writer whose reminder is due, write their deliveries, and put the sends on the broker.

    Safe to run from several beats or workers at once: each batch is claimed with SKIP LOCKED, so two sweeps
    never hold the same writer, and a delivery's unique (writer, window_date) refuses a second email anyway.
    """
    now = now or timezone.now()
    report = SweepReport()
    _recover_unfinished(now=now, report=report)
    # Most minutes nobody is due: one indexed read, and no transaction or lock at all.
    if not ReminderSettings.objects.due(now).exists():
        return report
    while True:
        with transaction.atomic():
            batch = _claim_due(now=now, batch_size=batch_size)
            if batch:
                created = _write_deliveries(batch, now=now)
                report.claimed += len(batch)
                report.created += created
                if created:
                    transaction.on_commit(partial(nudges_enqueue, created), robust=True)
        if len(batch) < batch_size:
            break
    if report.claimed or report.requeued or report.interrupted:
        log.info(
            "nudge sweep: claimed=%s created=%s requeued=%s interrupted=%s",
            report.claimed,
            len(report.created),
            report.requeued,
            report.interrupted,
        )
    return report


CLAIM_FIELDS = (
    "writer_id",
    "enabled",
    "window_start",
    "window_end",
    "days_of_week",
    "quiet_start",
    "quiet_end",
    "every_days",
    "paused_until",
    "last_nudged_at",
    "next_nudge_at",
    "writer__time_zone",
    "writer__is_active",
)


@dataclass(slots=True)
class ClaimedWriter:
    """One row of the claim, read as a plain tuple (a sweep reads hundreds a batch)."""

    writer_id: int
    enabled: bool
    window_start: dt_time
    window_end: dt_time
    days_of_week: int
    quiet_start: dt_time | None
    quiet_end: dt_time | None
    every_days: int
    paused_until: date | None
    last_nudged_at: datetime | None
    next_nudge_at: datetime | None
    time_zone: str
    is_active: bool
    circle: object = None  # PostgreSQL only: see sweep_sql.circle_sql

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def plan(self) -> schedule.ReminderPlan:
        return schedule.ReminderPlan(
            time_zone=self.time_zone,
            window_start=self.window_start,
            window_end=self.window_end,
            days_of_week=schedule.days_from_mask(self.days_of_week),
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            every_days=self.every_days,
            paused_until=self.paused_until,
        )


def claim_queryset(*, now: datetime, batch_size: int) -> "QuerySet":
    """The claim: due writers, oldest first, locked for this transaction; rows another sweep holds are skipped.

    Rows are tuples in ClaimedWriter's order. On PostgreSQL each also carries the writer's circle
    (sweep_sql.circle_sql: the first due date and who is due today, in order), so deciding and naming need
    no person rows here.
    """
    queryset = ReminderSettings.objects.due(now).select_for_update(skip_locked=True, of=("self",))
    fields: tuple[str, ...] = CLAIM_FIELDS
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(ReminderSettings._meta.db_table)
        # Fixed SQL text with no user input in it (see sweep_sql).
        circle = RawSQL(sweep_sql.circle_sql(f"{table}.writer_id"), [now], output_field=JSONField())  # noqa: S611
        queryset = queryset.annotate(circle=circle)
        fields = (*CLAIM_FIELDS, "circle")
    return queryset.values_list(*fields)[:batch_size]


def _claim_due(*, now: datetime, batch_size: int) -> list[ClaimedWriter]:
    return [ClaimedWriter(*row) for row in claim_queryset(now=now, batch_size=batch_size)]


@dataclass(slots=True)
class PersonSnapshot:
    """The fields of a Person that rhythm and naming need, read as plain tuples (a sweep reads thousands)."""

    id: int
    owner_id: int
    name: str
    ideal_every_days: int | None
    too_long_after_days: int | None
    last_contact_at: datetime | None
    created_at: datetime
    snoozed_until: date | None
    is_paused: bool


def _circles_of(writer_ids: list[int]) -> dict[int, list[PersonSnapshot]]:
    circles: dict[int, list[PersonSnapshot]] = defaultdict(list)
    for row in _people_with_rhythm().filter(owner_id__in=writer_ids).values_list(*RHYTHM_FIELDS):
        person = PersonSnapshot(*row)
        circles[person.owner_id].append(person)
    return circles


def _write_deliveries(batch: list[ClaimedWriter], *, now: datetime) -> list[int]:
    """Decide whom to name for each claimed writer, write the deliveries, advance every schedule."""
    if connection.vendor == "postgresql":
        circles = {row.writer_id: sweep_sql.read_circle(row.circle) for row in batch}
        deliveries = _decide(batch, now=now, first_due_on_of=lambda row: circles[row.writer_id][0])
        created = sweep_sql.write_batch(
            now=now,
            deliveries=[
                (writer_id, window_date, circles[writer_id][1][:MAX_PEOPLE_PER_EMAIL])
                for writer_id, window_date in deliveries
            ],
            schedules=[(row.writer_id, row.next_nudge_at, row.last_nudged_at) for row in batch],
        )
        return [nudge_id for nudge_id, _ in created]
    return _write_deliveries_in_python(batch, now=now)


def _decide(
    batch: list[ClaimedWriter], *, now: datetime, first_due_on_of: "Callable[[ClaimedWriter], date | None]"
) -> list[tuple[int, date]]:
    """Which claimed writers get an email now (writer id, local window date); sets each row's next and last times.

    Someone is due exactly when the first due date has come, so "allowed now" (which starts no earlier than
    that date) also means "someone to name".
    """
    deliveries = []
    for row in batch:
        if not row.enabled or not row.is_active:
            row.next_nudge_at = None
            continue
        plan = row.plan()
        first_due_on = first_due_on_of(row)
        if schedule.is_allowed_now(plan, now=now, first_due_on=first_due_on, last_nudged_at=row.last_nudged_at):
            deliveries.append((row.writer_id, now.astimezone(row.zone).date()))
            row.last_nudged_at = now
        # Late (the window passed while no sweep ran) or not due after all: the next allowed moment, not now.
        row.next_nudge_at = schedule.next_nudge_at(
            plan, now=now, first_due_on=first_due_on, last_nudged_at=row.last_nudged_at
        )
        if row.next_nudge_at is not None and row.next_nudge_at <= now:
            # Not expected (a cap is at least a day), but a writer must never be claimed every minute.
            row.next_nudge_at = now + timedelta(hours=1)
    return deliveries


def _write_deliveries_in_python(batch: list[ClaimedWriter], *, now: datetime) -> list[int]:
    """The same decisions with connections.rhythm itself, for databases without the SQL path (SQLite)."""
    circles = _circles_of([row.writer_id for row in batch])
    states = {
        row.writer_id: [(person, rhythm_state_of(person, zone=row.zone, now=now)) for person in circles[row.writer_id]]
        for row in batch
    }
    deliveries = _decide(batch, now=now, first_due_on_of=lambda row: _first_due_on(s for _, s in states[row.writer_id]))
    named = {}
    for writer_id, _ in deliveries:
        due = sorted((pair for pair in states[writer_id] if pair[1].is_due), key=_most_overdue_first)
        named[writer_id] = [person.id for person, _ in due[:MAX_PEOPLE_PER_EMAIL]]
    created = _insert_deliveries(deliveries, named=named, now=now)
    ReminderSettings.objects.bulk_update(
        [
            ReminderSettings(writer_id=r.writer_id, next_nudge_at=r.next_nudge_at, last_nudged_at=r.last_nudged_at)
            for r in batch
        ],
        ["next_nudge_at", "last_nudged_at"],
    )
    return [nudge_id for nudge_id, _ in created]


def _insert_deliveries(
    deliveries: list[tuple[int, date]], *, named: dict[int, list[int]], now: datetime
) -> list[tuple[int, int]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: a writer who already has this window's email gets none."""
    if not deliveries:
        return []
    ops = connection.ops
    person_ids = Nudge._meta.get_field("person_ids")
    table = connection.ops.quote_name(Nudge._meta.db_table)
    moment = ops.adapt_datetimefield_value(now)
    rows, params = [], []
    for writer_id, window_date in deliveries:
        rows.append("(%s, %s, %s, %s, 0, %s, %s, '', %s)")
        params += [writer_id, ops.adapt_datefield_value(window_date), moment, Nudge.Status.PENDING.value]
        params += [moment, moment, person_ids.get_db_prep_save(named[writer_id], connection)]
    sql = (
        f"INSERT INTO {table} (writer_id, window_date, scheduled_for, status, attempts, created_at, enqueued_at, "  # noqa: S608
        f"last_error, person_ids) VALUES {', '.join(rows)} "
        "ON CONFLICT (writer_id, window_date) DO NOTHING RETURNING id, writer_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(nudge_id), int(writer_id)) for nudge_id, writer_id in cursor.fetchall()]


def _recover_unfinished(*, now: datetime, report: SweepReport) -> None:
    """Deliveries a lost message or a dead worker left behind: send again when safe, otherwise record it."""
    report.interrupted = Nudge.objects.sending_since_before(now - SENDING_STALE_AFTER).update(
        status=Nudge.Status.INTERRUPTED, finished_at=now, last_error="worker stopped while sending"
    )
    waiting = list(
        Nudge.objects.waiting_for_the_broker(now, lost_after=LOST_MESSAGE_AFTER, grace=NEVER_ENQUEUED_GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:10_000]
    )
    if waiting:
        Nudge.objects.filter(pk__in=waiting, status=Nudge.Status.PENDING).update(enqueued_at=now)
        report.requeued = nudges_enqueue(waiting)


def nudges_enqueue(nudge_ids: list[int]) -> int:
    """Put the sends on the broker, SEND_CHUNK deliveries per task; returns how many got there.

    Deliveries are written with their enqueue time already set. A broker that is down is logged, not raised:
    what did not get there is marked as never enqueued, and the next sweep puts it there.
    """
    from connections.nudges.tasks import send_nudges

    published = 0
    try:
        for start in range(0, len(nudge_ids), SEND_CHUNK):
            send_nudges.apply_async(
                (nudge_ids[start : start + SEND_CHUNK],), retry=True, retry_policy=ENQUEUE_RETRY_POLICY
            )
            published = min(start + SEND_CHUNK, len(nudge_ids))
    except Exception as error:
        log.warning(
            "nudges: broker unavailable (%s); %s of %s sends wait for the next sweep",
            type(error).__name__,
            len(nudge_ids) - published,
            len(nudge_ids),
        )
        unpublished = nudge_ids[published:]
        for start in range(0, len(unpublished), 1000):
            Nudge.objects.filter(pk__in=unpublished[start : start + 1000], status=Nudge.Status.PENDING).update(
                enqueued_at=None
            )
    return published


# --- sending one email ------------------------------------------------------------------------------


class _MailerCache:
    """One mailer per worker process, kept open between emails, reopened when the settings or server change.

    A connection idle for a while may have been dropped by the server: it is checked (NOOP) before reuse.
    """

    def __init__(self) -> None:
        self.key: str | None = None
        self.mailer: BaseEmailBackend | None = None
        self.last_used = 0.0

    def used(self) -> None:
        self.last_used = time.monotonic()

    def get(self) -> BaseEmailBackend:
        key = repr(settings.MAILERS.get("default"))
        if key != self.key:
            self.forget()
            self.key = key
        elif self._idle() and not self._still_connected():
            self.forget()
        if self.mailer is None:
            self.mailer = mail.mailers.default
        return self.mailer

    def _idle(self) -> bool:
        return self.mailer is not None and time.monotonic() - self.last_used > IDLE_CHECK_AFTER

    def _still_connected(self) -> bool:
        smtp = getattr(self.mailer, "connection", None)
        if smtp is None:
            return True  # not connected yet (or not an SMTP mailer): open() does what is needed
        try:
            return smtp.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    def forget(self) -> None:
        if self.mailer is not None:
            try:
                self.mailer.close()
            except Exception:  # a broken connection is being thrown away anyway
                log.debug("nudges: closing a broken mail connection failed", exc_info=True)
        self.mailer = None


_mailers = _MailerCache()


def _smtp_code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return next(iter(error.recipients.values()))[0]
    return None


def _is_temporary(error: BaseException) -> bool:
    """4xx, timeouts and dropped connections are worth another try; 5xx and anything else are not."""
    code = _smtp_code(error)
    if code is not None:
        return 400 <= code < 500
    return isinstance(error, OSError | smtplib.SMTPServerDisconnected)


def _error_code(error: BaseException) -> str:
    code = _smtp_code(error)
    if code is not None:
        return f"smtp {code}"
    # smtplib reports a read that timed out as "disconnected", with the timeout as its context.
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return "timeout"
    return type(error).__name__[:40]


def retry_countdown(attempt: int) -> int:
    """Seconds before the next try: base, 2x, 4x... capped at a few minutes."""
    base = getattr(settings, "NUDGE_RETRY_BASE_SECONDS", 30)
    return int(min(base * 2 ** max(attempt - 1, 0), MAX_RETRY_COUNTDOWN))


def _named_people(nudges: "Iterable[Nudge]") -> dict[int, list[PersonSnapshot]]:
    """Whom each delivery names, in its order, for a few deliveries at once (people removed since drop out)."""
    nudges = list(nudges)
    wanted = {person_id for nudge in nudges for person_id in nudge.person_ids}
    people = {
        row[0]: PersonSnapshot(*row)
        for row in Person.objects.filter(pk__in=wanted).values_list(*RHYTHM_FIELDS).iterator()
    }
    return {
        nudge.pk: [people[pid] for pid in nudge.person_ids if pid in people and people[pid].owner_id == nudge.writer_id]
        for nudge in nudges
    }


def _people_for_email(nudge: Nudge, named: list[PersonSnapshot], *, now: datetime) -> list[NamedPerson]:
    """Whom this email names, re-checked at send time: someone reached since the sweep is left out."""
    people = []
    for person in named:
        state = rhythm_state_of(person, zone=nudge.writer.zone, now=now)
        if state.is_due:
            people.append(NamedPerson(person_id=person.id, first_name=first_name_of(person.name), state=state))
    return people[:MAX_PEOPLE_PER_EMAIL]


def first_name_of(name: str) -> str:
    """As Person.first_name has it: the first word."""
    words = name.split()
    return words[0] if words else name


def nudges_send(*, nudge_ids: list[int]) -> list[str]:
    """Send each of these deliveries that this call can claim, over one SMTP connection; one outcome each."""
    now = timezone.now()
    nudges = {
        nudge.pk: nudge
        for nudge in Nudge.objects.select_related("writer", "writer__reminder_settings")
        .filter(pk__in=nudge_ids, status=Nudge.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=5)))
    }
    named = _named_people(nudges.values())
    run = _SendRun()
    try:
        # Not pending any more (sent, or another worker has it) or a retry not due yet: nothing to do.
        return [
            _send_one(run, nudges[nudge_id], named.get(nudge_id, [])) if nudge_id in nudges else "not-claimed"
            for nudge_id in nudge_ids
        ]
    finally:
        run.record_sent()


def _email_for(nudge: Nudge, people: list[NamedPerson]) -> EmailMultiAlternatives:
    return nudge_message(
        nudge_id=nudge.pk,
        message_id=nudge.message_id,
        to=nudge.writer.email,
        greeting_name=nudge.writer.display_name,
        people=people,
    )


def nudge_emails_preview(*, nudge_ids: list[int]) -> list[EmailMultiAlternatives]:
    """The emails these deliveries would send now, without claiming or sending anything (benchmarks compare
    the worker with raw smtplib sending exactly these bytes)."""
    now = timezone.now()
    nudges = list(Nudge.objects.select_related("writer").filter(pk__in=nudge_ids).order_by("pk"))
    named = _named_people(nudges)
    return [_email_for(nudge, _people_for_email(nudge, named[nudge.pk], now=now)) for nudge in nudges]


def nudge_send(*, nudge_id: int) -> str:
    return nudges_send(nudge_ids=[nudge_id])[0]


class _SendRun:
    """The database side of sending a few emails in a row.

    A claim must be on disk before the message goes (so a crash never resends it); that it went need not be,
    since a lost "sent" only leaves it "sending", later "interrupted", never resent. So each email's "sent"
    rides along with the next claim in one statement, and the last ones are written when the run ends.
    """

    def __init__(self) -> None:
        self.unrecorded: list[tuple[int, int, datetime]] = []  # (delivery, attempt, when it went)

    def claim(self, nudge: Nudge, *, attempt: int, now: datetime) -> bool:
        """Move the delivery from pending to sending; True only if this call did (exactly one row changed)."""
        if not self.unrecorded or connection.vendor != "postgresql":
            self.record_sent()
            claimed = Nudge.objects.filter(pk=nudge.pk, status=Nudge.Status.PENDING, attempts=nudge.attempts).update(
                status=Nudge.Status.SENDING, attempts=attempt, claimed_at=now, sending_at=now
            )
            return claimed == 1
        values = ", ".join(["(%s, %s, %s::timestamptz)"] * len(self.unrecorded))
        params: list[object] = [value for row in self.unrecorded for value in row]
        params += [attempt, now, now, nudge.pk, nudge.attempts]
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH recorded AS (UPDATE nudges_nudge AS n SET status = 'sent', finished_at = d.finished_at, "  # noqa: S608
                f"last_error = '' FROM (VALUES {values}) AS d (id, attempts, finished_at) "
                "WHERE n.id = d.id AND n.attempts = d.attempts AND n.status = 'sending' RETURNING 1) "
                "UPDATE nudges_nudge SET status = 'sending', attempts = %s, claimed_at = %s, sending_at = %s "
                "WHERE id = %s AND status = 'pending' AND attempts = %s RETURNING id",
                params,
            )
            claimed = len(cursor.fetchall())
        self.unrecorded = []
        return claimed == 1

    def sent(self, nudge: Nudge, *, attempt: int) -> None:
        self.unrecorded.append((nudge.pk, attempt, timezone.now()))
        writer_settings = getattr(nudge.writer, "reminder_settings", None)
        if writer_settings is not None and writer_settings.consecutive_failures:
            ReminderSettings.objects.filter(writer_id=nudge.writer_id).update(consecutive_failures=0)

    def record_sent(self) -> None:
        for nudge_id, attempt, finished_at in self.unrecorded:
            Nudge.objects.filter(pk=nudge_id, attempts=attempt, status=Nudge.Status.SENDING).update(
                status=Nudge.Status.SENT, finished_at=finished_at, last_error=""
            )
        self.unrecorded = []


def _send_one(run: _SendRun, nudge: Nudge, named: list[PersonSnapshot]) -> str:
    """Send one delivery read as pending, if this call can claim it.

    The order keeps "never twice" and "never lost" both true when a worker dies at any point: render and
    connect first (nothing is claimed: a death here leaves the delivery pending, to be sent again), then
    claim it straight into "sending" with a conditional UPDATE that must change exactly one row (a death
    after this leaves it "sending", recorded later as interrupted and never resent). Over SMTP the envelope's
    MAIL FROM is said just before the claim (outgoing.py): no server takes a message before DATA, which waits.
    """
    now = timezone.now()
    people = _people_for_email(nudge, named, now=now)
    if not people or not nudge.writer.is_active:
        if _in_state(nudge, Nudge.Status.PENDING, nudge.attempts).update(status=Nudge.Status.SKIPPED, finished_at=now):
            log.info("nudge %s skipped: nobody left to name", nudge.pk)
        return "skipped"
    message = _email_for(nudge, people)
    attempt = nudge.attempts + 1
    try:
        mailer = _mailers.get()
        mailer.open()  # connect, greet, TLS, log in: nothing of the message has left yet
        on_its_way = outgoing(mailer, message)
        on_its_way.begin()
    except Exception as error:
        _mailers.forget()
        return _attempt_failed(nudge, _in_state(nudge, Nudge.Status.PENDING, nudge.attempts), attempt, error)
    try:
        claimed = run.claim(nudge, attempt=attempt, now=now)
    except BaseException:
        _mailers.forget()  # an envelope is open on that connection
        raise
    if not claimed:
        if not on_its_way.abandon():
            _mailers.forget()
        return "not-claimed"
    try:
        on_its_way.complete()
    except Exception as error:
        _mailers.forget()
        return _attempt_failed(nudge, _in_state(nudge, Nudge.Status.SENDING, attempt), attempt, error)
    _mailers.used()
    run.sent(nudge, attempt=attempt)
    log.info("nudge %s sent to account %s (attempt %s)", nudge.pk, nudge.writer_id, attempt)
    return "sent"


def _in_state(nudge: Nudge, status: str, attempts: int) -> "QuerySet[Nudge]":
    """This delivery only while it is still in this state and attempt: what a conditional UPDATE changes.

    Built only on the paths that write through it: an email that goes out never needs one.
    """
    return Nudge.objects.filter(pk=nudge.pk, status=status, attempts=attempts)


def _attempt_failed(nudge: Nudge, this_attempt: "QuerySet[Nudge]", attempt: int, error: BaseException) -> str:
    """Record a failed try (before or after the claim) and retry it soon, or fail it for good."""
    now = timezone.now()
    code = _error_code(error)
    ReminderSettings.objects.filter(writer_id=nudge.writer_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = (
        ReminderSettings.objects.filter(writer_id=nudge.writer_id)
        .values_list("consecutive_failures", flat=True)
        .first()
    ) or 0
    if failures >= FAILURES_BEFORE_TURNING_OFF:
        this_attempt.update(status=Nudge.Status.FAILED, attempts=attempt, finished_at=now, last_error=code)
        _turn_off(user_id=nudge.writer_id, reason=OffReason.UNDELIVERABLE, now=now)
        log.warning("nudge %s failed (%s); reminders of account %s turned off", nudge.pk, code, nudge.writer_id)
        return "failed"
    if _is_temporary(error) and attempt < MAX_ATTEMPTS:
        countdown = retry_countdown(attempt)
        updated = this_attempt.update(
            status=Nudge.Status.PENDING,
            attempts=attempt,
            next_attempt_at=now + timedelta(seconds=countdown),
            enqueued_at=now,
            last_error=code,
        )
        if updated == 1:
            log.info("nudge %s: %s on attempt %s, retrying in %ss", nudge.pk, code, attempt, countdown)
            _enqueue_retry(nudge.pk, countdown)
        return "retry"
    this_attempt.update(status=Nudge.Status.FAILED, attempts=attempt, finished_at=now, last_error=code)
    # An error that is not about SMTP is a bug worth a traceback (it names code, never the email's text).
    log.warning("nudge %s failed (%s) on attempt %s", nudge.pk, code, attempt, exc_info=_smtp_code(error) is None)
    return "failed"


def _enqueue_retry(nudge_id: int, countdown: int) -> None:
    from connections.nudges.tasks import send_nudge

    try:
        send_nudge.apply_async((nudge_id,), countdown=countdown, retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except Exception:
        # The row is pending with its retry time: the sweep puts it back on the broker.
        log.warning("nudges: broker unavailable for the retry of nudge %s", nudge_id)
        Nudge.objects.filter(pk=nudge_id, status=Nudge.Status.PENDING).update(enqueued_at=None)


# --- the links in an email ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkTarget:
    """What a link in an email is about, for its confirmation page."""

    nudge: Nudge
    person: Person | None

    @property
    def first_name(self) -> str:
        return self.person.first_name if self.person else ""


def link_target(claim: LinkClaim) -> LinkTarget:
    """The delivery (and person) a valid token names; BadLinkError when they are gone or do not belong together."""
    nudge = Nudge.objects.select_related("writer").filter(pk=claim.nudge_id).first()
    if nudge is None:
        raise BadLinkError()
    person = None
    if claim.person_id is not None:
        person = Person.objects.filter(pk=claim.person_id, owner_id=nudge.writer_id).first()
        if person is None or person.pk not in nudge.person_ids:
            raise BadLinkError()
    return LinkTarget(nudge=nudge, person=person)


def _record_action(target: LinkTarget, kind: str, now: datetime) -> bool:
    """True the first time; False when this email's link was already used for this (a second click)."""
    try:
        with transaction.atomic():
            NudgeAction.objects.create(nudge=target.nudge, person=target.person, kind=kind, created_at=now)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def nudge_link_use(*, purpose: Purpose, target: LinkTarget, now: datetime | None = None) -> bool:
    """Do what a link says. Returns False when it had been done already from this email (nothing changes)."""
    from connections.services import contact_log, person_snooze

    now = now or timezone.now()
    writer = target.nudge.writer
    if purpose is Purpose.REACHED_OUT:
        if not _record_action(target, NudgeAction.Kind.REACHED_OUT, now):
            return False
        contact_log(user=writer, person=target.person, outcome=Contact.Outcome.ATTEMPT, channel=Contact.Channel.OTHER)
    elif purpose is Purpose.SNOOZE:
        if not _record_action(target, NudgeAction.Kind.SNOOZED, now):
            return False
        person_snooze(user=writer, person=target.person, days=SNOOZE_DAYS)
    elif purpose is Purpose.PAUSE:
        if not _record_action(target, NudgeAction.Kind.PAUSED, now):
            return False
        row = ReminderSettings.objects.select_for_update().get(writer_id=writer.pk)
        row.paused_until = max(row.paused_until or date.min, writer.local_today() + timedelta(days=PAUSE_DAYS))
        row.save(update_fields=["paused_until", "updated_at"])
        Nudge.objects.filter(writer_id=writer.pk, status=Nudge.Status.PENDING).update(
            status=Nudge.Status.SKIPPED, finished_at=now
        )
        reminders_reschedule(user_id=writer.pk, now=now)
    elif purpose is Purpose.UNSUBSCRIBE:
        first_time = _record_action(target, NudgeAction.Kind.UNSUBSCRIBED, now)
        _turn_off(user_id=writer.pk, reason=OffReason.UNSUBSCRIBED, now=now)
        return first_time
    log.info("nudge %s: link %s used", target.nudge.pk, purpose.value)
    return True


# --- the calendar feed ------------------------------------------------------------------------------


def feed_token_regenerate(*, user: User) -> str:
    """A new private calendar address; the old one stops working at once."""
    token = secrets.token_urlsafe(24)
    row, _ = ReminderSettings.objects.get_or_create(writer_id=user.pk)
    row.feed_token = token
    row.save(update_fields=["feed_token", "updated_at"])
    log.info("calendar address of account %s made", user.pk)
    return token


def feed_turn_off(*, user: User) -> None:
    ReminderSettings.objects.filter(writer_id=user.pk).update(feed_token=None, updated_at=timezone.now())


@dataclass(frozen=True)
class UpcomingReachOut:
    person_id: int
    first_name: str
    day: date
    state: RhythmState


def upcoming_reach_outs(*, user: User, now: datetime | None = None) -> list[UpcomingReachOut]:
    """Each person with a rhythm, on the local day they are next due (today when already due)."""
    now = now or timezone.now()
    today = user.local_today()
    upcoming = []
    for person in _people_with_rhythm().filter(owner_id=user.pk).only(*RHYTHM_FIELDS):
        state = rhythm_state_of(person, zone=user.time_zone, now=now)
        if state.next_due_on is not None:
            upcoming.append(UpcomingReachOut(person.pk, person.first_name, max(state.next_due_on, today), state))
    return sorted(upcoming, key=lambda item: (item.day, item.first_name.casefold()))


def delivery_history(*, user: User, limit: int = 10) -> list[Nudge]:
    return list(Nudge.objects.for_writer(user).prefetch_related("actions__person")[:limit])
