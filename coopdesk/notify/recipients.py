"""Who hears of what: the people an event reaches (as its app says), and how each chose
to hear of each kind of step (NoticeKind: in the app, by e-mail at once, in a summary)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from coopdesk.accounts.models import Role, User
from coopdesk.models import (
    Delivery,
    NoticeKind,
    NotificationPreference,
    Subscription,
    TicketSubscription,
)
from coopdesk.notify.registry import registry

# Several timeline kinds share one choice on the preferences page.
FOLDED_KINDS = {
    "answered": "replied", "withdrawn": "closed", "priority": "assigned", "rescheduled": "assigned",
    "category": "transferred", "merged": "closed", "merged_in": "closed", "linked": "assigned",
    "watcher": "assigned",
}
# Leads and admins hear of things as agents do, but for the kinds their role registered.
SAME_AS = {Role.LEAD: Role.AGENT, Role.ADMIN: Role.AGENT}


def notice_kind(event_kind: str) -> str:
    return FOLDED_KINDS.get(event_kind, event_kind)


def default_delivery(user: User, kind: str) -> str:
    # Advisors watch their members' requests, paths and invoices without relaying them:
    # one summary a day, whatever the kind.
    if user.role == Role.ADVISOR:
        return Delivery.DIGEST
    own = registry.defaults.get(user.role, {})
    if kind in own:
        return own[kind]
    return registry.defaults.get(SAME_AS.get(user.role), {}).get(kind, Delivery.APP)


def kinds_for(user: User) -> list[tuple[str, str]]:
    """The choices shown on a person's preferences page."""
    concerned = registry.concerned
    return [
        (kind, label) for kind, label in NoticeKind.choices
        if kind not in concerned or user.role in concerned[kind]
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


def active_users(ids: Iterable[int | None]) -> list[User]:
    return list(User.objects.filter(pk__in={pk for pk in ids if pk}, is_active=True))


def for_event(event, source) -> list[User]:
    """The people who hear of an event, as its app decided; never who did it, unless the
    app says she must hear of what was done in her name (Source.tells_actor)."""
    actor_id = getattr(event, "actor_id", None)
    people = [user for user in source.recipients(event) if user.is_active]
    if source.tells_actor(event):
        return people
    return [user for user in people if user.pk != actor_id]
