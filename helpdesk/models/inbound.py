"""E-mails that came in (helpdesk/inbound/), each processed once.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models.tickets import Ticket


class InboundOutcome(models.TextChoices):
    """What became of an e-mail that came in (helpdesk/inbound.py): done, ignored, refused."""

    POSTED = "posted", _("posted as a reply")
    OPENED = "opened", _("opened a request")
    UNKNOWN_SENDER_ANSWERED = "unknown_answered", _("unknown sender, told how to sign up")
    UNKNOWN_SENDER = "unknown_sender", _("unknown sender, not answered")
    # Ignored without a word: answering these would start a storm.
    AUTO_REPLY = "auto_reply", _("automatic reply")
    BOUNCE = "bounce", _("delivery failure report")
    LOOP = "loop", _("one of our own e-mails")
    DUPLICATE = "duplicate", _("already processed")
    # Refused: the sender may be told why.
    TOO_LARGE = "too_large", _("too large")
    UNREADABLE = "unreadable", _("unreadable message")
    RATE_LIMITED = "rate_limited", _("too many e-mails from this sender")
    NO_ADDRESS = "no_address", _("not sent to a reply or team address")
    BAD_TOKEN = "bad_token", _("reply address not made by us")
    SENDER_MISMATCH = "sender_mismatch", _("sender is not the person the address was made for")
    NOT_PERMITTED = "not_permitted", _("the person may not reply to this request")
    CLOSED = "closed", _("the request is closed")
    EMPTY = "empty", _("no text")
    BAD_ATTACHMENT = "bad_attachment", _("attachment refused")
    UNVERIFIED_SENDER = "unverified_sender", _(
        "sender not vouched for by the trusted mail server (SPF/DKIM/DMARC)"
    )


class InboundEmail(models.Model):
    """One e-mail that came in, by its Message-ID: each is processed once."""

    message_id = models.CharField(max_length=255, unique=True)
    sender = models.EmailField(max_length=254, db_index=True)
    outcome = models.CharField(max_length=20, choices=InboundOutcome.choices)
    detail = models.CharField(max_length=500, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mails")
        indexes = [models.Index(fields=["sender", "received_at"], name="inbound_sender")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome}"
