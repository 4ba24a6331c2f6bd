"""What the apps tell the ground floor at start-up (their `AppConfig.ready()`).

The ground floor (coopdesk/) imports no app. Each app registers here, once:

- per timeline-event model (and any other model notify is handed, such as a reminder): its
  notice kind, who hears of it, what to store to name it later, and the live messages the
  pages on screen use (`Source`);
- per domain stored in a notification: how to word it at read time (`Wording`);
- per model a notification points at: where its e-mail links, after checking the person may
  still see it (`places`);
- its websocket "watch" kinds with their permission check (`watches`);
- per role, how its notice kinds are heard of until a person chooses (`defaults`), and which
  roles see a kind on their preferences page at all (`concerned`);
- its demo loader (`demo_loaders`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Source:
    """How one kind of event (a model) fans out.

    recipients(event) -> the people who hear of it (users; inactive ones and the actor are
    left out afterwards). data(event) -> codes, ids and names only (never a translated
    sentence): `domain` names the `Wording` that turns them into words when read.
    """

    notice_kind: Callable[[models.Model], str]
    recipients: Callable[[models.Model], list]
    data: Callable[[models.Model], dict]
    target: Callable[[models.Model], models.Model]
    sender: Callable[[models.Model], models.Model]
    verb: Callable[[models.Model], str] = lambda event: event.kind
    # A sentence written for its one reader, in their language (a reminder's message).
    description: Callable[[models.Model], str] = lambda event: ""
    # Object-specific live messages, only those a page on screen handles (static/js/live.js).
    messages: Callable[[models.Model], list[tuple[str, dict]]] | None = None
    # Whether the actor hears of it too: what was done in her name by a way in that cannot
    # prove who acted (an e-mail's From is easily forged), so that she can undo it.
    tells_actor: Callable[[models.Model], bool] = lambda event: False


def timeline_source(
    *, notice_kind: str | Callable[[models.Model], str], recipients: Callable, data: Callable,
    owner: str, domain: str = "", messages: Callable | None = None,
    tells_actor: Callable | None = None,
) -> Source:
    """The Source of a timeline-event model (coopdesk.models.TimelineEvent): it points at
    the event's subject and comes from its actor or, when the system acted, from the
    person the subject belongs to (its `owner` attribute). `domain` prefixes the verb
    stored with the notification ("collection.paid"); without it the verb is the kind."""
    kind = notice_kind if callable(notice_kind) else (lambda event: notice_kind)
    return Source(
        notice_kind=kind,
        recipients=recipients,
        data=data,
        target=lambda event: event.subject,
        sender=lambda event: event.actor or getattr(event.subject, owner),
        verb=(lambda event: f"{domain}.{event.kind}") if domain else (lambda event: event.kind),
        messages=messages,
        tells_actor=tells_actor or (lambda event: False),
    )


def timeline_data(event, *, domain: str, **names) -> dict:
    """What a timeline event stores with its notifications (a Source's `data`): its domain
    (the `Wording` that words it), its kind, who acted (first name only) and where its
    subject is, beside the codes and names its own domain needs (`names`)."""
    return {
        "domain": domain,
        **names,
        "kind": event.kind,
        "actor": event.actor.first_name if event.actor else None,
        "url": event.subject.get_absolute_url(),
    }


@dataclass(frozen=True)
class Wording:
    """Words for a domain's notifications, in the active language.

    label(data, verb, recipient_id) -> what happened; about(data, recipient_id) -> the
    object named (a request's reference and subject, a path and its stage...).
    """

    label: Callable[[dict, str, int], str]
    about: Callable[[dict, int], str]


@dataclass
class Registry:
    sources: dict[str, Source] = field(default_factory=dict)
    wordings: dict[str, Wording] = field(default_factory=dict)
    places: dict[str, Callable] = field(default_factory=dict)
    # A websocket "watch" kind: groups(user, id) -> (groups its page may join, version),
    # after the same permission check as the page.
    watches: dict[str, Callable] = field(default_factory=dict)
    demo_loaders: list[tuple[int, Callable]] = field(default_factory=list)
    # Per role, per notice kind: how a person hears of it until they choose otherwise.
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    # Notice kinds only some roles receive (others do not see them on their preferences).
    concerned: dict[str, set[str]] = field(default_factory=dict)


registry = Registry()


def register_source(model: type[models.Model], source: Source) -> None:
    registry.sources[model._meta.label] = source


def register_wording(domain: str, wording: Wording) -> None:
    registry.wordings[domain] = wording


def register_place(model: type[models.Model], place: Callable) -> None:
    """place(target, user, event) -> dict for the e-mail (`url`, `link`, `group`, and the
    objects the templates name); raises outbox.Undeliverable when the person may no
    longer see it."""
    registry.places[model._meta.label] = place


def register_watch(kind: str, groups: Callable) -> None:
    registry.watches[kind] = groups


def register_demo(load: Callable, *, order: int) -> None:
    """load(people) after coopdesk.demo.load_people(); lower orders load first."""
    if (order, load) not in registry.demo_loaders:  # ready() may run again in tests
        registry.demo_loaders.append((order, load))
        registry.demo_loaders.sort(key=lambda pair: pair[0])


def register_defaults(role: str, deliveries: dict[str, str]) -> None:
    registry.defaults.setdefault(role, {}).update(deliveries)


def register_concerned(kind: str, roles: set[str]) -> None:
    registry.concerned[kind] = set(roles)


def source_for(event: models.Model) -> Source:
    try:
        return registry.sources[event._meta.label]
    except KeyError:
        raise LookupError(f"No app registered how to notify of {event._meta.label}") from None
