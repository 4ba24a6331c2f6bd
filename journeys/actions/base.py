"""What every journey action shares: locking, running a transition (409 or 403 when it
cannot be done), saving, writing the timeline event and handing it to coopdesk.notify.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopdesk import notify, transitions
from coopdesk.accounts.models import User
from journeys.models import (
    FOLLOWUP_EVERY_DAYS,
    Assignee,
    DiagnosisSlot,
    EventKind,
    InfoMeeting,
    Journey,
    JourneyEvent,
    JourneyTask,
    Registration,
    Stage,
    TaskState,
    can_manage_journey,
)

FOLLOWUP_TITLE = "Yearly follow-up meeting"  # a msgid: JourneyTask.label translates it

REFUSALS = {
    "sign_cape": lambda j: _("The diagnosis has not been held yet: record it before the CAPE.")
    if j.state == Stage.DIAGNOSIS
    else None,
}


def _lock(journey: Journey, expected_version: int | None = None) -> Journey:
    """Re-read the journey under a row lock and refuse a stale form."""
    return transitions.lock(
        journey, expected_version, related=("path", "member__advisor"),
        stale=_(
            "This path was changed by someone else while you were on the page (it is now "
            "at “%(state)s”). Nothing was saved: reload the page and try again."
        ),
    )


def _run(obj, transition, actor: User | None, /, **kwargs):
    """Run a model transition: 403 for a person who may not, 409 for a state that does not
    allow it, with the plainest reason we have."""
    special = REFUSALS.get(transition.__name__, lambda _obj: None)(obj)
    if special:
        refused = special.replace("%", "%%")  # a sentence, not a template
    elif isinstance(obj, Journey):
        refused = _("This step is not possible while the path is at “%(state)s”.")
    else:
        refused = _("This is not possible any more: reload the page to see what changed.")
    return transitions.run(obj, transition, actor, refused=refused, **kwargs)


_save = transitions.save_next_version


def _touch(journey: Journey) -> None:
    """Something happened on the journey without changing its stage."""
    journey.updated_at = timezone.now()
    Journey.objects.filter(pk=journey.pk).update(updated_at=journey.updated_at)


def _record(
    journey: Journey,
    kind: str,
    *,
    by: User | None,
    from_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> JourneyEvent:
    event = JourneyEvent.objects.create(
        journey=journey,
        kind=kind,
        actor=by,
        from_state=from_state,
        to_state=journey.state,
        note=note,
        data=data or {},
    )
    notify.event(event)
    return event


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
    _run(registration, registration.cancel, None)
    registration.updated_at = timezone.now()
    registration.save()
    meeting = registration.meeting
    _record(registration.journey, EventKind.UNREGISTERED, by=by,
            data={"meeting": meeting.pk, "at": meeting.starts_at.isoformat()})
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
        registration.promote()
        registration.updated_at = timezone.now()
        registration.save()
        _record(registration.journey, EventKind.PROMOTED, by=None,
                data={"meeting": meeting.pk, "at": meeting.starts_at.isoformat()})
        promoted += 1
    return promoted


def _release_slot(slot: DiagnosisSlot, *, by: User | None) -> DiagnosisSlot:
    journey = slot.journey
    _run(slot, slot.release, None)
    slot.save()
    _record(journey, EventKind.DIAGNOSIS_CANCELLED, by=by,
            data={"at": slot.starts_at.isoformat(), "also_notify": [slot.advisor_id]})
    return slot
