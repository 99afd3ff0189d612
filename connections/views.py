"""The circle, Reach out and Help. Views parse, authorise, call a service and render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.keyring import cipher_for
from connections import services
from connections.cards import PersonCard, reach_out_page, their_time_words
from connections.forms import ContactLogForm, PersonForm, SafetyPlanForm
from connections.help_lines import country_choices, help_for_country
from connections.models import Contact, Person, SafetyPlan
from connections.rhythm import rhythm_state_of
from connections.starters import dialable
from connections.suggestions import circle_now, people_in_circle, plan_people


def _person_for(request: HttpRequest, person_id: int) -> Person:
    """The signed-in writer's person, or 404: someone else's person is indistinguishable from none."""
    return get_object_or_404(Person.objects.for_owner(request.user), pk=person_id)


def _back_to(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = fallback
    return HttpResponseRedirect(target)


# --- people -----------------------------------------------------------------------------------------


@never_cache
@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    zone = request.user.zone
    cards = [
        PersonCard(person=person, rhythm=rhythm_state_of(person, zone=zone, now=now))
        for person in people_in_circle(request.user)
    ]
    return render(
        request,
        "connections/people_list.html",
        {
            "trusted": [card.row() for card in cards if not card.person.is_professional and not card.person.is_paused],
            "professionals": [
                card.row() for card in cards if card.person.is_professional and not card.person.is_paused
            ],
            "paused": [card.row() for card in cards if card.person.is_paused],
        },
    )


@never_cache
@login_required
def person_add(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user, instance=Person(owner=request.user))
    if request.method == "POST" and form.is_valid():
        person = services.person_save(
            user=request.user,
            person=form.save(),
            notes=form.cleaned_data["notes"],
            topic_names=form.cleaned_data["topics"],
            last_in_touch=form.cleaned_data.get("last_in_touch"),
        )
        messages.success(request, f"{person.name} is in your circle.")
        return redirect("person_detail", person_id=person.pk)
    return render(request, "connections/person_form.html", {"form": form, "adding": True, **_topic_hints(request)})


@never_cache
@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for(request, person_id)
    initial = {
        "notes": person.notes(cipher_for(request.user)),
        "topics": ", ".join(tag.name for tag in person.topics.all()),
    }
    form = PersonForm(request.POST or None, user=request.user, instance=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.person_save(
            user=request.user,
            person=form.save(),
            notes=form.cleaned_data["notes"],
            topic_names=form.cleaned_data["topics"],
        )
        messages.success(request, "Saved.")
        return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "connections/person_form.html",
        {"form": form, "adding": False, "person": person, **_topic_hints(request)},
    )


def _topic_hints(request: HttpRequest) -> dict[str, object]:
    from journal.models import Tag

    return {"known_topics": list(Tag.objects.filter(owner=request.user).values_list("name", flat=True)[:200])}


@never_cache
@login_required
def person_detail(request: HttpRequest, person_id: int, log_form: ContactLogForm | None = None) -> HttpResponse:
    person = _person_for(request, person_id)
    cipher = cipher_for(request.user)
    now = timezone.now()
    contacts = Contact.objects.filter(person=person).order_by("-happened_at", "-id")[:50]
    return render(
        request,
        "connections/person_detail.html",
        {
            "person": person,
            "card": PersonCard(person=person, rhythm=rhythm_state_of(person, zone=request.user.zone, now=now)),
            "notes": person.notes(cipher),
            "topics": [tag.name for tag in person.topics.all()],
            "contacts": [(contact, contact.note(cipher)) for contact in contacts],
            "log_form": log_form or ContactLogForm(user=request.user),
            "their_time": their_time_words(request.user, person, now),
            "dial": dialable(person.phone),
        },
    )


@never_cache
@login_required
@require_POST
def contact_log_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for(request, person_id)
    form = ContactLogForm(request.POST, user=request.user)
    if not form.is_valid():
        # The person page again, with the form as typed and what is wrong with it.
        return person_detail(request, person_id, log_form=form)
    services.contact_log(
        user=request.user,
        person=person,
        outcome=form.cleaned_data["outcome"],
        channel=form.cleaned_data["channel"],
        happened_at=services.moment_of_local_day(request.user, form.cleaned_data["day"]),
        note=form.cleaned_data["note"],
    )
    messages.success(request, "Logged.")
    return redirect("person_detail", person_id=person.pk)


@login_required
@require_POST
def reached_out(request: HttpRequest, person_id: int) -> HttpResponse:
    """'I reached out': one click wherever a person appears."""
    person = _person_for(request, person_id)
    channel = request.POST.get("channel", "")
    services.contact_log(
        user=request.user,
        person=person,
        outcome=Contact.Outcome.ATTEMPT,
        channel=channel if channel in Contact.Channel.values else Contact.Channel.OTHER,
    )
    messages.success(request, f"Noted: you reached out to {person.first_name} today.")
    return _back_to(request, reverse("reach_out"))


@login_required
@require_POST
def snooze(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for(request, person_id)
    try:
        days = int(request.POST.get("days", ""))
        services.person_snooze(user=request.user, person=person, days=days)
    except ValueError:
        messages.error(request, "Snooze for a day or a week.")
        return _back_to(request, reverse("reach_out"))
    when = "tomorrow" if days == 1 else "next week"
    messages.success(request, f"Snoozed: {person.first_name} won't be suggested again until {when}.")
    return _back_to(request, reverse("reach_out"))


@login_required
@require_POST
def person_pause(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for(request, person_id)
    paused = request.POST.get("paused") == "1"
    services.person_set_paused(user=request.user, person=person, paused=paused)
    if paused:
        messages.success(request, f"{person.first_name} is paused: no suggestions or reminders until you resume.")
    else:
        messages.success(request, f"{person.first_name} is back in your suggestions.")
    return redirect("person_detail", person_id=person.pk)


@never_cache
@login_required
def person_delete(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for(request, person_id)
    if request.method == "POST":
        name = person.name
        services.person_delete(user=request.user, person=person)
        messages.success(request, f"{name} is no longer in your circle.")
        return redirect("people")
    return render(request, "connections/person_confirm_delete.html", {"person": person})


@login_required
@require_POST
def contact_delete(request: HttpRequest, person_id: int, contact_id: int) -> HttpResponse:
    person = _person_for(request, person_id)
    contact = get_object_or_404(Contact.objects.for_owner(request.user), pk=contact_id, person=person)
    services.contact_delete(user=request.user, contact=contact)
    messages.success(request, "Removed from the log.")
    return redirect("person_detail", person_id=person.pk)


# --- reach out --------------------------------------------------------------------------------------


@never_cache
@login_required
def reach_out(request: HttpRequest) -> HttpResponse:
    page = reach_out_page(request.user, circle_now(request.user), show_all=request.GET.get("all") == "1")
    return render(request, "connections/reach_out.html", {"page": page})


# --- help -------------------------------------------------------------------------------------------


@never_cache
def help_page(request: HttpRequest) -> HttpResponse:
    # Open to everyone, signed in or not: help must never be behind a login.
    user = request.user if request.user.is_authenticated else None
    chosen_code = request.GET.get("country", "").upper()
    if chosen_code and chosen_code not in dict(country_choices()):
        chosen_code = ""
    country = help_for_country(chosen_code or (user.country.code if user and user.country else None))
    context: dict[str, object] = {"country": country, "country_choices": country_choices()}
    if user is not None:
        context.update(_safety_plan_context(user))
    return render(request, "connections/help.html", context)


def _safety_plan_context(user: object) -> dict[str, object]:
    """The plan's steps in Stanley-Brown order, keeping only the ones the writer has filled in."""
    plan = SafetyPlan.objects.filter(owner=user).first()
    if plan is None:
        return {"plan_steps": [], "plan_has_gaps": True}
    cipher = cipher_for(user)
    text = {stem: plan.step_text(cipher, stem) for stem, _title, _hint in SafetyPlan.WRITTEN_STEPS}
    titles = {stem: title for stem, title, _hint in SafetyPlan.WRITTEN_STEPS}
    people = plan_people(user, plan)
    steps = [
        (1, titles["warning_signs"], text["warning_signs"], []),
        (2, titles["coping"], text["coping"], []),
        (3, titles["distractions"], text["distractions"], people["distraction_people"]),
        (4, "People I can ask for help", "", people["help_people"]),
        (5, "Professionals I can contact", "", people["professionals"]),
        (6, titles["safe_surroundings"], text["safe_surroundings"], []),
    ]
    filled = [step for step in steps if step[2] or step[3]]
    return {
        "plan_steps": filled,
        "plan_has_gaps": len(filled) < len(steps),
        "worth_living_for": text["worth_living_for"],
        "worth_living_for_title": titles["worth_living_for"],
    }


@never_cache
@login_required
def safety_plan_edit(request: HttpRequest) -> HttpResponse:
    plan = services.safety_plan_for(request.user)
    initial: dict[str, object] = {}
    if plan.pk is not None:
        cipher = cipher_for(request.user)
        initial = {stem: plan.step_text(cipher, stem) for stem, _title, _hint in SafetyPlan.WRITTEN_STEPS}
        initial["distraction_people"] = list(plan.distraction_people.all())
        initial["help_people"] = list(plan.help_people.all())
        initial["professionals"] = list(plan.professionals.all())
    form = SafetyPlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.safety_plan_save(
            user=request.user,
            steps=form.written_steps(),
            distraction_people=form.cleaned_data["distraction_people"],
            help_people=form.cleaned_data["help_people"],
            professionals=form.cleaned_data["professionals"],
        )
        messages.success(request, "Your safety plan is saved.")
        return redirect(reverse("help") + "#safety-plan")
    return render(request, "connections/safety_plan_form.html", {"form": form})
