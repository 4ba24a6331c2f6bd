"""What notify needs to tell the administrators that someone asked for the erasure of their
account (coopdesk/accounts/erasure.py), registered at start-up (apps.py) like any app's."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopdesk import outbox
from coopdesk.accounts.models import Role, User
from coopdesk.models import Delivery, ErasureRequest, NoticeKind
from coopdesk.notify import registry


def erasure_url(asked: ErasureRequest) -> str:
    """The admin's list of erasure requests, showing this one: where the erasure is done."""
    return f"{reverse('admin:coopdesk_erasurerequest_changelist')}?user__id__exact={asked.user_id}"


def erasure_recipients(asked: ErasureRequest) -> list[User]:
    # An administrator asking for their own erasure does not tell themself.
    return list(User.objects.administrators().exclude(pk=asked.user_id))


def erasure_data(asked: ErasureRequest) -> dict:
    person = asked.user
    return {
        "domain": "erasure",
        "kind": "asked",
        "actor": person.first_name,
        "person": person.get_full_name(),
        "url": erasure_url(asked),
    }


def erasure_label(data: dict, verb: str, recipient_id: int) -> str:
    return _("Account erasure requested")


def erasure_about(data: dict, recipient_id: int) -> str:
    return _("Account of %(name)s") % {"name": data.get("person", "")}


def erasure_place(asked: ErasureRequest, user: User, event=None) -> dict:
    if not user.is_administrator:
        raise outbox.Undeliverable("The person may no longer erase accounts.")
    if asked.erased_at:
        raise outbox.Undeliverable("The account is already erased.")
    due = date_format(asked.answer_by, "DATE_FORMAT")
    return {
        "erasure": asked, "group": ("erasure", asked.pk), "link": "erasure",
        "url": erasure_url(asked),
        "note": _("The law gives one month to carry it out: by %(day)s.") % {"day": due},
    }


def register() -> None:
    registry.register_source(ErasureRequest, registry.Source(
        notice_kind=lambda asked: NoticeKind.ERASURE,
        recipients=erasure_recipients,
        data=erasure_data,
        target=lambda asked: asked,
        sender=lambda asked: asked.user,
        verb=lambda asked: "erasure.asked",
    ))
    registry.register_wording("erasure", registry.Wording(
        label=erasure_label, about=erasure_about
    ))
    registry.register_place(ErasureRequest, erasure_place)
    # Rare, and the law's month runs from the request: worth an e-mail at once.
    registry.register_defaults(Role.ADMIN, {NoticeKind.ERASURE: Delivery.EMAIL})
    registry.register_concerned(NoticeKind.ERASURE, {Role.ADMIN})
