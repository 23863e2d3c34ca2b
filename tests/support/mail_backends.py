"""Email backends for tests of sending: one that fails like a refusing SMTP server."""

import smtplib
import time

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Every send fails as an SMTP server answering 451 would make it fail."""

    def send_messages(self, email_messages) -> int:
        raise smtplib.SMTPDataError(451, b"4.3.0 try again later")


class SlowMemoryBackend(BaseEmailBackend):
    """Django's in-memory outbox, 20 ms a message: two senders overlap as on a real server."""

    def send_messages(self, email_messages) -> int:
        from django.core import mail

        for message in email_messages:
            time.sleep(0.02)
            message.message()  # rendered as the SMTP backend would
            mail.outbox.append(message)
        return len(email_messages)
