"""Sending the e-mails coopdesk/notify queued: at once, or as a daily summary.

Two jobs of `manage.py worker`, both safe with several workers running:

- `send_pending` claims due rows in a short transaction (`SELECT ... FOR UPDATE SKIP
  LOCKED` on PostgreSQL; SQLite serialises writers anyway), marks them "sending", commits,
  then sends. A failed send is due again later (exponential backoff) until MAX_ATTEMPTS.
  A row left "sending" by a worker that died is given up, not retried: we cannot know
  whether the message left, and a person must never get the same e-mail twice.
- `queue_digests` writes one summary per person and day (a unique constraint settles
  races between workers) with the notifications they chose to get that way and have not
  read in the app yet.

E-mails are written in the recipient's language (User.language) from one template tree,
templates/emails/, translated through the .po catalogue, with notify's wording and absolute
links built on settings.SITE_URL. Whatever the step is about (a request, a path, an unpaid
invoice, a tutorial), it is checked again when the e-mail is written, by the rules the app
registered (`registry.places`): gone, or no longer visible to the person, and the e-mail is
not sent (given up, like any undeliverable one).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from notifications.models import Notification

from coopdesk import notify
from coopdesk.models import Delivery, OutboxEmail, OutboxKind, OutboxStatus
from coopdesk.notify.registry import registry

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_AFTER = timedelta(minutes=15)
EMAIL_LANGUAGES = {"fr", "en"}


class Undeliverable(Exception):
    """Retrying cannot help: what it tells of is gone, or the person may no longer see it."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most two hours: about four hours in all."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def claim(*, now, limit: int) -> list[int]:
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboxEmail.objects.filter(pk__in=ids).update(
                status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids


def give_up_stale(now) -> int:
    stale = OutboxEmail.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - STALE_AFTER
    )
    count = stale.update(
        status=OutboxStatus.FAILED,
        last_error="The worker stopped while sending; not retried, to never send it twice.",
    )
    if count:
        logger.error("%d e-mail(s) interrupted while sending, given up", count)
    return count


def send_pending(*, now=None, limit: int = 50) -> int:
    """Send the e-mails that are due. Returns how many left."""
    now = now or timezone.now()
    give_up_stale(now)
    ids = claim(now=now, limit=limit)
    if not ids:
        return 0
    emails = OutboxEmail.objects.filter(pk__in=ids).select_related("recipient", "notification")
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        for email in emails:
            _failed(email, now, error)
        return 0
    sent = 0
    try:
        for email in emails:
            sent += _send_one(email, now, connection)
    finally:
        connection.close()
    return sent


def _send_one(email: OutboxEmail, now, connection) -> int:
    try:
        message = build_message(email)
        message.connection = connection
        message.send()
    except Undeliverable as error:
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxStatus.FAILED, last_error=str(error)
        )
        return 0
    except Exception as error:
        _failed(email, now, error)
        return 0
    OutboxEmail.objects.filter(pk=email.pk, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    if email.notification_id:
        Notification.objects.filter(pk=email.notification_id).update(emailed=True)
    return 1


def _failed(email: OutboxEmail, now, error: Exception) -> None:
    attempts = email.attempts  # read after the claim, which counted this attempt
    status = OutboxStatus.FAILED if attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
    OutboxEmail.objects.filter(pk=email.pk, status=OutboxStatus.SENDING).update(
        status=status, next_attempt_at=now + backoff(attempts), last_error=repr(error)[:2000]
    )
    logger.warning(
        "e-mail %s to user %s failed (attempt %d): %r",
        email.pk, email.recipient_id, attempts, error,
    )


# --- daily summaries -------------------------------------------------------------------------


def queue_digests(*, now=None) -> int:
    """From DIGEST_HOUR on, queue today's summary for each person who has one waiting."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    waiting = Notification.objects.filter(emailed=False, data__delivery=Delivery.DIGEST)
    queued = 0
    for user_id in set(waiting.values_list("recipient_id", flat=True)):
        try:
            queued += _queue_digest(user_id, local.date(), now)
        except IntegrityError:
            continue  # another worker wrote this person's summary for today
    return queued


@transaction.atomic
def _queue_digest(user_id: int, day, now) -> int:
    digest = OutboxEmail.objects.create(
        recipient_id=user_id, kind=OutboxKind.DIGEST, digest_date=day, next_attempt_at=now
    )
    waiting = Notification.objects.filter(
        recipient_id=user_id, emailed=False, data__delivery=Delivery.DIGEST, timestamp__lte=now
    )
    unread = list(waiting.filter(unread=True).order_by("pk").values_list("pk", flat=True))
    waiting.update(emailed=True)  # what they already read in the app needs no e-mail
    if not unread:
        digest.delete()
        return 0
    digest.notification_ids = unread
    digest.save(update_fields=["notification_ids"])
    return 1


# --- writing the e-mails ---------------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def build_message(email: OutboxEmail) -> EmailMultiAlternatives:
    user = email.recipient
    if not user.is_active or not user.email:
        raise Undeliverable("The person has no active account or no e-mail address.")
    language = user.language if user.language in EMAIL_LANGUAGES else settings.LANGUAGE_CODE
    with translation.override(language):
        if email.kind == OutboxKind.DIGEST:
            name, context = "digest", digest_context(email)
        else:
            name, context = "event", event_context(email)
        context.update(
            lang=language,
            person=user,
            preferences_url=absolute(reverse("coopdesk:preference-edit")),
            notifications_url=absolute(reverse("coopdesk:notification-list")),
        )
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        context["title"] = subject
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={"X-Coopdesk-Outbox": str(email.pk), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _item(notification: Notification, user) -> dict:
    """One step told in an e-mail: what happened (notify's wording, in the reader's
    language), by whom, on what, and the link to it.

    What it is about is checked again now, by the rules of the app that registered it
    (`places`): gone, or no longer visible to the person, and it is Undeliverable.
    """
    target = notification.target  # None once the object is deleted
    if target is None:
        raise Undeliverable("What this notification is about no longer exists.")
    place = registry.places.get(target._meta.label)
    if place is None:
        raise Undeliverable(f"No e-mail tells of a {target._meta.label}.")
    event = notification.action_object  # its timeline event or reminder, if still there
    item = place(target, user, event)
    return {
        "label": "",
        "note": "",
        **item,
        "phrase": notify.label(notification),
        # A reminder or a notice is a sentence written for its one reader.
        "text": notification.description or "",
        "actor": (notification.data or {}).get("actor"),
        "at": notification.timestamp,
        "url": absolute(item["url"]),
    }


def event_context(email: OutboxEmail) -> dict:
    if email.notification is None:
        raise Undeliverable("The notification no longer exists.")
    return {"item": _item(email.notification, email.recipient)}


def digest_context(email: OutboxEmail) -> dict:
    notifications = Notification.objects.filter(
        pk__in=email.notification_ids, recipient=email.recipient
    ).order_by("timestamp", "pk")
    items = []
    for notification in notifications:
        try:
            items.append(_item(notification, email.recipient))
        except Undeliverable:
            continue
    if not items:
        raise Undeliverable("Nothing left to summarise.")
    # Grouped by what they tell of (a request, a path, an invoice...), each in time order.
    items.sort(key=lambda item: (item["group"], item["at"]))
    return {"items": items, "day": email.digest_date}
