"""The live client's configuration, and the follow / mute card of a request page."""

from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coopdesk.models import TicketSubscription

register = template.Library()

# The browser's Intl dates follow the pages' (coopdesk/formats/en): day before month, as in
# British English. Plain "en" is American to Intl: "Dec 5" in the bell beside "5 Dec" on the page.
INTL_LOCALES = {"en": "en-GB"}


@register.simple_tag
def live_config() -> str:
    """Words for the browser, in the page's language. No query: counts come by socket."""
    language = get_language()
    config = {
        "path": "/ws/live/",
        "locale": INTL_LOCALES.get(language, language),
        "text": {
            "system": "Coopdesk",
            "empty": _("No notification yet."),
            "down": _("Connection lost, reconnecting…"),
            "queueNew": _("New request {ref}"),
            "queueChanged": _("{ref} updated"),
            "unread": _("{n} unread"),
            "gone": _("This request has been transferred to a team you are not part of: "
                      "you can no longer follow it here."),
            "changed": _("This page has changed since you opened it."),
            "showChanges": _("Show the changes"),
        },
    }
    return json_script(config, "live-config")


@register.inclusion_tag("coopdesk/partials/ticket_follow.html", takes_context=True)
def ticket_follow(context, ticket) -> dict:
    user = context["request"].user
    # The request's page reads both in its ticket query (reader_follow_mode, reader_watches,
    # for this reader); elsewhere, a query each.
    if hasattr(ticket, "reader_follow_mode"):
        mode = ticket.reader_follow_mode or ""
    else:
        subscription = TicketSubscription.objects.filter(user=user, ticket=ticket).first()
        mode = subscription.mode if subscription else ""
    return {
        "ticket": ticket,
        "mode": mode,
        "concerned": ticket.concerns(user, watching=getattr(ticket, "reader_watches", None)),
        "csrf_token": context.get("csrf_token"),
        "next": context["request"].get_full_path(),
    }
