"""Tags for the panels on other pages: `{% entry_share_panel entry %}`, `{% person_share_panel person %}`."""

from django import template

from connections.sharing.panels import entry_share_panel_context, person_share_panel_context

register = template.Library()


@register.inclusion_tag("sharing/_entry_share_panel_body.html", takes_context=True)
def entry_share_panel(context: template.Context, entry: object) -> dict[str, object]:
    request = context["request"]
    return {
        **entry_share_panel_context(request.user, entry),
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("sharing/_person_share_panel_body.html", takes_context=True)
def person_share_panel(context: template.Context, person: object) -> dict[str, object]:
    request = context["request"]
    return {**person_share_panel_context(request.user, person), "request": request, "user": request.user}
