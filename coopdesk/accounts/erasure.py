"""Erasure: a person asks, the administrators are told and confirm, the account is anonymised.

These two actions are the only writers of an erasure. What "erased" means, and why:

- The person: name "Ancien·ne membre #id", an e-mail at the reserved `.invalid` domain
  (never deliverable, unique by id), no phone, an unusable password, inactive (their sessions
  end with it: Django refuses an inactive user's session), no groups, no mentor.
- The cooperative's records keep their shape: requests, invoices' follow-ups, paths and their
  timelines stay, with the anonymised person, so the figures and the teams' history hold.
- Free texts do not: a request's subject and body, every message on their requests (a reply
  quotes them, an internal note is about them) and every message they wrote, the notes of
  their timelines, become "[effacé]". Blanking to an explicit marker, rather than to an empty
  string, tells a reader of the record that something was there and was erased on purpose.
- Files they sent are deleted (rows and files); their drafts, notifications, preferences,
  subscriptions and pending e-mails are deleted; the admin log keeps that their row changed,
  not what it held.

Each app erases its own part (`<app>/privacy.py`, registered in coopdesk/accounts/privacy.py).
"""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from notifications.models import Notification

from coopdesk import notify
from coopdesk.accounts.models import User
from coopdesk.accounts.privacy import PARTS
from coopdesk.conflicts import Conflict
from coopdesk.models import (
    ErasureRequest,
    NotificationPreference,
    OutboxEmail,
    TicketSubscription,
)

ANONYMOUS_NAME = "Ancien·ne membre #{pk}"


def erased_email(user: User) -> str:
    return f"erased-{user.pk}@erased.invalid"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user)


@transaction.atomic
def ask_erasure(user: User) -> ErasureRequest:
    """The person asks for their account to be erased; the administrators hear of it
    (coopdesk/accounts/notices.py) and confirm it (`erase_account`).

    Asking twice is the same request, told once."""
    request, created = ErasureRequest.objects.get_or_create(user=user)
    if created:
        log(user, user, "Asked for the erasure of their account.")
        notify.event(request)  # the administrators, who carry it out
    return request


@transaction.atomic
def erase_account(user: User, *, by: User) -> User:
    """Anonymise the account of a person who asked (see the module's docstring)."""
    request = ErasureRequest.objects.select_for_update().filter(user=user).first()
    if request is None:
        raise Conflict(_("This person has not asked for the erasure of their account."))
    if request.erased_at:
        raise Conflict(_("This account is already erased."))
    kept = []
    for part in PARTS.values():
        kept.extend(part.erase(user))
    forget_notifications(user, kept)
    NotificationPreference.objects.filter(user=user).delete()
    TicketSubscription.objects.filter(user=user).delete()
    OutboxEmail.objects.filter(Q(recipient=user) | Q(to_email__iexact=user.email)).delete()
    # What django-allauth keeps of the account: its addresses, second factors, sessions.
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    UserSession.objects.filter(user=user).delete()
    anonymise(user)
    scrub_admin_log(user)
    request.erased_at, request.erased_by = timezone.now(), by
    request.save(update_fields=["erased_at", "erased_by"])
    log(by, user, "Erased the account, as its owner asked.")
    return user


def anonymise(user: User) -> None:
    user.first_name, user.last_name = ANONYMOUS_NAME.format(pk=user.pk), ""
    user.email = erased_email(user)
    user.phone = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.mentor = None
    user.away_from = user.away_until = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def forget_notifications(user: User, kept: list) -> None:
    """Their own notifications, and those told to others about them or their records: a
    notification copies names and subjects into its data."""
    about = Q(recipient=user) | Q(
        actor_content_type=ContentType.objects.get_for_model(User), actor_object_id=str(user.pk)
    )
    for records in kept:
        about |= Q(
            target_content_type=ContentType.objects.get_for_model(records.model),
            target_object_id__in=[str(pk) for pk in records.values_list("pk", flat=True)],
        )
    Notification.objects.filter(about).delete()


def scrub_admin_log(user: User) -> None:
    """The admin log of their row keeps who changed what field when, not the values."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )
    for entry in entries:
        entry.object_repr = str(user)
        try:
            message = json.loads(entry.change_message or "[]")
        except json.JSONDecodeError:
            message = []
        for part in message if isinstance(message, list) else []:
            for detail in part.values():
                if isinstance(detail, dict):
                    detail.pop("values", None)
        entry.change_message = json.dumps(message)
        entry.save(update_fields=["object_repr", "change_message"])


def log(by: User, user: User, message: str) -> None:
    """A line of the admin log (who did it, on whose account, when)."""
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[user], action_flag=CHANGE, change_message=message,
        single_object=True,
    )
