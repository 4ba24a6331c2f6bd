"""Writing what a person hears of: the in-app notification, the e-mail to send at once,
and the same `notification` message pushed to each recipient's tabs after commit.

`event` is the one way in for every domain's timeline event (and a reminder): the app
registered who hears of it and how to name it (coopdesk/notify/registry.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from notifications.models import Notification
from notifications.signals import notify as notify_signal

from coopdesk.accounts.models import User
from coopdesk.models import Delivery, OutboxEmail
from coopdesk.notify import recipients as who
from coopdesk.notify.push import push_on_commit, user_group
from coopdesk.notify.registry import source_for
from coopdesk.notify.wording import serialize


def event(event) -> list[Notification]:
    """Fan out one timeline event (or reminder). Call it inside the action's transaction,
    after writing the event row."""
    source = source_for(event)
    created = deliver(
        source.sender(event), who.for_event(event, source),
        kind=source.notice_kind(event), verb=source.verb(event), action_object=event,
        target=source.target(event), data=source.data(event),
        description=source.description(event),
    )
    messages = source.messages(event) if source.messages else []
    push_on_commit(messages + notification_messages(created))
    return created


def reminder(reminder) -> list[Notification]:
    """Send one reminder to its recipient. The caller recorded the Reminder row in the same
    transaction: it is what makes the reminder go out once."""
    return event(reminder)


def notice(
    recipient: User, *, kind: str, verb: str, title: str, description: str, target=None
) -> list[Notification]:
    """A message for one person that is not a timeline event (e.g. someone used their e-mail
    address on the public sign-up form), heard of as they chose for that kind (NoticeKind).
    The title (an e-mail's subject) and the description are in the recipient's language:
    written for that one reader."""
    created = deliver(
        recipient, [recipient], kind=kind, verb=verb, target=target, description=description,
        data={"domain": "notice", "title": title},
    )
    push_on_commit(notification_messages(created))
    return created


def deliver(
    actor, recipients: list[User], *, kind: str, verb: str, target, data: dict,
    action_object=None, description: str = "",
) -> list[Notification]:
    """Write each recipient's in-app notification, marked with how they chose to hear of
    this kind of step, and queue an e-mail for those who want one at once. The daily summary
    (coopdesk/outbox.py) takes the notifications marked "digest"."""
    if not recipients:
        return []
    deliveries = who.deliveries_for(recipients, kind)
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
            data={**data, "notice": kind, "delivery": delivery},
        )
        created += [n for _receiver, made in responses if isinstance(made, list) for n in made]
    OutboxEmail.objects.bulk_create(
        OutboxEmail(recipient_id=n.recipient_id, notification=n)
        for n in created if n.data["delivery"] == Delivery.EMAIL
    )
    return created


def notification_messages(created: list[Notification]) -> list[tuple[str, dict]]:
    """The same message for every kind: the header's badge and menu of each recipient."""
    return [
        (user_group(n.recipient_id), {"type": "notification", "notification": serialize(n)})
        for n in created
    ]


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
