"""Tasks done and undone, with the document some of them ask for.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import User
from coopdesk.conflicts import Conflict
from helpdesk.actions import validate_upload
from journeys.actions.base import _schedule_followup, _touch
from journeys.models import (
    EventKind,
    JourneyTask,
    TaskState,
)


class AlreadyDone(Conflict):
    """The task is already where the step would take it (someone else, or another tab, did
    it meanwhile): what the person wanted holds, so the page says so rather than refuse."""


def _already_done(task: JourneyTask, by: User) -> AlreadyDone:
    if task.done_by_id == by.pk:
        message = _("You had already marked the task “%(task)s” as done.")
    elif task.done_by_id:
        message = _("The task “%(task)s” was already marked as done by %(name)s.")
    else:
        message = _("The task “%(task)s” was already marked as done.")
    name = task.done_by.first_name if task.done_by_id else ""
    return AlreadyDone(message % {"task": task.label, "name": name}, about=task)


def _task_data(task: JourneyTask) -> dict:
    return {"task": task.title, "task_id": task.pk, "followup": task.is_followup}


@transaction.atomic
def complete_task(
    task: JourneyTask, *, by: User, document: UploadedFile | None = None
) -> JourneyTask:
    task = lifecycle.lock(task)
    # A file sent with it would be lost: that one stays a refusal.
    if task.state == TaskState.DONE and document is None and lifecycle.may(task.complete, by):
        raise _already_done(task, by)
    if not can_proceed(task.complete):
        raise Conflict(_("This task is already done or no longer needed."))
    if task.required_document and not (document or task.document):
        raise ValidationError(
            _("Send “%(document)s” to complete this task.") % {"document": task.required_document}
        )
    lifecycle.run(task, task.complete, by, by=by)
    if document is not None:
        validate_upload(document)
        task.document_token = secrets.token_hex(16)
        task.document_name = Path(document.name).name[:200]
        task.document.save(document.name, document, save=False)
    lifecycle.save(task, "document")
    journey = task.journey
    if task.is_followup:
        _schedule_followup(journey, timezone.localdate())
    _touch(journey)
    event = lifecycle.record(journey, EventKind.TASK_DONE, by=by, data=_task_data(task))
    notify.event(event)
    return task


@transaction.atomic
def reopen_task(task: JourneyTask, *, by: User) -> JourneyTask:
    task = lifecycle.lock(task)
    if task.state == TaskState.OPEN and lifecycle.may(task.reopen, by):
        raise AlreadyDone(
            _("The task “%(task)s” is already to do.") % {"task": task.label}, about=task
        )
    lifecycle.run(task, task.reopen, by)
    lifecycle.save(task)
    _touch(task.journey)
    event = lifecycle.record(task.journey, EventKind.TASK_REOPENED, by=by, data=_task_data(task))
    notify.event(event)
    return task
