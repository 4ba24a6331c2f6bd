"""A journey's steps: start, move on, CAPE, salaried contract, membership, exit, new cycle,
another path, and the member's request for an adapted path.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from journeys.actions.base import (
    _cancel_registration,
    _check_manager,
    _create_stage_tasks,
    _release_slot,
    _schedule_followup,
    stage_start,
)
from journeys.models import (
    REENTRY_STAGES,
    DiagnosisSlot,
    EventKind,
    Journey,
    PathTemplate,
    Registration,
    Stage,
    TaskState,
    cape_period_error,
    entered_field,
)


@transaction.atomic
def start_journey(
    *, member: User, by: User | None = None, path: PathTemplate | None = None
) -> Journey:
    """A member's first path: it starts at the information meeting."""
    if member.role != Role.MEMBER:
        raise Conflict(_("Only members and future members follow an onboarding path."))
    if by is not None and by.pk != member.pk and by.role != Role.ADMIN:
        if not (by.is_advisor and member.advisor_id and by.follows_member(member)):
            raise PermissionDenied("not this member's advisor")
    if Journey.objects.filter(member=member).exists():
        raise Conflict(_("This person already has a path: open it instead of starting one."))
    path = path or PathTemplate.objects.for_member(member)
    if path is None:
        raise Conflict(_("No path is offered yet: an administrator has to set one up."))
    now = timezone.now()
    journey = Journey.objects.create(
        member=member, path=path, info_meeting_at=now, created_at=now, updated_at=now
    )
    _create_stage_tasks(journey, Stage.INFO_MEETING, timezone.localdate(now))
    event = lifecycle.record(journey, EventKind.STARTED, by=by or member, data={"path": path.name})
    notify.event(event)
    return journey


@transaction.atomic
def reenter_journey(
    journey: Journey, *, by: User, stage: str = Stage.DIAGNOSIS, path: PathTemplate | None = None
) -> Journey:
    """A member who left comes back: a new cycle starts, the earlier one is kept as it was."""
    old = lifecycle.lock(journey)
    _check_manager(old, by)
    if old.state != Stage.EXITED:
        raise Conflict(_("This path is still going on: there is nothing to start again."))
    if not old.is_latest:
        raise Conflict(_("This member has already started a newer cycle."))
    if stage not in REENTRY_STAGES:
        raise Conflict(_("A new cycle starts at the information meeting or the diagnosis."))
    path = path or old.path
    now = timezone.now()
    Journey.objects.filter(pk=old.pk).update(is_latest=False)
    new = Journey.objects.create(
        member=old.member, path=path, cycle=old.cycle + 1, previous=old, state=stage,
        created_at=now, updated_at=now, **{entered_field(stage): now},
    )
    _create_stage_tasks(new, stage, timezone.localdate(now))
    event = lifecycle.record(
        new, EventKind.REENTERED, by=by,
        data={"previous_cycle": old.cycle, "previous": old.pk, "path": path.name},
    )
    notify.event(event)
    return new


@transaction.atomic
def advance_journey(
    journey: Journey, *, by: User, note: str = "", expected_version: int | None = None
) -> Journey:
    """From the information meeting to the diagnosis."""
    journey = lifecycle.lock(journey, expected_version)
    _advance(journey, by=by, check_permission=True, note=note)
    return journey


def _advance(journey: Journey, *, by: User | None, check_permission: bool, note: str = "") -> None:
    lifecycle.run(journey, journey.advance, by if check_permission else None)
    lifecycle.save(journey)
    _create_stage_tasks(journey, journey.state, timezone.localdate())
    event = lifecycle.record(journey, EventKind.ADVANCED, by=by, note=note)
    notify.event(event)


@transaction.atomic
def sign_cape(
    journey: Journey, *, by: User, start: date, end: date, expected_version: int | None = None
) -> Journey:
    """The CAPE (1 to 6 months) is signed: the tasks it triggers are created."""
    error = cape_period_error(start, end)
    if error:
        raise ValidationError(error)
    journey = lifecycle.lock(journey, expected_version)
    lifecycle.run(journey, journey.sign_cape, by, start=start, end=end)
    lifecycle.save(journey)
    tasks = _create_stage_tasks(journey, Stage.CAPE, start)
    event = lifecycle.record(
        journey, EventKind.CAPE_SIGNED, by=by,
        data={"start": start.isoformat(), "end": end.isoformat(), "tasks": len(tasks)},
    )
    notify.event(event)
    return journey


@transaction.atomic
def renew_cape(
    journey: Journey, *, by: User, end: date, expected_version: int | None = None
) -> Journey:
    """A renewal adds one to six months after the current end."""
    journey = lifecycle.lock(journey, expected_version)
    if not can_proceed(journey.renew_cape):
        lifecycle.run(journey, journey.renew_cape, by, end=end)  # raises the plain 409
    previous_end = journey.cape_end
    error = cape_period_error(previous_end + timedelta(days=1), end)
    if error:
        raise ValidationError(error)
    lifecycle.run(journey, journey.renew_cape, by, end=end)
    lifecycle.save(journey)
    event = lifecycle.record(
        journey, EventKind.CAPE_RENEWED, by=by, from_state=Stage.CAPE,
        data={"previous_end": previous_end.isoformat(), "end": end.isoformat()},
    )
    notify.event(event)
    return journey


@transaction.atomic
def sign_salaried_contract(
    journey: Journey, *, by: User, start: date, expected_version: int | None = None
) -> Journey:
    """The salaried contract (CESA) is signed: the member is employed from `start`."""
    journey = lifecycle.lock(journey, expected_version)
    lifecycle.run(journey, journey.sign_salaried_contract, by, start=start)
    return _entered_on(journey, Stage.SALARIED, EventKind.SALARIED, by=by, day=start, key="start")


@transaction.atomic
def grant_membership(
    journey: Journey, *, by: User, on: date, expected_version: int | None = None
) -> Journey:
    journey = lifecycle.lock(journey, expected_version)
    lifecycle.run(journey, journey.grant_membership, by, on=on)
    return _entered_on(journey, Stage.ASSOCIATE, EventKind.MEMBERSHIP, by=by, day=on, key="on")


def _entered_on(
    journey: Journey, stage: str, kind: str, *, by: User, day: date, key: str
) -> Journey:
    """The rest of a step into a stage that starts on a given day (the salaried contract,
    membership): its tasks and the yearly follow-up count from that day, which the event
    keeps under `key`."""
    lifecycle.save(journey)
    _create_stage_tasks(journey, stage, day)
    _schedule_followup(journey, day)
    event = lifecycle.record(journey, kind, by=by, data={key: day.isoformat()})
    notify.event(event)
    return journey


@transaction.atomic
def exit_journey(
    journey: Journey, *, by: User, reason: str, note: str = "",
    expected_version: int | None = None,
) -> Journey:
    """Leaving, from any stage: open tasks are dropped, bookings freed, exit tasks created."""
    journey = lifecycle.lock(journey, expected_version)
    lifecycle.run(journey, journey.leave, by, reason=reason, note=note)
    lifecycle.save(journey)
    for task in journey.tasks.select_for_update().filter(state=TaskState.OPEN):
        lifecycle.run(task, task.drop, None)
        lifecycle.save(task)
    now = timezone.now()
    for registration in journey.registrations.filter(
        status__in=Registration.ACTIVE, meeting__starts_at__gt=now
    ).select_related("meeting"):
        _cancel_registration(registration, by=by)
    for slot in journey.diagnosis_slots.filter(status=DiagnosisSlot.Status.BOOKED):
        _release_slot(slot, by=by)
    _create_stage_tasks(journey, Stage.EXITED, timezone.localdate(now))
    event = lifecycle.record(
        journey, EventKind.EXITED, by=by, note=note,
        data={"reason": reason},
    )
    notify.event(event)
    return journey


@transaction.atomic
def switch_path(
    journey: Journey, *, by: User, path: PathTemplate, note: str = "",
    expected_version: int | None = None,
) -> Journey:
    """Re-personalise: follow another path from the same stage, keeping what is done."""
    journey = lifecycle.lock(journey, expected_version)
    if path.pk == journey.path_id:
        raise Conflict(_("The member already follows this path."))
    if not path.is_active:
        raise Conflict(_("This path is no longer offered."))
    stage = path.stages.filter(kind=journey.state).first()
    if stage is None and journey.is_open:
        raise Conflict(
            _("The path “%(path)s” has no “%(stage)s” stage: choose another one.")
            % {"path": path.name, "stage": journey.get_state_display()}
        )
    before = journey.path
    lifecycle.run(journey, journey.switch_path, by, path=path)
    wanted = set(stage.tasks.filter(is_active=True).values_list("key", flat=True))
    dropped = 0
    for task in journey.tasks.select_for_update().filter(
        state=TaskState.OPEN, stage=journey.state, is_followup=False
    ):
        if task.key not in wanted:
            lifecycle.run(task, task.drop, None)
            lifecycle.save(task)
            dropped += 1
    lifecycle.save(journey)
    added = _create_stage_tasks(journey, journey.state, stage_start(journey, journey.state))
    event = lifecycle.record(
        journey, EventKind.PATH_SWITCHED, by=by, from_state=journey.state, note=note,
        data={"from": before.name, "to": path.name, "added": len(added), "dropped": dropped},
    )
    notify.event(event)
    return journey


@transaction.atomic
def request_adaptation(journey: Journey, *, by: User, message: str) -> Journey:
    """The member asks for their path to be adapted (their activity changed)."""
    journey = lifecycle.lock(journey)
    if journey.member_id != by.pk:
        raise PermissionDenied("only the member asks for their path to be adapted")
    if not journey.is_open:
        raise Conflict(_("Your path has ended: contact your advisor to start again."))
    if not message.strip():
        raise ValidationError(_("Tell your advisor what changed."))
    journey.adaptation_requested_at, journey.adaptation_note = timezone.now(), message
    journey.updated_at = journey.adaptation_requested_at
    journey.save(update_fields=["adaptation_requested_at", "adaptation_note", "updated_at"])
    event = lifecycle.record(journey, EventKind.ADAPTATION_ASKED, by=by, note=message)
    notify.event(event)
    return journey
