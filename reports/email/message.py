"""Reports and alerts as emails: a plain-text part, an HTML part and the unsubscribe headers.

Both parts come from templates (reports/templates/reports/email/): the HTML
one autoescaped, the text one through the `plain` filter (control
characters out). The HTML has inline styles, bars drawn as table cells and
no image, remote or not: nothing in it phones home. Subjects are one line
of plain text, so a site named with a line break cannot add a header.
RFC 8058: `List-Unsubscribe` holds the one-click URL, `List-Unsubscribe-Post`
says a POST to it unsubscribes without a further page.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from reports.templatetags.email_text import plain_text

MAX_SUBJECT = 150


def subject_line(text: str) -> str:
    """One line, no control characters, not too long."""
    line = plain_text(text)
    return line if len(line) <= MAX_SUBJECT else line[: MAX_SUBJECT - 1] + "…"


def build_message(
    *, to: str, subject: str, template: str, context: dict, unsubscribe_url: str
) -> EmailMultiAlternatives:
    """`template` names <template>.txt and <template>.html under reports/email/."""
    context = {
        **context,
        "site_root": settings.SITE_ROOT.rstrip("/"),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=subject_line(subject),
        body=render_to_string(f"reports/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"reports/email/{template}.html", context), "text/html"
    )
    return message
