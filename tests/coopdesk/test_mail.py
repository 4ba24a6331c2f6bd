import io

from django.core.mail import EmailMessage

from coopdesk.mail import ConsoleEmailBackend


def _send(**fields) -> str:
    stream = io.StringIO()
    message = EmailMessage(subject="Votre demande", body="Le long corps du message",
                           to=["camille@coopdesk.test"], **fields)
    ConsoleEmailBackend(stream=stream).send_messages([message])
    return stream.getvalue()


def test_console_backend_prints_one_line_per_message(settings):
    settings.EMAIL_CONSOLE_BODIES = False
    assert _send() == "E-mail to camille@coopdesk.test: Votre demande\n"


def test_console_backend_prints_bodies_when_asked(settings):
    settings.EMAIL_CONSOLE_BODIES = True
    assert "Le long corps du message" in _send()
