"""The one place that fans out what happened.

An action hands its timeline event here. Inside the caller's transaction we write the
in-app notifications (django-notifications-community) for the people concerned; after
the transaction commits, we push to the channel layer. If the push fails (Redis down),
the state change and the notifications are already stored: only the push is skipped.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from notifications.signals import notify as notify_signal

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def ticket_group(ticket_id: int, *, staff: bool = False) -> str:
    return f"ticket.{ticket_id}.staff" if staff else f"ticket.{ticket_id}"


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


def ticket_recipients(event) -> set[int]:
    """Who hears of a ticket event: the member, the watchers, the assignee or the team."""
    ticket = event.ticket
    people: set[int] = set()
    if not event.is_internal:
        people.add(ticket.requester_id)
        people.update(ticket.watchers.values_list("pk", flat=True))
    if ticket.assignee_id:
        people.add(ticket.assignee_id)
    else:
        people.update(ticket.team.agents.values_list("pk", flat=True))
    people.discard(event.actor_id)
    return people


def ticket_event(event) -> None:
    """Fan out one ticket timeline event."""
    from coopdesk.accounts.models import User

    ticket = event.ticket
    recipient_ids = ticket_recipients(event)
    recipients = list(User.objects.filter(pk__in=recipient_ids, is_active=True))
    if recipients:
        notify_signal.send(
            event.actor or ticket.requester,
            recipient=recipients,
            verb=event.kind,
            action_object=event,
            target=ticket,
            description=event.get_kind_display(),
        )
    payload = {
        "type": "ticket.event",
        "ticket": ticket.pk,
        "event": event.pk,
        "kind": event.kind,
        "state": ticket.state,
        "version": ticket.version,
        "team": ticket.team_id,
    }
    groups = [ticket_group(ticket.pk, staff=True), team_group(ticket.team_id)]
    if not event.is_internal:
        groups.append(ticket_group(ticket.pk))
    if event.data.get("from_team_id"):
        groups.append(team_group(event.data["from_team_id"]))
    groups += [user_group(pk) for pk in recipient_ids]
    transaction.on_commit(lambda: push(groups, payload), robust=True)


def push(groups: list[str], payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        for group in groups:
            async_to_sync(layer.group_send)(group, payload)
    except Exception:  # the layer is an optimisation: stored state is the truth
        logger.exception("live push skipped for %s", payload.get("type"))


def collection_event(event) -> None:
    """Fan out one step of an unpaid invoice's follow-up: the member always hears of it."""
    from coopdesk.accounts.models import User

    case = event.case
    people = {case.member_id}
    if case.member.advisor_id:
        people.add(case.member.advisor_id)
    people.discard(event.actor_id)
    recipients = list(User.objects.filter(pk__in=people, is_active=True))
    if recipients:
        notify_signal.send(
            event.actor or case.member,
            recipient=recipients,
            verb=f"collection.{event.kind}",
            action_object=event,
            target=case,
            description=event.get_kind_display(),
        )
    payload = {"type": "collection.event", "case": case.pk, "kind": event.kind,
               "state": case.state, "version": case.version}
    groups = [user_group(pk) for pk in people]
    transaction.on_commit(lambda: push(groups, payload), robust=True)


def kb_event(event) -> None:
    """Fan out one knowledge-base event: review requested, changes requested, published,
    comment, feedback received, check due. The article decides who is concerned."""
    from coopdesk.accounts.models import User

    article = event.article
    recipient_ids = event.recipient_ids()
    recipients = list(User.objects.filter(pk__in=recipient_ids, is_active=True))
    if recipients:
        notify_signal.send(
            event.actor or article.author,
            recipient=recipients,
            verb=f"kb.{event.kind}",
            action_object=event,
            target=article,
            description=event.get_kind_display(),
        )
    payload = {
        "type": "kb.event",
        "article": article.pk,
        "event": event.pk,
        "kind": event.kind,
        "state": article.state,
    }
    groups = [user_group(pk) for pk in recipient_ids]
    if groups:
        transaction.on_commit(lambda: push(groups, payload), robust=True)
