"""Sending the product's emails: a subject, a plain-text body and an HTML body per template.

Templates live in accounts/templates/accounts/email/<name>_subject.txt,
<name>.txt and <name>.html. Every email has a plain-text part, so it reads
well in any client and in the console backend.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A link for an email: emails have no request, so the base is SITE_ROOT."""
    return settings.SITE_ROOT.rstrip("/") + path


def send_templated(*, to: list[str], template: str, context: dict) -> None:
    if not to:
        return
    context = {"site_root": settings.SITE_ROOT.rstrip("/"), **context}
    base = f"accounts/email/{template}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    message.send()
