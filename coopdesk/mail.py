"""The development e-mail backend: one line per message sent, whole messages on request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import console


class ConsoleEmailBackend(console.EmailBackend):
    """Django's console backend prints every body, which pushes what `make run` printed before
    (the demo logins) off the screen. This one prints "to, subject" per message, and the
    whole message when EMAIL_CONSOLE_BODIES is on."""

    def write_message(self, message: EmailMessage) -> None:
        if getattr(settings, "EMAIL_CONSOLE_BODIES", False):
            super().write_message(message)
            return
        recipients = ", ".join(message.recipients())
        self.stream.write(f"E-mail to {recipients}: {message.subject}\n")
