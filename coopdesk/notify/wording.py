"""Words for notifications, written when they are read, in the reader's language.

A notification stores codes, ids and names (`data`, with the `domain` that knows how to word
them), never a translated sentence. Each app registers its `Wording` (what happened, and the
object named); the notification centre, the header menu (server- and socket-rendered) and the
e-mails all go through `label` and `about` here.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from notifications.models import Notification

from coopdesk.notify.registry import registry


def _domain(notification: Notification) -> str:
    data = notification.data or {}
    return data.get("domain") or ("ticket" if "ticket" in data else "")


def label(notification: Notification) -> str:
    """What happened, in the active language."""
    data = notification.data or {}
    wording = registry.wordings.get(_domain(notification))
    if wording is None:  # a notice written for its one reader
        return data.get("title") or notification.description or _("New step")
    return str(wording.label(data, notification.verb, notification.recipient_id))


def about(notification: Notification) -> str:
    """The object named: a request's reference and subject, a path and its stage..."""
    data = notification.data or {}
    wording = registry.wordings.get(_domain(notification))
    if wording is None:
        return data.get("about") or ""
    return str(wording.about(data, notification.recipient_id))


def describe(notification: Notification) -> str:
    """The sentence of the notification centre, in the active language."""
    return label(notification)


def serialize(notification: Notification) -> dict:
    """The shape the browser gets, over the socket and on catch-up.

    The words come in every language of the site (`i18n`): a push is written once for all of
    a person's tabs, and each page shows them in its own language.
    """
    data = notification.data or {}
    words = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words[code] = {"text": label(notification), "about": about(notification)}
    current = words.get(translation.get_language()) or words[settings.LANGUAGE_CODE]
    return {
        "id": notification.pk,
        "kind": notification.verb,
        "domain": _domain(notification),
        "text": current["text"],
        "about": current["about"],
        "i18n": words,
        "actor": data.get("actor"),
        "ticket": data.get("ticket"),
        "reference": data.get("reference", ""),
        "subject": data.get("subject", ""),
        "url": reverse("coopdesk:notification-open", args=[notification.pk]),
        # The object's own page: a page showing it (data-live-about) refreshes when it changes.
        "page": data.get("url", ""),
        "at": notification.timestamp.isoformat(),
        "unread": notification.unread,
    }
