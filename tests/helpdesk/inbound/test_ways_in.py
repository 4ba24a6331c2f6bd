"""The ways in: the mail server's pipe (a command) and a provider's signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from helpdesk.inbound import Outcome
from helpdesk.models import InboundEmail, Message
from tests.helpdesk.inbound.conftest import message


def pipe(raw: bytes, monkeypatch, *args) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("inbound_email", *args, stdout=out)
    return out.getvalue()


def test_the_pipe_posts_a_reply_and_exits_zero(ticket, member, monkeypatch):
    out = pipe(message("gmail_fr.eml", sender=member, ticket=ticket), monkeypatch)
    assert out.startswith("posted")
    assert Message.objects.filter(ticket=ticket, author=member).count() == 1


def test_the_pipe_exits_non_zero_with_the_reason_on_refusal(
    ticket, member, other_member, monkeypatch
):
    raw = message("gmail_fr.eml", sender=other_member, ticket=ticket, token_for=member)
    with pytest.raises(CommandError, match="refused: sender_mismatch") as refused:
        pipe(raw, monkeypatch)
    assert refused.value.returncode == 77
    with pytest.raises(CommandError, match="refused: unreadable") as unreadable:
        pipe(b"\x00garbage", monkeypatch)
    assert unreadable.value.returncode == 65


def test_the_pipe_exits_zero_on_an_auto_reply_so_that_nobody_bounces_it(
    ticket, member, monkeypatch
):
    assert pipe(message("auto_reply_fr.eml", sender=member, ticket=ticket), monkeypatch)\
        .startswith("auto_reply")


def test_the_pipe_reads_a_30_mb_message_without_keeping_it(ticket, member, monkeypatch):
    raw = message("gmail_fr.eml", sender=member, ticket=ticket) + b"A" * (30 * 1024 * 1024)
    with pytest.raises(CommandError, match="too_large") as refused:
        pipe(raw, monkeypatch)
    assert refused.value.returncode == 65


def test_the_pipe_uses_the_envelope_recipient(ticket, member, monkeypatch):
    """A mail server passes the address it delivered to; the header may only say Bcc."""
    raw = message("iphone_en.eml", sender=member, ticket=ticket)
    reply_to = [line for line in raw.split(b"\n") if line.startswith(b"To:")][0]
    address = reply_to.split(b" ", 1)[1].decode()
    raw = raw.replace(reply_to, b"To: undisclosed-recipients:;")
    assert pipe(raw, monkeypatch, "--recipient", address).startswith("posted")


# --- a provider's webhook (anymail, Mailgun's signed form) -------------------------------------

KEY = "mailgun-signing-key"


def mailgun_post(client, raw: bytes, *, key: str = KEY, recipient: str = ""):
    timestamp, token = "1796000000", "f" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return client.post(reverse("helpdesk:email-inbound"), {
        "body-mime": raw.decode("utf-8"), "recipient": recipient,
        "timestamp": timestamp, "token": token, "signature": signature,
    })


@pytest.fixture
def mailgun(settings):
    settings.INBOUND_ESP = "mailgun"
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY}


def test_a_signed_webhook_call_posts_the_reply(mailgun, client, ticket, member):
    response = mailgun_post(client, message("gmail_fr.eml", sender=member, ticket=ticket))
    assert response.status_code == 200
    assert InboundEmail.objects.get().outcome == Outcome.POSTED
    assert Message.objects.filter(ticket=ticket, author=member).count() == 1


def test_a_webhook_call_with_a_wrong_signature_is_refused(mailgun, client, ticket, member):
    raw = message("gmail_fr.eml", sender=member, ticket=ticket)
    response = mailgun_post(client, raw, key="not-the-key")
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()
    assert not Message.objects.filter(ticket=ticket, author=member).exists()


def test_no_provider_no_webhook(client, db):
    assert client.post(reverse("helpdesk:email-inbound"), {}).status_code == 404
