"""A person's path: what they download, and what their erasure removes.

Registered from JourneysConfig.ready() (see coopdesk/accounts/privacy.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import User
from coopdesk.accounts.privacy import ERASED, Export, delete_files, register
from helpdesk.models import Draft, DraftKind
from journeys.models import (
    NOTED_STEPS,
    DiagnosisSlot,
    Journey,
    JourneyEvent,
    JourneyTask,
    MentorOffer,
    Reminder,
    step_draft_key,
)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export_path(user: User) -> Export:
    export = Export()
    journeys = Journey.objects.filter(member=user).select_related("path")
    for journey in journeys.order_by("created_at", "pk"):
        tasks = []
        for task in journey.tasks.order_by("due_date", "position", "pk"):
            row = {"task": task.title, "details": task.description,
                   "stage": task.get_stage_display(), "state": task.get_state_display(),
                   "due": _when(task.due_date), "done_at": _when(task.done_at)}
            if task.document:
                path = f"files/path-{journey.cycle}/{task.pk}-{PurePath(task.document_name).name}"
                export.files.append((path, task.document))
                row["document"] = {"name": task.document_name, "file": path}
            tasks.append(row)
        export.records.append({
            "path": str(journey.path),
            "cycle": journey.cycle,
            "stage": journey.get_state_display(),
            "started": _when(journey.created_at),
            "cape": {"start": _when(journey.cape_start), "end": _when(journey.cape_end)},
            "tasks": tasks,
            "timeline": [
                {"at": _when(event.created_at), "what": event.get_kind_display(),
                 "by": event.actor.first_name if event.actor else "", "note": event.note}
                for event in journey.events.select_related("actor")
            ],
        })
    return export


def erase_path(user: User) -> Iterable[QuerySet]:
    """The stages and dates stay (the cooperative's figures); the notes about the person and
    the documents they sent go."""
    journeys = Journey.objects.filter(member=user)
    tasks = JourneyTask.objects.filter(journey__in=journeys)
    sent = tasks.exclude(document="")
    delete_files(task.document for task in sent)
    sent.update(document="", document_name="", document_token="")
    journeys.exclude(exit_note="").update(exit_note=ERASED)
    journeys.exclude(adaptation_note="").update(adaptation_note=ERASED)
    JourneyEvent.objects.filter(Q(journey__in=journeys) | Q(actor=user)).exclude(
        note=""
    ).update(note=ERASED)
    DiagnosisSlot.objects.filter(journey__in=journeys).exclude(summary="").update(summary=ERASED)
    # Reminders stay (they keep a reminder from being sent twice), without their words.
    Reminder.objects.filter(
        Q(recipient=user) | Q(journey__in=journeys) | Q(task__in=tasks)
    ).update(message=ERASED)
    MentorOffer.objects.filter(member=user).delete()
    # The advisors' step notes about her, still being typed.
    Draft.objects.filter(kind=DraftKind.JOURNEY, key__in=[
        step_draft_key(step, pk) for pk in journeys.values_list("pk", flat=True)
        for step in NOTED_STEPS
    ]).delete()
    return [journeys]


def register_privacy() -> None:
    register("path", title=_("My path"), export=export_path, erase=erase_path)
