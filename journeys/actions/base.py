"""What journey actions share beyond coopdesk.lifecycle: who may act on a journey, the
tasks a stage brings, and freeing a meeting place or a diagnosis slot.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import User
from journeys.models import (
    FOLLOWUP_EVERY_DAYS,
    Assignee,
    DiagnosisSlot,
    EventKind,
    InfoMeeting,
    Journey,
    JourneyTask,
    Registration,
    Stage,
    TaskState,
    can_manage_journey,
)

FOLLOWUP_TITLE = "Yearly follow-up meeting"  # a msgid: JourneyTask.label translates it


def _touch(journey: Journey) -> None:
    """Something happened on the journey without changing its stage."""
    journey.updated_at = timezone.now()
    Journey.objects.filter(pk=journey.pk).update(updated_at=journey.updated_at)


def _check_manager(journey: Journey, by: User) -> None:
    if not can_manage_journey(journey, by):
        raise PermissionDenied(f"{by} does not follow {journey.member}")


def _check_member_or_manager(journey: Journey, by: User) -> None:
    if journey.member_id != by.pk:
        _check_manager(journey, by)


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def stage_start(journey: Journey, kind: str) -> date:
    """The day a stage's task deadlines count from."""
    if kind == Stage.CAPE and journey.cape_start:
        return journey.cape_start
    if kind == Stage.SALARIED and journey.salaried_start:
        return journey.salaried_start
    entered = journey.entered_at(kind)
    return timezone.localdate(entered) if entered else timezone.localdate()


def _create_stage_tasks(journey: Journey, kind: str, start: date) -> list[JourneyTask]:
    """Copy the stage's task templates into the journey, except those already there (same
    key): what is done stays done when the path changes or a stage is entered again."""
    stage = journey.path.stages.filter(kind=kind).first()
    if stage is None:
        return []
    present = set(
        journey.tasks.exclude(state=TaskState.DROPPED).values_list("key", flat=True)
    )
    tasks = [
        JourneyTask(
            journey=journey, template=template, stage=kind, key=template.key,
            title=template.title, description=template.description,
            assignee=template.assignee, team_id=template.team_id,
            due_date=start + timedelta(days=template.due_offset_days),
            article_slug=template.article_slug, url=template.url,
            required_document=template.required_document, position=template.position,
        )
        for template in stage.tasks.filter(is_active=True)
        if template.key not in present
    ]
    return JourneyTask.objects.bulk_create(tasks)


def _schedule_followup(journey: Journey, after: date) -> JourneyTask | None:
    """Salaried members and associates meet their advisor once a year."""
    if journey.tasks.filter(is_followup=True, state=TaskState.OPEN).exists():
        return None
    return JourneyTask.objects.create(
        journey=journey, stage=journey.state, key="yearly-follow-up", title=FOLLOWUP_TITLE,
        assignee=Assignee.ADVISOR, due_date=after + timedelta(days=FOLLOWUP_EVERY_DAYS),
        is_followup=True,
    )


def _lock_meeting(meeting: InfoMeeting) -> InfoMeeting:
    return InfoMeeting.objects.select_for_update().get(pk=meeting.pk)


def _cancel_registration(registration: Registration, *, by: User | None) -> Registration:
    """Cancel, and give the freed place to the first person waiting."""
    had_place = registration.status == Registration.Status.REGISTERED
    lifecycle.run(registration, registration.cancel, None)
    lifecycle.save(registration)
    meeting = registration.meeting
    # from_state="": when the journey is leaving, this is a side event of its exit.
    event = lifecycle.record(
        registration.journey, EventKind.UNREGISTERED, by=by, from_state="",
        data={"meeting": meeting.pk, "at": meeting.starts_at.isoformat()},
    )
    notify.event(event)
    if had_place:
        _promote_waiting(meeting, places=1)
    return registration


def _promote_waiting(meeting: InfoMeeting, *, places: int) -> int:
    """Give free places to the people waiting longest; each is told."""
    waiting = (
        meeting.registrations.select_for_update(of=("self",))
        .filter(status=Registration.Status.WAITING)
        .select_related("journey__member__advisor")
        .order_by("created_at", "pk")[:max(places, 0)]
    )
    promoted = 0
    for registration in waiting:
        lifecycle.run(registration, registration.promote, None)
        lifecycle.save(registration)
        event = lifecycle.record(
            registration.journey, EventKind.PROMOTED, by=None,
            data={"meeting": meeting.pk, "at": meeting.starts_at.isoformat()},
        )
        notify.event(event)
        promoted += 1
    return promoted


def _release_slot(slot: DiagnosisSlot, *, by: User | None) -> DiagnosisSlot:
    journey = slot.journey
    lifecycle.run(slot, slot.release, None)
    lifecycle.save(slot, "journey", "booked_at")
    event = lifecycle.record(
        journey, EventKind.DIAGNOSIS_CANCELLED, by=by, from_state="",
        data={"at": slot.starts_at.isoformat(), "also_notify": [slot.advisor_id]},
    )
    notify.event(event)
    return slot
