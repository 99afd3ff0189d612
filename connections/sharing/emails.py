"""Sharing's emails, each a template triplet under templates/sharing/email/<name>/. None carries journal text."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated(name: str, *, to: str, context: dict[str, object]) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    folder = f"sharing/email/{name}"
    subject = " ".join(render_to_string(f"{folder}/subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{folder}/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{folder}/body.html", context), "text/html")
    message.send()
