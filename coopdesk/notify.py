"""The one place that fans out what happened.

An action hands its timeline event to `ticket_event` (requests), `journey_event`,
`collection_event` or `kb_event`; the worker's reminders go through `reminder`. Inside the
caller's transaction we decide who hears of it (for a request: the member, the watchers,
the assignee or, while nobody is assigned, the team's agents; followers in, muted people
out; internal notes to the team handling it only), and `deliver` writes their in-app
notifications (django-notifications-community), each marked with how that person chose
to hear of this kind of step (NoticeKind), and an outbox row for those who chose e-mail at
once; the daily summary takes the others who chose it. After the transaction commits we push to the
channel layer. If the push fails (Redis down), the state change, the notifications and the
e-mails are already stored: only the push is skipped, logged, and browsers catch up from
their last seen notification when they reconnect.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from notifications.models import Notification
from notifications.signals import notify as notify_signal

from coopdesk.accounts.models import Role, User
from coopdesk.models import (
    Delivery,
    NoticeKind,
    NotificationPreference,
    OutboxEmail,
    Subscription,
    TicketSubscription,
)

logger = logging.getLogger(__name__)

# --- channel layer groups ----------------------------------------------------------------


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def ticket_group(ticket_id: int, *, staff: bool = False) -> str:
    return f"ticket.{ticket_id}.staff" if staff else f"ticket.{ticket_id}"


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


# --- who wants what --------------------------------------------------------------------------

# Several timeline kinds share one choice on the preferences page.
FOLDED_KINDS = {"answered": "replied", "withdrawn": "closed", "priority": "assigned"}

ALL_DIGEST = {kind: Delivery.DIGEST for kind in NoticeKind.values}
DEFAULTS: dict[str, dict[str, str]] = {
    # Members act on two steps of a request: a question for them, and a resolution to
    # confirm. Their path, its reminders (a CAPE contract ending) and their unpaid invoices
    # (a formal notice about to reach their client, which they may still hold) cannot wait
    # for them to open Coopdesk: e-mail at once. Tutorials have no deadline: a summary.
    Role.MEMBER: {
        NoticeKind.WAITING: Delivery.EMAIL,
        NoticeKind.RESOLVED: Delivery.EMAIL,
        NoticeKind.JOURNEY: Delivery.EMAIL,
        NoticeKind.REMINDER: Delivery.EMAIL,
        NoticeKind.COLLECTION: Delivery.EMAIL,
        NoticeKind.KB: Delivery.DIGEST,
    },
    # Advisors watch their members' requests, paths and invoices without relaying them:
    # one summary a day.
    Role.ADVISOR: ALL_DIGEST,
    # Agents live in the queue; e-mail only for what lands on them personally. A team's
    # tasks due soon and the tutorials they review wait for the morning summary.
    Role.AGENT: {
        NoticeKind.ASSIGNED: Delivery.EMAIL,
        NoticeKind.REPLIED: Delivery.EMAIL,
        NoticeKind.REOPENED: Delivery.EMAIL,
        NoticeKind.REMINDER: Delivery.DIGEST,
        NoticeKind.KB: Delivery.DIGEST,
    },
}
DEFAULTS[Role.LEAD] = DEFAULTS[Role.AGENT]
DEFAULTS[Role.ADMIN] = DEFAULTS[Role.AGENT]

# Kinds only some roles ever receive: the others do not see them on their preferences page.
STAFF = {Role.AGENT, Role.LEAD, Role.ADMIN}
CONCERNED = {
    NoticeKind.NOTE: STAFF,  # internal notes
    NoticeKind.JOURNEY: {Role.MEMBER, Role.ADVISOR},  # the member, their advisor, a mentor
    NoticeKind.COLLECTION: {Role.MEMBER, Role.ADVISOR},  # the member and their advisor
}


def notice_kind(event_kind: str) -> str:
    return FOLDED_KINDS.get(event_kind, event_kind)


def default_delivery(user: User, kind: str) -> str:
    return DEFAULTS.get(user.role, {}).get(kind, Delivery.APP)


def kinds_for(user: User) -> list[tuple[str, str]]:
    """The choices shown on a person's preferences page."""
    return [
        (kind, label) for kind, label in NoticeKind.choices
        if kind not in CONCERNED or user.role in CONCERNED[kind]
    ]


def preferences_for(user: User) -> dict[str, str]:
    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
    )
    return {kind: chosen.get(kind) or default_delivery(user, kind) for kind, _ in kinds_for(user)}


@transaction.atomic
def save_preferences(user: User, choices: dict[str, str]) -> None:
    """Store only what differs from the defaults, so better defaults reach everyone."""
    for kind, delivery in choices.items():
        if delivery == default_delivery(user, kind):
            NotificationPreference.objects.filter(user=user, kind=kind).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


def deliveries_for(users: list[User], kind: str) -> dict[int, str]:
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {user.pk: chosen.get(user.pk) or default_delivery(user, kind) for user in users}


def set_subscription(*, user: User, ticket, mode: str) -> None:
    """Follow or mute one request; any other mode goes back to the default."""
    if mode in Subscription.values:
        TicketSubscription.objects.update_or_create(
            user=user, ticket=ticket, defaults={"mode": mode}
        )
    else:
        TicketSubscription.objects.filter(user=user, ticket=ticket).delete()


def is_concerned(user: User, ticket) -> bool:
    """Whether a person hears of a request's steps without following it."""
    if user.pk in (ticket.requester_id, ticket.assignee_id):
        return True
    if ticket.assignee_id is None and ticket.team.agents.filter(pk=user.pk).exists():
        return True
    return ticket.watchers.filter(pk=user.pk).exists()


# --- the fan-out ---------------------------------------------------------------------------


def ticket_recipients(event) -> list[User]:
    """Who hears of a ticket event. Internal notes never reach members or advisors."""
    from helpdesk.models import Ticket

    ticket = event.ticket
    people: set[int] = set()
    # Watchers and followers may have lost sight of the request since (another advisor,
    # another team): they are checked like the page checks them. They are few.
    to_check: set[int] = set()
    if not event.is_internal:
        people.add(ticket.requester_id)
        to_check.update(ticket.watchers.values_list("pk", flat=True))
        # The member's advisor today, and the backup advisor while they are away.
        to_check.update(
            User.objects.filter(
                Q(advised_members=ticket.requester_id)
                | Q(covered_advisors__advised_members=ticket.requester_id)
            ).values_list("pk", flat=True)
        )
    if ticket.assignee_id:
        people.add(ticket.assignee_id)
    else:
        people.update(ticket.team.agents.values_list("pk", flat=True))
    modes = dict(
        TicketSubscription.objects.filter(ticket=ticket).values_list("user_id", "mode")
    )
    to_check |= {pk for pk, mode in modes.items() if mode == Subscription.FOLLOW}
    to_check -= people
    people |= to_check
    people -= {pk for pk, mode in modes.items() if mode == Subscription.MUTE}
    people.discard(event.actor_id)
    users = list(User.objects.filter(pk__in=people, is_active=True))
    users = [
        user for user in users
        if user.pk not in to_check
        or Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()
    ]
    if event.is_internal:  # the team handling it: not its member, even an agent elsewhere
        handlers = set(ticket.team.agents.values_list("pk", flat=True))
        users = [
            u for u in users
            if (u.role == Role.ADMIN or u.pk in handlers) and u.pk != ticket.requester_id
        ]
    return users


def deliver(
    actor, recipients: list[User], *, kind: str, verb: str, target, description: str,
    action_object=None, data: dict | None = None,
) -> list[Notification]:
    """Write each recipient's in-app notification, marked with how they chose to hear of
    this kind of step, and queue an e-mail for those who want one at once. The daily summary
    (coopdesk/outbox.py) takes the notifications marked "digest"."""
    deliveries = deliveries_for(recipients, kind)
    created: list[Notification] = []
    for delivery in Delivery.values:
        group = [user for user in recipients if deliveries[user.pk] == delivery]
        if not group:
            continue
        responses = notify_signal.send(
            actor,
            recipient=group,
            verb=verb,
            action_object=action_object,
            target=target,
            description=description,
            emailed=delivery == Delivery.APP,  # nothing left to e-mail
            data={**(data or {}), "notice": kind, "delivery": delivery},
        )
        created += [n for _receiver, made in responses if isinstance(made, list) for n in made]
    OutboxEmail.objects.bulk_create(
        OutboxEmail(recipient_id=n.recipient_id, notification=n)
        for n in created if n.data["delivery"] == Delivery.EMAIL
    )
    return created


def active_users(ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(pk__in=ids, is_active=True))


def ticket_event(event) -> list[Notification]:
    """Fan out one ticket timeline event. Call it inside the action's transaction."""
    ticket = event.ticket
    data = {
        "ticket": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "requester": ticket.requester_id,
        "actor": event.actor.first_name if event.actor else None,
        "url": ticket.get_absolute_url(),
        "detail": event_detail(event),
    }
    created = deliver(
        event.actor or ticket.requester, ticket_recipients(event), kind=notice_kind(event.kind),
        verb=event.kind, action_object=event, target=ticket, description=ticket.subject,
        data=data,
    )
    messages = ticket_messages(event)
    messages += [
        (user_group(n.recipient_id), {"type": "notification", "notification": serialize(n)})
        for n in created
    ]
    push_on_commit(messages)
    return created


def event_detail(event) -> dict:
    if event.kind == "assigned":
        return {"name": event.data.get("assignee") or ""}
    if event.kind == "transferred":
        return {"team": event.data.get("to_team", "")}
    return {}


def ticket_messages(event) -> list[tuple[str, dict]]:
    """What the open request pages and team queues hear: ids and states, never content."""
    ticket = event.ticket
    body = {
        "type": "ticket.event",
        "ticket": ticket.pk,
        "reference": ticket.reference,
        "event": event.pk,
        "kind": event.kind,
        "state": ticket.state,
        "version": ticket.version,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
    }
    ticket_groups = [ticket_group(ticket.pk, staff=True)]
    if not event.is_internal:
        ticket_groups.append(ticket_group(ticket.pk))
    team_groups = [team_group(ticket.team_id)]
    from_team = event.data.get("from_team_id")
    if from_team:
        team_groups.append(team_group(from_team))
        body["from_team"] = from_team
    # After a transfer, pages open in the old team may no longer see the request: their
    # sockets ask again before relaying (`recheck`, see coopdesk/consumers.py).
    watched = {**body, "recheck": True} if event.kind == "transferred" else body
    return [(group, watched) for group in ticket_groups] + [(group, body) for group in team_groups]


# --- journeys (journeys/actions.py calls these) ---------------------------------------------


def journey_recipients(event) -> set[int]:
    """Who hears of a journey event: the member, their advisor (and the advisor covering an
    absence), plus anyone the action names (a new mentor); never the person who did it."""
    member = event.journey.member
    people = {member.pk, *event.data.get("also_notify", [])}
    if member.advisor_id:
        people.add(member.advisor_id)
        advisor = member.advisor
        if advisor.backup_advisor_id and advisor.is_away():
            people.add(advisor.backup_advisor_id)
    people.discard(event.actor_id)
    return people


def journey_event(event) -> None:
    """Fan out one journey timeline event."""
    journey = event.journey
    recipient_ids = journey_recipients(event)
    deliver(
        event.actor or journey.member, active_users(recipient_ids), kind=NoticeKind.JOURNEY,
        verb=event.kind, action_object=event, target=journey,
        description=str(event.get_kind_display()),
    )
    payload = {
        "type": "journey.event",
        "journey": journey.pk,
        "event": event.pk,
        "kind": event.kind,
        "state": journey.state,
        "version": journey.version,
    }
    groups = [user_group(pk) for pk in recipient_ids]
    push_on_commit([(group, payload) for group in groups])


def reminder(reminder) -> None:
    """Send one journey reminder (task due, CAPE ending, meeting tomorrow) to its recipient.

    The caller has recorded the Reminder row in the same transaction: it is what makes the
    reminder go out once."""
    target = reminder.task or reminder.journey or reminder.meeting
    deliver(
        reminder.recipient, [reminder.recipient], kind=NoticeKind.REMINDER, verb=reminder.kind,
        action_object=reminder, target=target, description=reminder.message,
    )
    payload = {"type": "journey.reminder", "kind": reminder.kind, "reminder": reminder.pk}
    groups = [user_group(reminder.recipient_id)]
    push_on_commit([(group, payload) for group in groups])


def notice(
    recipient, *, kind: str, verb: str, title: str, description: str, target=None
) -> None:
    """A message for one person that is not a timeline event (e.g. someone used their e-mail
    address on the public sign-up form), heard of as they chose for that kind (NoticeKind).
    The title (an e-mail's subject) and the description are in the recipient's language."""
    deliver(
        recipient, [recipient], kind=kind, verb=verb, target=target, description=description,
        data={"title": title},
    )
    payload = {"type": "journey.reminder", "kind": verb}
    groups = [user_group(recipient.pk)]
    push_on_commit([(group, payload) for group in groups])


# --- reading notifications -----------------------------------------------------------------

LABELS = {
    "created": _("New request"),
    "acknowledged": _("Request acknowledged"),
    "assigned": _("Now handled by {name}"),
    "unassigned": _("Back in the team's queue"),
    "replied": _("New message"),
    "note": _("Internal note"),
    "waiting": _("Waiting for the member's answer"),
    "waiting_you": _("A question for you: the team needs your answer"),
    "answered": _("The member answered"),
    "transferred": _("Moved to the {team} team"),
    "resolved": _("Resolved"),
    "reopened": _("Reopened"),
    "closed": _("Closed"),
    "withdrawn": _("Withdrawn by the member"),
    "priority": _("Priority changed"),
    # Journeys, collections and the knowledge base describe their own events.
    "other": "{text}",
}


def label_key(notification: Notification) -> str:
    data = notification.data or {}
    kind = notification.verb
    if kind == "waiting" and notification.recipient_id == data.get("requester"):
        return "waiting_you"
    if kind == "assigned" and not (data.get("detail") or {}).get("name"):
        return "unassigned"
    if "ticket" not in data:
        return "other"
    return kind if kind in LABELS else "replied"


def serialize(notification: Notification) -> dict:
    """The shape the browser gets, over the socket and on catch-up; it writes the words."""
    data = notification.data or {}
    label = label_key(notification)
    detail = {"text": notification.description or ""} if label == "other" else {}
    return {
        "id": notification.pk,
        "kind": notification.verb,
        "label": label,
        "detail": detail or data.get("detail") or {},
        "actor": data.get("actor"),
        "ticket": data.get("ticket"),
        "reference": data.get("reference", ""),
        "subject": data.get("subject", ""),
        "url": reverse("coopdesk:notification-open", args=[notification.pk]),
        "at": notification.timestamp.isoformat(),
        "unread": notification.unread,
    }


def describe(notification: Notification) -> str:
    """The same sentence as the browser's, in the active language, for server pages."""
    item = serialize(notification)
    text = str(LABELS[item["label"]])
    for key, value in item["detail"].items():
        text = text.replace("{" + key + "}", str(value))
    return text


def labels() -> dict[str, str]:
    return {key: str(label) for key, label in LABELS.items()}


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, unread=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of a person's notifications read; their other tabs hear it."""
    unread = Notification.objects.filter(recipient=user, unread=True)
    if ids is not None:
        ids = list(ids)
        unread = unread.filter(pk__in=ids)
    changed = unread.update(unread=False)
    if changed:
        body = {"type": "read", "ids": "all" if ids is None else ids,
                "unread": unread_count(user)}
        push_on_commit([(user_group(user.pk), body)])
    return changed


# --- pushing -------------------------------------------------------------------------------


def push_on_commit(messages: list[tuple[str, dict]]) -> None:
    transaction.on_commit(lambda: push(messages), robust=True)


def push(messages: list[tuple[str, dict]]) -> None:
    """Send to the channel layer; a failure is logged and forgotten, never raised.

    Each message is encoded once here, and consumers relay the text as it is. `at` is the
    time of the commit, which the benchmark measures from.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    at = time.time()
    encoded = []
    for group, body in messages:
        message = {"type": "live.message"}
        if body.get("recheck"):  # for the consumer, not for the browser
            body = {key: value for key, value in body.items() if key != "recheck"}
            message["recheck"] = body["ticket"]
        message["text"] = json.dumps({**body, "at": at}, cls=DjangoJSONEncoder)
        encoded.append((group, message))
    try:
        async_to_sync(_send_all)(layer, encoded)
    except Exception as error:  # the layer is an optimisation: stored state is the truth
        logger.warning("live push skipped for %d group(s): %r", len(encoded), error)


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    # One after the other: concurrent group_sends on channels-redis 4.3 delivered a
    # 33-group event in ~660 ms median instead of ~7 ms (measured with 30 receivers).
    for group, message in messages:
        await layer.group_send(group, message)


# --- collections and knowledge base --------------------------------------------------


def collection_event(event) -> None:
    """Fan out one step of an unpaid invoice's follow-up: the member always hears of it."""
    case = event.case
    people = {case.member_id}
    if case.member.advisor_id:
        people.add(case.member.advisor_id)
    people.discard(event.actor_id)
    deliver(
        event.actor or case.member, active_users(people), kind=NoticeKind.COLLECTION,
        verb=f"collection.{event.kind}", action_object=event, target=case,
        description=event.get_kind_display(),
    )
    payload = {"type": "collection.event", "case": case.pk, "kind": event.kind,
               "state": case.state, "version": case.version}
    groups = [user_group(pk) for pk in people]
    push_on_commit([(group, payload) for group in groups])


def kb_event(event) -> None:
    """Fan out one knowledge-base event: review requested, changes requested, published,
    comment, feedback received, check due. The article decides who is concerned."""
    article = event.article
    recipient_ids = event.recipient_ids()
    deliver(
        event.actor or article.author, active_users(recipient_ids), kind=NoticeKind.KB,
        verb=f"kb.{event.kind}", action_object=event, target=article,
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
        push_on_commit([(group, payload) for group in groups])


def event(event) -> None:
    """Tell whoever is concerned of one timeline event, whichever app wrote it."""
    fan_out = {
        "ticketevent": ticket_event,
        "journeyevent": journey_event,
        "collectionevent": collection_event,
        "articleevent": kb_event,
    }
    fan_out[event._meta.model_name](event)
