"""The rules every app's actions follow when they change the state of something.

Requests and collection cases (helpdesk), journeys and articles (kb) are versioned
django-fsm-2 models, changed only by their app's `actions.py`. Each action locks the row,
refuses a form that showed an older version, runs the transition, saves with the next
version, then writes its own timeline event and hands it to coopdesk.notify. The first three
steps live here, so that every app refuses the same way:

- a stale form: 409, "changed by someone else while you were on the page", nothing saved;
- a step that is not this person's: 403, decided before the state is looked at, so that the
  answer never depends on (nor tells) the state of something that is not theirs;
- a step the state does not allow now: 409, with a plain message.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from coopdesk.conflicts import Conflict

M = TypeVar("M", bound=models.Model)


def lock(obj: M, expected_version: int | None, *, stale: str, related: tuple = ()) -> M:
    """Re-read `obj` under a row lock and refuse a stale form.

    `stale` is the refusal, formatted with %(state)s, the label of the state it is in now.
    Only the object's own row is locked (of=self): FOR UPDATE would otherwise also lock the
    rows joined by `related` (a request's team), and unrelated actions would queue.
    """
    locked = (
        type(obj)._default_manager.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=obj.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(stale % {"state": locked.get_state_display()})
    return locked


def may(transition, user) -> bool:
    """Whether the transition is this person's to run, from whichever state."""
    meta = transition._django_fsm
    return any(t.has_perm(transition.__self__, user) for t in meta.transitions.values())


def run(obj, transition, by, /, *args, refused: str | None = None, **kwargs):
    """Run a model transition for `by` (None: the system, e.g. the worker).

    Positional-only, because transitions such as acknowledge(by=...) take a `by` keyword of
    their own. `refused` is the 409 message, formatted with %(state)s.
    """
    name = transition.__name__
    if by is not None and not may(transition, by):
        raise PermissionDenied(f"{by} may not {name} {obj}")
    if not can_proceed(transition):
        message = refused or _("This step is not possible while the status is “%(state)s”.")
        raise Conflict(message % {"state": obj.get_state_display()})
    if by is not None and not has_transition_perm(transition, by):  # depends on the state
        raise PermissionDenied(f"{by} may not {name} {obj}")
    return transition(*args, **kwargs)


def save_next_version(obj: models.Model, at=None) -> None:
    """Save a changed object: the next version (stale forms are refused against it)."""
    obj.version += 1
    obj.updated_at = at or timezone.now()
    obj.save()
