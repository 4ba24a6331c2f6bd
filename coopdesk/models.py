"""What coopdesk/notify needs to remember: who wants to hear what, and e-mails still to send.

The in-app notifications themselves are django-notifications-community's `Notification`
rows. Their `emailed` flag means "no e-mail is pending for it": True at once for in-app
only notifications, True once the outbox sent it or a digest took it.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    APP = "app", _("In the app only")
    EMAIL = "email", _("In the app and by e-mail at once")
    DIGEST = "digest", _("In the app and in a daily e-mail summary")


class NoticeKind(models.TextChoices):
    """What a person can choose how to hear about. Several timeline kinds share one."""

    CREATED = "created", _("A new request arrives")
    ACKNOWLEDGED = "acknowledged", _("The team acknowledges a request")
    ASSIGNED = "assigned", _("Someone takes a request, or its priority changes")
    REPLIED = "replied", _("A new message is written")
    WAITING = "waiting", _("The team is waiting for an answer")
    TRANSFERRED = "transferred", _("A request moves to another team")
    RESOLVED = "resolved", _("A request is resolved")
    REOPENED = "reopened", _("A request is reopened")
    CLOSED = "closed", _("A request is closed or withdrawn")
    NOTE = "note", _("A colleague writes an internal note")
    AT_RISK = "at_risk", _("A request nears its promised time (75 % of it used)")
    LATE = "late", _("A request is late: its handler and the team lead are alerted")
    REMINDED = "reminded", _("A reminder: the team still waits for your answer")
    RATED = "rated", _("A member says how they were served, with their comment")
    LOW_SCORE = "low_score", _(
        "A member was poorly served (1 or 2 out of 5): the team lead is alerted"
    )
    # Beyond requests: one choice per thing a person follows, each with its reminders.
    JOURNEY = "journey", _("A path moves on: a stage, a meeting, a contract, a mentor")
    REMINDER = "reminder", _(
        "A reminder before a date: a task due, a CAPE contract ending, a meeting tomorrow"
    )
    COLLECTION = "collection", _(
        "An unpaid invoice's follow-up: a step proposed, announced or taken, payment"
    )
    KB = "kb", _("Tutorials: a review asked or done, a publication, readers' feedback")
    ERASURE = "erasure", _("Someone asks for their account to be erased (to do within a month)")


class NotificationPreference(models.Model):
    """One person's choice for one kind, stored only when it differs from the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class Subscription(models.TextChoices):
    FOLLOW = "follow", _("Follow")
    MUTE = "mute", _("Mute")


class TicketSubscription(models.Model):
    """Per request: hear of every step although not concerned (follow), or of none (mute)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_subscriptions"
    )
    ticket = models.ForeignKey(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="subscriptions"
    )
    mode = models.CharField(max_length=10, choices=Subscription.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ticket"], name="ticket_subscription_once")
        ]
        verbose_name = _("request subscription")
        verbose_name_plural = _("request subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.mode} {self.ticket_id}"


class TimelineEvent(models.Model):
    """One line of a timeline: who did what, when, from which state to which.

    Requests, collection cases, journeys and articles each keep their own table, with a
    foreign key to their subject (related_name="events") and their own kinds and states as
    choices (`timeline_fields()`); coopdesk.lifecycle.record() writes them all the same way.
    """

    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self._subject_field().value_from_object(self)} {self.kind}"

    @classmethod
    def _subject_field(cls) -> models.ForeignKey:
        return next(
            field for field in cls._meta.fields
            if field.many_to_one and field.remote_field.related_name == "events"
        )

    @property
    def subject(self) -> models.Model:
        """What this is a line of the timeline of (the request, the case, the journey...)."""
        return getattr(self, self._subject_field().name)


def timeline_fields(
    kinds: type[models.TextChoices], states: type[models.TextChoices], *, kind_length: int = 20
) -> tuple[models.CharField, models.CharField, models.CharField]:
    """A timeline's `kind`, `from_state` and `to_state` with its own choices, for
    `kind, from_state, to_state = timeline_fields(EventKind, State)` in a TimelineEvent."""
    return (
        models.CharField(max_length=kind_length, choices=kinds.choices),
        models.CharField(max_length=20, choices=states.choices, blank=True),
        models.CharField(max_length=20, choices=states.choices, blank=True),
    )


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Given up")


class OutboxKind(models.TextChoices):
    EVENT = "event", _("One event")
    DIGEST = "digest", _("Daily summary")
    ACCOUNT = "account", _("Account (address to confirm, password)")


class OutboxEmail(models.Model):
    """An e-mail to send, written in the same transaction as what it tells.

    A worker claims rows (pending -> sending) in a short transaction with
    SELECT ... FOR UPDATE SKIP LOCKED and a lease, sends outside it, then marks each one
    sent or due again. A row whose lease ran out goes back to pending (outbox.py).
    """

    # Nobody for an account e-mail to an address without an account ("unknown address").
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="outbox_emails",
    )
    kind = models.CharField(max_length=10, choices=OutboxKind.choices, default=OutboxKind.EVENT)
    # Account e-mails are written when asked for (their links carry keys made for that
    # request): the address and the written e-mail ({"subject", "text", "html"}), emptied
    # once sent or given up.
    to_email = models.EmailField(blank=True)
    written = models.JSONField(default=dict, blank=True)
    notification = models.ForeignKey(
        "notifications.Notification", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    digest_date = models.DateField(null=True, blank=True)
    notification_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Who holds the row while it is "sending", and until when; then it is due again.
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            # One e-mail per notification, one summary per person and day, whatever
            # the number of workers.
            models.UniqueConstraint(
                fields=["notification"], condition=Q(notification__isnull=False),
                name="outbox_one_per_notification",
            ),
            models.UniqueConstraint(
                fields=["recipient", "digest_date"], condition=Q(digest_date__isnull=False),
                name="outbox_one_digest_per_day",
            ),
        ]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id or self.to_email} ({self.status})"


class PeriodicJob(models.Model):
    """When a job of coopdesk.jobs runs next, shared by every worker.

    A worker runs a due job only if its own conditional UPDATE moved `next_run_at` on, so
    each job runs once per period however many workers there are.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_by = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class ErasureRequest(models.Model):
    """A person asked for their account to be erased; staff confirm, then it is anonymised.

    The row stays after the erasure (with the anonymised person): it is the record that the
    request was made and carried out, and by whom.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="erasure_request",
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["erased_at", "requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self) -> str:
        return f"#{self.user_id}"

    @property
    def answer_by(self) -> date:
        """The law's one month to carry it out (GDPR art. 12.3): the same day of the next
        month, or that month's last day."""
        asked = timezone.localdate(self.requested_at)
        year, month = asked.year + asked.month // 12, asked.month % 12 + 1
        return asked.replace(
            year=year, month=month, day=min(asked.day, calendar.monthrange(year, month)[1])
        )
