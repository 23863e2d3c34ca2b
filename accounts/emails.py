"""Sending the product's emails: a subject, a plain-text body and an HTML body per template.

`template` is a path without its ending, in the sending app's templates
(e.g. "accounts/email/invitation", "billing/email/usage_notice"): the email is
<template>_subject.txt, <template>.txt and <template>.html. Every email has a
plain-text part, so it reads well in any client and in the console backend.
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
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
