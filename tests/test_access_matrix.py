"""The access matrix: every URL pattern of the project, built from the URLconf, requested by six personas with
every HTTP method its view accepts, against one table of expected outcomes.

Personas: anonymous; the owner (a writer with entries, people, drafts, a share); a stranger (another writer);
the practitioner the owner shares with (active); a practitioner whose share was revoked; one whose share has
expired. A stranger always gets 404, never another writer's data, and no response to anyone but the owner
carries the owner's private text.

Adding a URL: give it a row in ACCESS (exact route as Django prints it, or a prefix ending in "*" where every
route under it honestly behaves the same), and, if it takes a new parameter, a value in `parameter_values`.
A route without a row fails `test_every_url_pattern_has_a_row`; the matrix itself reports every mismatch at once.
"""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.keyring import cipher_for
from accounts.models import ImportJob, User
from connections.models import Contact
from connections.sharing import services as sharing
from connections.sharing import tokens as sharing_tokens
from connections.sharing.models import Share
from journal.models import WriterPrompt
from tests.factories import UserFactory
from tests.sharing_fixtures import active_share, make_draft, make_entry, make_professional, pick, start_share

# --- outcomes -------------------------------------------------------------------------------------------

OK = "ok"  # the page answers (2xx, a redirect that is not to a login page, or 400: the form said no)
LOGIN = "login"  # 302 to the sign-in page
NOT_FOUND = "404"
ENDED = "ended"  # 410 "This share has ended"
OPERATOR_LOGIN = "operator login"  # 302 to the operators' sign-in page
SESSION_EXPIRED = "401"  # a script's endpoint says "sign in again" instead of redirecting (the page keeps the text)

PERSONAS = ("anonymous", "owner", "stranger", "practitioner", "revoked", "expired")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Rule:
    """What each persona gets. `probe` is the persona whose view of the page decides which methods it accepts."""

    anonymous: str
    owner: str
    stranger: str
    practitioner: str
    revoked: str
    expired: str
    probe: str = "owner"
    # When a POST rightly ends somewhere else than a GET does (confirming an address sends you to sign in).
    on_post: "Rule | None" = None

    def expected(self, persona: str, method: str) -> str:
        if method == "POST" and self.on_post is not None:
            return self.on_post.expected(persona, method)
        return getattr(self, persona)


# Open to everyone, signed in or not.
PUBLIC = Rule(OK, OK, OK, OK, OK, OK, probe="anonymous")
# A step of signing in: with no sign-in under way, a visitor is sent to the sign-in page.
SIGN_IN_STEP = Rule(LOGIN, OK, OK, OK, OK, OK, probe="anonymous")
# Each account's own page: sign in first, then everyone sees only their own.
SIGNED_IN = Rule(LOGIN, OK, OK, OK, OK, OK)
# One object of the owner's (an entry, a person, a share from the writer's side): 404 for everyone else.
OWNER_ONLY = Rule(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
# Read through a share: only its practitioner, only while it lasts; the writer previews elsewhere.
PRACTICE = Rule(LOGIN, NOT_FOUND, NOT_FOUND, OK, ENDED, ENDED, probe="practitioner")
# A signed link from an email: whoever holds it gets the same page, signed in or not.
SIGNED_LINK = Rule(OK, OK, OK, OK, OK, OK, probe="anonymous")
# Pages that only exist in development (DEBUG on): nobody here.
NOWHERE = Rule(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, probe="anonymous")
# The operators' admin: none of these personas is an operator.
OPERATORS = Rule(OPERATOR_LOGIN, OPERATOR_LOGIN, OPERATOR_LOGIN, OPERATOR_LOGIN, OPERATOR_LOGIN, OPERATOR_LOGIN)

ACCESS: dict[str, Rule] = {
    # The service
    "": PUBLIC,  # landing page, or the writer's home
    "healthz": PUBLIC,
    "dev/outbox/": NOWHERE,
    "help/": PUBLIC,
    # Accounts (allauth and settings)
    "accounts/login/": PUBLIC,
    "accounts/logout/": PUBLIC,
    "accounts/inactive/": PUBLIC,
    "accounts/signup/": PUBLIC,
    "accounts/reauthenticate/": SIGNED_IN,
    "accounts/reauthenticate/code/": SIGNED_IN,
    "accounts/reauthenticate/code/confirm/": SIGNED_IN,
    "accounts/email/": SIGNED_IN,
    "accounts/confirm-email/": PUBLIC,
    # Anyone with the link may confirm the address; then, unless already signed in as its owner, they sign in.
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Rule(
        OK, OK, OK, OK, OK, OK, probe="anonymous", on_post=Rule(LOGIN, OK, LOGIN, LOGIN, LOGIN, LOGIN)
    ),
    "accounts/password/change/": SIGNED_IN,
    "accounts/password/set/": SIGNED_IN,
    "accounts/password/reset/": PUBLIC,
    "accounts/password/reset/done/": PUBLIC,
    "accounts/password/reset/key/done/": PUBLIC,
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": SIGNED_LINK,
    "accounts/login/code/confirm/": SIGN_IN_STEP,
    "accounts/2fa/*": SIGNED_IN,
    # Only someone with an authenticator has these; the owner has one, nobody else does.
    "accounts/2fa/totp/deactivate/": OWNER_ONLY,
    "accounts/2fa/recovery-codes/": OWNER_ONLY,
    "accounts/2fa/recovery-codes/download/": OWNER_ONLY,
    "accounts/sessions/": SIGNED_IN,
    "settings/": SIGNED_IN,
    "settings/delete/": SIGNED_IN,
    "settings/export/": SIGNED_IN,
    "settings/import/": SIGNED_IN,
    "settings/import/<int:job_id>/": OWNER_ONLY,
    "settings/import/<int:job_id>/status/": OWNER_ONLY,
    # Journal
    "journal/": SIGNED_IN,
    "journal/new/": SIGNED_IN,
    "journal/calendar/": SIGNED_IN,
    "journal/trash/": SIGNED_IN,
    "journal/drafts/": SIGNED_IN,
    "journal/drafts/autosave/": Rule(SESSION_EXPIRED, OK, OK, OK, OK, OK),
    "journal/drafts/<int:draft_id>/discard/": OWNER_ONLY,
    "journal/prompts/": SIGNED_IN,
    "journal/prompts/<int:prompt_id>/remove/": OWNER_ONLY,
    "journal/insights/": SIGNED_IN,
    "journal/insights/late-night/dismiss/": SIGNED_IN,
    "journal/<int:entry_id>/": OWNER_ONLY,
    "journal/<int:entry_id>/edit/": OWNER_ONLY,
    "journal/<int:entry_id>/delete/": OWNER_ONLY,
    "journal/<int:entry_id>/restore/": OWNER_ONLY,
    "journal/<int:entry_id>/delete-forever/": OWNER_ONLY,
    # Reach out
    "people/": SIGNED_IN,
    "people/add/": SIGNED_IN,
    "people/<int:person_id>/*": OWNER_ONLY,  # the person, their contact log, and "Share with ..."
    "reach-out/": SIGNED_IN,
    "help/plan/": SIGNED_IN,
    # Reminders
    "settings/reminders/": SIGNED_IN,
    "settings/reminders/calendar/": SIGNED_IN,
    "reminders/calendar/<str:token>.ics": SIGNED_LINK,
    "n/<str:token>/reached-out/": SIGNED_LINK,
    "n/<str:token>/snooze/": SIGNED_LINK,
    "n/<str:token>/pause/": SIGNED_LINK,
    "n/<str:token>/unsubscribe/": SIGNED_LINK,
    # Sharing: the practitioner's side
    "practice/": SIGNED_IN,
    "practice/<int:share_id>/*": PRACTICE,
    # Sharing: the writer's side, and the links in its emails
    "shares/": SIGNED_IN,
    "shares/<int:share_id>/*": OWNER_ONLY,
    "shares/invitation/<str:token>/": SIGNED_LINK,
    "shares/read-notices-off/<str:token>/": SIGNED_LINK,
    # The operators' admin
    "operator/*": OPERATORS,
    "operator/login/": PUBLIC,
    "operator/logout/": PUBLIC,
}

# Routes that need another of the owner's rows than the default for a parameter (restore needs an entry in Trash).
ROUTE_VALUES: dict[str, dict[str, str]] = {
    "journal/<int:entry_id>/restore/": {"entry_id": "trashed_entry_id"},
    "journal/<int:entry_id>/delete-forever/": {"entry_id": "trashed_entry_id"},
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": {"key": "email_confirmation_key"},
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": {"key": "password_reset_key"},
}


def rule_for(route: str) -> Rule | None:
    """The exact row, else the longest prefix row ("people/<int:person_id>/*")."""
    if route in ACCESS:
        return ACCESS[route]
    prefixes = [key for key in ACCESS if key.endswith("*") and route.startswith(key[:-1])]
    return ACCESS[max(prefixes, key=len)] if prefixes else None


# --- the URLconf ------------------------------------------------------------------------------------------


def every_route(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def concrete_path(route: str, values: dict[str, str]) -> str:
    """Fill both kinds of parameter (<int:entry_id> and (?P<key>...)) and drop regex anchors."""

    def value(match: re.Match) -> str:
        name = match.group("name")
        if name not in values:
            raise KeyError(f"no value for parameter {name!r} in route {route!r}: add it to parameter_values")
        return str(values[name])

    path = re.sub(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)", value, route)
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


# --- the world ----------------------------------------------------------------------------------------------

SECRET_ENTRY = "Nobody but me knows about the letter"
SECRET_DRAFT = "Half a thought about the letter"
SECRET_NOTE = "Call before the anniversary"
SHARED_ENTRY = "What I want to bring to Dr. K"


@dataclass
class World:
    users: dict[str, User | None]
    values: dict[str, dict[str, str]]


def build_world() -> World:
    owner = UserFactory(email="owner@example.org")
    stranger = UserFactory(email="stranger@example.org")
    practitioner = UserFactory(email="dr.k@example.org")
    revoked_reader = UserFactory(email="dr.r@example.org")
    expired_reader = UserFactory(email="dr.x@example.org")
    # The stranger writes too: their rows must never appear to the owner either.
    make_entry(stranger, title="The stranger's own entry")

    today = owner.local_today()
    shared = make_entry(owner, title=SHARED_ENTRY, body="Sleep, and my sister.", mood=3, tags=["therapy"])
    make_entry(owner, title=SECRET_ENTRY, body=SECRET_ENTRY, entry_date=today - datetime.timedelta(days=3))
    trashed = make_entry(owner, title="Binned", body=SECRET_ENTRY, in_trash=True)
    draft = make_draft(owner, title="Draft", body=SECRET_DRAFT)
    prompt = WriterPrompt.objects.create(owner=owner, text="Who did I think of today?")
    person = make_professional(owner, name="Dr. K", email=practitioner.email)
    person.seal_notes(cipher_for(owner), SECRET_NOTE)
    person.save()
    contact = Contact(owner=owner, person=person, happened_at=timezone.now())
    contact.seal_note(cipher_for(owner), SECRET_NOTE)
    contact.save()
    job = ImportJob.objects.create(owner=owner, source=ImportJob.Source.HELD)
    TOTP.activate(owner, generate_totp_secret())
    RecoveryCodes.activate(owner)
    second_address = EmailAddress.objects.create(user=owner, email="owner.too@example.org", verified=False)

    share = active_share(owner, practitioner, include_moods=True)
    pick(share, shared)
    revoked = active_share(owner, revoked_reader, include_moods=True)
    pick(revoked, shared)
    sharing.share_revoke(share=revoked)
    expired = active_share(owner, expired_reader, include_moods=True)
    pick(expired, shared)
    Share.objects.filter(pk=expired.pk).update(ends_at=timezone.now() - datetime.timedelta(minutes=1))
    pending = start_share(owner, person=person, email="new.therapist@example.org")

    common = {
        "entry_id": str(shared.pk),
        "draft_id": str(draft.pk),
        "prompt_id": str(prompt.pk),
        "person_id": str(person.pk),
        "contact_id": str(contact.pk),
        "job_id": str(job.pk),
        "share_id": str(share.pk),
        "trashed_entry_id": str(trashed.pk),
        # Signed links: the real ones the emails carry.
        "token": "",  # filled per route below
        "email_confirmation_key": EmailConfirmationHMAC(second_address).key,
        "password_reset_key": default_token_generator.make_token(owner),
        "uidb36": user_pk_to_url_str(owner),
        # The admin's parameters: shapes that resolve, pointing at nothing of anyone's.
        "object_id": str(owner.pk),
        "id": str(owner.pk),
        "content_type_id": "1",
        "app_label": "accounts",
        "url": "nothing-here/",
    }
    values = {persona: dict(common) for persona in PERSONAS}
    # Each practitioner asks about their own share.
    values["revoked"]["share_id"] = str(revoked.pk)
    values["expired"]["share_id"] = str(expired.pk)
    values["tokens"] = {
        "shares/invitation/": sharing_tokens.invitation_token(pending.pk, pending.invitation_nonce),
        "shares/read-notices-off/": sharing_tokens.read_notice_off_token(share.pk),
        **nudge_tokens(owner, person),
    }
    users = {
        "anonymous": None,
        "owner": owner,
        "stranger": stranger,
        "practitioner": practitioner,
        "revoked": revoked_reader,
        "expired": expired_reader,
    }
    assert EmailAddress.objects.filter(user=practitioner, verified=True).exists()
    return World(users=users, values=values)


def nudge_tokens(owner: User, person: object) -> dict[str, str]:
    """Real links from a reminder email, made the way the Reminders part makes them."""
    from connections.nudges import services as nudges
    from connections.nudges.models import Nudge
    from connections.nudges.tokens import Purpose, make_token

    now = timezone.now()
    nudge = Nudge.objects.create(
        writer=owner, window_date=owner.local_today(), scheduled_for=now, created_at=now, person_ids=[person.pk]
    )
    return {
        "reminders/calendar/": nudges.feed_token_regenerate(user=owner),
        "n/reached-out": make_token(Purpose.REACHED_OUT, nudge_id=nudge.pk, person_id=person.pk),
        "n/snooze": make_token(Purpose.SNOOZE, nudge_id=nudge.pk, person_id=person.pk),
        "n/pause": make_token(Purpose.PAUSE, nudge_id=nudge.pk),
        "n/unsubscribe": make_token(Purpose.UNSUBSCRIBE, nudge_id=nudge.pk),
    }


def token_for(route: str, tokens: dict[str, str]) -> str:
    for prefix, token in tokens.items():
        if route.startswith(prefix) or (prefix.startswith("n/") and route.endswith(prefix[2:] + "/")):
            return token
    raise KeyError(f"no signed link for {route!r}: add one to values['tokens'] in build_world")


# --- asking -----------------------------------------------------------------------------------------------


def sign_in_cookies(user: User | None) -> SimpleCookie:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.cookies


def ask(cookies: SimpleCookie, method: str, path: str) -> tuple[str, int, str]:
    """One request on a fresh client, rolled back afterwards so no request can change what the next one sees."""
    cache.clear()  # allauth's rate limits must not turn a persona away
    client = Client(raise_request_exception=True)
    client.cookies = SimpleCookie(cookies.output(header="", sep=";"))
    savepoint = transaction.savepoint_create()
    try:
        response = client.generic(method, path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        transaction.savepoint_rollback(savepoint)
    text = body.decode("utf-8", errors="replace")
    return classify(response.status_code, response.get("Location", ""), text), response.status_code, text


def classify(status: int, location: str, text: str) -> str:
    if status == 404:
        return NOT_FOUND
    if status == 410 and "This share has ended" in text:
        return ENDED
    if status in (301, 302, 303):
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/operator/login/"):
            return OPERATOR_LOGIN
        return OK
    if status in (200, 201, 204, 400):
        return OK
    if status == 401:
        return SESSION_EXPIRED
    return f"HTTP {status}"


# --- the tests ---------------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    missing = [route for route in every_route() if rule_for(route) is None]
    assert not missing, "URL patterns without a row in ACCESS:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_every_url_answers_each_persona_as_the_table_says():
    world = build_world()
    cookies = {persona: sign_in_cookies(user) for persona, user in world.users.items()}
    private = (SECRET_ENTRY, SECRET_DRAFT, SECRET_NOTE, "stranger&#x27;s own entry", "stranger's own entry")
    mismatches: list[str] = []
    leaks: list[str] = []
    for route in every_route():
        rule = rule_for(route)
        assert rule is not None, route
        paths = {}
        for persona in PERSONAS:
            values = dict(world.values[persona])
            for name, other in ROUTE_VALUES.get(route, {}).items():
                values[name] = values[other]
            if "<str:token>" in route:
                values["token"] = token_for(route, world.values["tokens"])
            paths[persona] = concrete_path(route, values)
        # The persona the page is meant for asks first: a 405 there means the view does not take that method.
        # The admin sends every non-operator to sign in whatever the method, so all of them are tried there.
        order = [rule.probe, *(persona for persona in PERSONAS if persona != rule.probe)]
        answered = False
        for method in METHODS:
            for persona in order:
                outcome, status, text = ask(cookies[persona], method, paths[persona])
                if persona == rule.probe and status == 405 and rule is not OPERATORS:
                    break  # not a method this view accepts
                answered = True
                expected = rule.expected(persona, method)
                if outcome != expected:
                    mismatches.append(
                        f"{method:6} {paths[persona]:60} {persona:12} got {outcome} ({status}), table: {expected}"
                    )
                if persona != "owner":
                    leaks.extend(
                        f"{method} {paths[persona]} as {persona} shows {secret!r}"
                        for secret in private
                        if secret in text and not (persona == "stranger" and "stranger" in secret)
                    )
                if SHARED_ENTRY in text and persona not in ("owner", "practitioner"):
                    leaks.append(f"{method} {paths[persona]} as {persona} shows the shared entry")
        assert answered, f"{route}: no method answers {rule.probe}"
    assert not leaks, "\n".join(leaks)
    assert not mismatches, f"{len(mismatches)} answers differ from the table:\n" + "\n".join(mismatches)
