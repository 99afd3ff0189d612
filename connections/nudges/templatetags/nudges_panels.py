"""{% reminders_panel %}: the Reminders part of the Settings page, which the accounts view knows nothing about."""

from django import template

from connections.nudges.panels import reminders_panel_context

register = template.Library()


@register.inclusion_tag("nudges/_reminders_panel.html", takes_context=True)
def reminders_panel(context: template.Context) -> dict[str, object]:
    request = context["request"]
    form = context.get("reminders_form")  # a form with errors, when re-shown by the reminders view
    return {"request": request, "csrf_token": context.get("csrf_token"), **reminders_panel_context(request.user, form)}
