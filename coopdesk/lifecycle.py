"""The lifecycle kit: how every app's actions change the state of something.

Requests and collection cases (helpdesk), journeys, their tasks, meeting places and
diagnosis slots (journeys) and articles (kb) are django-fsm-2 models changed only by their
app's actions. Each action reads, in its own body, as the same five steps:

    ticket = lifecycle.lock(ticket, expected_version)      # row lock, stale form: 409
    lifecycle.run(ticket, ticket.resolve, by)               # 403, or 409 in plain words
    lifecycle.save(ticket)                                  # next version, changed columns
    event = lifecycle.record(ticket, EventKind.RESOLVED, by=by)  # from the state run() left
    notify.event(event)                                     # who hears of it, and how

A step that is nothing but its transition and its event (resolve a request, stop a
collection case, submit an article) is declared with `plain_step()`, which runs those same
five steps; a step that does more is written out in full in its app's actions.

The model declares its own words, so that every app refuses the same way:

- `stale_message`: a form that showed an older version (409, nothing saved), formatted with
  %(state)s, the label of the state it is in now; `lock_related`: what to read with it;
- `refused_message`: a step the state does not allow now (409), formatted with %(state)s
  (by default, "This step is not possible while the status is “%(state)s”.");
  and, optionally, `refusal(name)`: a plainer sentence for one transition, or None;
- a step that is not this person's is a 403, decided before the state is looked at, so that
  the answer never depends on (nor tells) the state of something that is not theirs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import FSMFieldMixin, can_proceed, has_transition_perm

from coopdesk import notify
from coopdesk.conflicts import Conflict

M = TypeVar("M", bound=models.Model)

_READ = "_lifecycle_read"  # the column values lock() read, to save only what changed since
_LEFT = "_lifecycle_left"  # the state the first transition since the last event left


def lock(obj: M, expected_version: int | None = None) -> M:
    """Re-read `obj` under a row lock and refuse a stale form with the model's message.

    Only the object's own row is locked (of=self): FOR UPDATE would otherwise also lock the
    rows joined by the model's `lock_related` (a request's team), and unrelated actions
    would queue.
    """
    model = type(obj)
    locked = (
        model._default_manager.select_for_update(of=("self",))
        .select_related(*getattr(model, "lock_related", ()))
        .get(pk=obj.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(model.stale_message % {"state": locked.get_state_display()}, about=locked)
    _remember(locked)
    return locked


def _remember(obj: models.Model) -> None:
    read = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        read[field.attname] = copy.deepcopy(value) if isinstance(value, (dict, list)) else value
    setattr(obj, _READ, read)


def may(transition, user) -> bool:
    """Whether the transition is this person's to run, from whichever state."""
    meta = transition._django_fsm
    return any(t.has_perm(transition.__self__, user) for t in meta.transitions.values())


def refusal(obj: models.Model, transition) -> str:
    """The plain-words 409 for a transition the state does not allow now."""
    special = getattr(obj, "refusal", None)
    sentence = special(transition.__name__) if special else None
    if sentence:
        return str(sentence)
    message = getattr(obj, "refused_message", None) or _(
        "This step is not possible while the status is “%(state)s”."
    )
    return message % {"state": getattr(obj, f"get_{_state_field(transition)}_display")()}


def _state_field(transition) -> str:
    field = transition._django_fsm.field
    return field if isinstance(field, str) else field.name


def run(obj, transition, by, /, *args, **kwargs):
    """Run a model transition for `by` (None: the system, e.g. the worker).

    Positional-only, because transitions such as acknowledge(by=...) take a `by` keyword of
    their own. The state it leaves is remembered for the next event's `from_state` (the
    first one left, when a step runs several transitions).
    """
    name = transition.__name__
    if by is not None and not may(transition, by):
        raise PermissionDenied(f"{by} may not {name} {obj}")
    if not can_proceed(transition):
        raise Conflict(refusal(obj, transition), about=obj)
    if by is not None and not has_transition_perm(transition, by):  # depends on the state
        raise PermissionDenied(f"{by} may not {name} {obj}")
    left = getattr(obj, _state_field(transition))
    result = transition(*args, **kwargs)
    if not hasattr(obj, _LEFT):
        setattr(obj, _LEFT, left)
    return result


def save(obj: models.Model, *fields: str, at=None) -> None:
    """Save a changed object: the next version (stale forms are refused against it), the
    time of the change, its state, the `fields` named and whatever changed since lock()
    read it. Only those columns are written, so that a step does not render the Markdown
    of a body it did not touch (models render on save when their source is saved)."""
    names = {field.name for field in obj._meta.concrete_fields}
    changed = set(fields)
    changed |= {field.name for field in obj._meta.concrete_fields
                if isinstance(field, FSMFieldMixin)}
    read = getattr(obj, _READ, None)
    if read is not None:
        changed |= {
            field.name for field in obj._meta.concrete_fields
            if field.attname in read and getattr(obj, field.attname) != read[field.attname]
        }
    if "version" in names:
        obj.version += 1
        changed.add("version")
    if "updated_at" in names:
        obj.updated_at = at or timezone.now()
        changed.add("updated_at")
    obj.save(update_fields=sorted(changed))
    _remember(obj)


def record(
    subject: models.Model, kind: str, *, by, from_state: str | None = None, note: str = "",
    data: dict | None = None, **extra: Any,
):
    """Write one line of the subject's timeline (its `events`), ending in its state now.

    It starts from the state the step's transitions left (see run()), or from none when the
    step ran no transition; `from_state` says otherwise (a side event of another step says
    ""). It does not notify: the action hands the event to coopdesk.notify itself."""
    if from_state is None:
        from_state = subject.__dict__.pop(_LEFT, "")
    return subject.events.create(
        kind=kind, actor=by, from_state=from_state, to_state=subject.state, note=note,
        data=data or {}, **extra,
    )


def plain_step(
    transition: str, kind: str, *, doc: str = "", data: dict | None = None
) -> Callable[..., Any]:
    """The action for a step that is only its transition and its event: it locks the row,
    runs `transition` (the name of the model's method), saves, records an event of `kind`
    with the person's note (and `data`) and hands the event to notify.

    It takes what every step takes: `(obj, *, by, note="", expected_version=None)`."""

    @transaction.atomic
    def action(obj: M, *, by, note: str = "", expected_version: int | None = None) -> M:
        obj = lock(obj, expected_version)
        run(obj, getattr(obj, transition), by)
        save(obj)
        event = record(obj, kind, by=by, note=note, data=dict(data or {}))
        notify.event(event)
        return obj

    action.__doc__ = doc
    return action
