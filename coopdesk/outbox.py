"""Sending the e-mails coopdesk/notify queued: at once, or as a daily summary.

Two jobs of `manage.py worker`, both safe with several workers running:

- `send_pending` claims a small batch of due rows in a short transaction (`SELECT ... FOR
  UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers anyway): they become
  "sending" under a lease (OUTBOX_LEASE_SECONDS) held by this worker. It then sends them
  one by one, marking each sent right after its send. A failed send is due again later
  (exponential backoff) until MAX_ATTEMPTS.
  Asked to stop (SIGTERM, SIGINT: `jobs.stopping()`), or half-way through its lease, it
  finishes the e-mail in hand and gives the rest back to pending at once.
  A worker killed outright (SIGKILL, a crash, a lost machine) gives nothing back: its
  rows go back to pending when their lease runs out, their attempt counted.
  The trade-off: nothing is ever lost, but the one e-mail in flight when a worker is
  killed outright (sent, not yet marked sent) is sent again by the next worker. A person
  may get that one e-mail twice; no other e-mail is sent twice.
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
import time
from datetime import datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from notifications.models import Notification

from coopdesk import jobs, notify, replies
from coopdesk.models import Delivery, OutboxEmail, OutboxKind, OutboxStatus
from coopdesk.notify.registry import registry

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Small enough to be sent well within a lease even by a slow mail server.
BATCH_SIZE = 20
DRAIN_SECONDS = 30
EMAIL_LANGUAGES = {"fr", "en"}


# What an account e-mail no longer needs once sent or given up: its text holds a link with
# a key, and its address may belong to nobody with an account.
FORGOTTEN = {"written": {}, "to_email": ""}


class Undeliverable(Exception):
    """Retrying cannot help: what it tells of is gone, or the person may no longer see it."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most two hours: about four hours in all."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def claim(*, now: datetime, limit: int, by: str = "") -> list[int]:
    """Take up to `limit` due rows for the worker `by`, under a lease; counts an attempt."""
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboxEmail.objects.filter(pk__in=ids).update(
                status=OutboxStatus.SENDING,
                claimed_at=now,
                claimed_by=by,
                lease_until=now + lease(),
                attempts=F("attempts") + 1,
            )
    return ids


def release(ids: list[int], *, by: str) -> int:
    """Give back rows claimed by `by` and not tried: due at once, the attempt not counted."""
    return OutboxEmail.objects.filter(
        pk__in=ids, status=OutboxStatus.SENDING, claimed_by=by
    ).update(
        status=OutboxStatus.PENDING, attempts=F("attempts") - 1, claimed_by="", lease_until=None
    )


def expire_leases(now: datetime) -> int:
    """Rows of a worker that died while holding them go back to the queue.

    Their attempt stays counted (the e-mail in flight may have left), so a row that kills
    its worker every time still ends, failed, after MAX_ATTEMPTS.
    """
    expired = OutboxEmail.objects.filter(status=OutboxStatus.SENDING, lease_until__lt=now)
    failed = expired.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=OutboxStatus.FAILED,
        lease_until=None,
        **FORGOTTEN,
        last_error="The worker stopped while sending it, at the last attempt.",
    )
    back = expired.update(
        status=OutboxStatus.PENDING, next_attempt_at=now, claimed_by="", lease_until=None
    )
    if back or failed:
        logger.warning(
            "%d e-mail(s) held by a stopped worker back in the queue, %d given up", back, failed
        )
    return back


def send_pending(*, now: datetime | None = None, limit: int = BATCH_SIZE) -> int:
    """Send the e-mails that are due, batch after batch. Returns how many left.

    Stops after DRAIN_SECONDS, so that the worker's other jobs get their turn.
    """
    expire_leases(now or timezone.now())
    until = time.monotonic() + DRAIN_SECONDS
    sent = 0
    while not jobs.stopping() and time.monotonic() < until:
        claimed, batch_sent = send_batch(now=now or timezone.now(), limit=limit)
        sent += batch_sent
        if claimed < limit or not batch_sent:  # all sent, or nothing goes through now
            break
    return sent


def send_batch(*, now: datetime, limit: int) -> tuple[int, int]:
    """Claim up to `limit` due e-mails and send them: (how many claimed, how many left)."""
    by = f"{jobs.worker_name()}:{uuid4().hex[:8]}"
    ids = claim(now=now, limit=limit, by=by)
    if not ids:
        return 0, 0
    # Never send after the lease could have run out: another worker may hold the row then.
    give_back_at = time.monotonic() + settings.OUTBOX_LEASE_SECONDS / 2
    emails = list(
        OutboxEmail.objects.filter(pk__in=ids)
        .select_related("recipient", "notification")
        .order_by("next_attempt_at", "pk")
    )
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        for email in emails:
            _failed(email, now, error)
        return len(ids), 0
    sent = 0
    untried = [email.pk for email in emails]
    why = "an error"
    try:
        for email in emails:
            if jobs.stopping():
                why = "the worker stopping"
                break
            if time.monotonic() > give_back_at:
                why = "half the lease gone"
                break
            untried.remove(email.pk)
            sent += _send_one(email, now, connection)
    finally:
        connection.close()
        if untried:
            count = release(untried, by=by)
            logger.info("gave back %d claimed e-mail(s) on %s", count, why)
    return len(ids), sent


def _send_one(email: OutboxEmail, now: datetime, connection) -> int:
    try:
        message = build_message(email)
        message.connection = connection
        message.send()
    except Undeliverable as error:
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxStatus.FAILED, last_error=str(error), **FORGOTTEN
        )
        return 0
    except Exception as error:
        _failed(email, now, error)
        return 0
    # Sent is sent, even if the lease ran out meanwhile and another worker took the row.
    OutboxEmail.objects.filter(pk=email.pk, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="", **FORGOTTEN
    )
    if email.notification_id:
        Notification.objects.filter(pk=email.notification_id).update(emailed=True)
    return 1


def _failed(email: OutboxEmail, now: datetime, error: Exception) -> None:
    attempts = email.attempts  # read after the claim, which counted this attempt
    given_up = attempts >= MAX_ATTEMPTS
    OutboxEmail.objects.filter(
        pk=email.pk, status=OutboxStatus.SENDING, claimed_by=email.claimed_by
    ).update(
        status=OutboxStatus.FAILED if given_up else OutboxStatus.PENDING,
        **(FORGOTTEN if given_up else {}),
        next_attempt_at=now + backoff(attempts),
        last_error=repr(error)[:2000],
        claimed_by="",
        lease_until=None,
    )
    logger.warning(
        "e-mail %s (%s) failed (attempt %d): %r", email.pk, email.kind, attempts, error
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


def queue_written(message: EmailMessage, *, recipient=None) -> OutboxEmail:
    """An e-mail already written (an account e-mail of allauth's, see AccountAdapter), to
    send like the others: after the transaction that asked for it commits, retried if the
    mail server fails, never in the request."""
    html = next(
        (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), ""
    )
    if message.content_subtype == "html":  # written in HTML only
        html, text = message.body, ""
    else:
        text = message.body
    [address] = message.to
    return OutboxEmail.objects.create(
        kind=OutboxKind.ACCOUNT, recipient=recipient, to_email=address,
        written={"subject": message.subject, "text": text, "html": html},
    )


def written_message(email: OutboxEmail) -> EmailMultiAlternatives:
    if not email.written:
        raise Undeliverable("The written e-mail is gone.")
    if email.recipient is not None and not email.recipient.is_active:
        raise Undeliverable("The account was closed since the e-mail was asked for.")
    message = EmailMultiAlternatives(
        subject=email.written["subject"],
        body=email.written["text"] or strip_tags(email.written["html"]),
        to=[email.to_email],
        headers={"X-Coopdesk-Outbox": str(email.pk), "Auto-Submitted": "auto-generated"},
    )
    if email.written["html"]:
        message.attach_alternative(email.written["html"], "text/html")
    return message


def build_message(email: OutboxEmail) -> EmailMultiAlternatives:
    if email.kind == OutboxKind.ACCOUNT:
        return written_message(email)
    user = email.recipient
    if not user.is_active or not user.email:
        raise Undeliverable("The person has no active account or no e-mail address.")
    language = user.language if user.language in EMAIL_LANGUAGES else settings.LANGUAGE_CODE
    with translation.override(language):
        if email.kind == OutboxKind.DIGEST:
            name, context = "digest", digest_context(email)
            thread, can_reply = None, False
        else:
            name, context = "event", event_context(email)
            thread, can_reply = context["item"]["thread"], context["item"]["can_reply"]
        threading = replies.headers(
            unique=f"o{email.pk}", thread=thread, user=user, can_reply=can_reply
        )
        context.update(
            reply_above="Reply-To" in threading,
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
        headers={
            "X-Coopdesk-Outbox": str(email.pk),
            "Auto-Submitted": "auto-generated",
            **threading,
        },
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
        # What the e-mail is about, as (kind letter, id), for the threading headers; and
        # whether this reader may answer it by e-mail (the app's place says).
        "thread": None,
        "can_reply": False,
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
