"""Diagnosis appointments in advisors' free times: no double booking, whatever arrives at
the same moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from coopdesk.validators import PLANNED
from journeys.actions.base import (
    _check_manager,
    _check_member_or_manager,
    _release_slot,
    _touch,
    _when,
)
from journeys.models import (
    DiagnosisSlot,
    EventKind,
    Journey,
    Stage,
)


def bookable_slots(journey: Journey, now: datetime | None = None):
    """Free future slots of the member's advisor (and of the advisor covering them); any
    advisor's while the member has none yet."""
    slots = DiagnosisSlot.objects.filter(
        status=DiagnosisSlot.Status.FREE, starts_at__gt=now or timezone.now()
    )
    member = journey.member
    if member.advisor_id:
        advisor_ids = [member.advisor_id]
        if member.advisor.backup_advisor_id and member.advisor.is_away():
            advisor_ids.append(member.advisor.backup_advisor_id)
        slots = slots.filter(advisor_id__in=advisor_ids)
    return slots.select_related("advisor").order_by("starts_at")


@transaction.atomic
def add_slot(
    *, advisor: User, by: User, starts_at: datetime, duration_minutes: int, place: str
) -> DiagnosisSlot:
    """An advisor offers a time. Their row is locked so that two offers cannot overlap."""
    if not advisor.is_advisor:
        raise Conflict(_("Only advisors hold diagnosis interviews."))
    if by.pk != advisor.pk and by.role != Role.ADMIN:
        raise PermissionDenied("advisors offer their own time")
    if starts_at <= timezone.now():
        raise Conflict(_("Offer a time in the future."))
    if error := PLANNED.error(starts_at):  # the form says so first; the bench has no form
        raise Conflict(error)
    User.objects.select_for_update().filter(pk=advisor.pk).first()
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    nearby = DiagnosisSlot.objects.filter(
        advisor=advisor, starts_at__lt=ends_at, starts_at__gt=starts_at - timedelta(days=1)
    )
    for other in nearby:
        if other.ends_at > starts_at:
            raise Conflict(
                _("You already offer a time from %(start)s to %(end)s.")
                % {"start": _when(other.starts_at),
                   "end": timezone.localtime(other.ends_at).strftime("%H:%M")}
            )
    return DiagnosisSlot.objects.create(
        advisor=advisor, starts_at=starts_at, duration_minutes=duration_minutes, place=place
    )


@transaction.atomic
def remove_slot(slot: DiagnosisSlot, *, by: User) -> None:
    slot = DiagnosisSlot.objects.select_for_update().get(pk=slot.pk)
    if by.pk != slot.advisor_id and by.role != Role.ADMIN:
        raise PermissionDenied("not this advisor's slot")
    if slot.status != DiagnosisSlot.Status.FREE:
        raise Conflict(_("This time is booked: cancel the appointment first."))
    slot.delete()


@transaction.atomic
def book_slot(slot: DiagnosisSlot, *, journey: Journey, by: User) -> DiagnosisSlot:
    """Book a diagnosis. The journey row, then the slot row, are locked: one booking per
    journey and one journey per slot, whatever arrives at the same time."""
    _check_member_or_manager(journey, by)
    journey = lifecycle.lock(journey)
    if journey.state != Stage.DIAGNOSIS:
        raise Conflict(_("The diagnosis is booked after the information meeting."))
    if journey.diagnosis_held():
        raise Conflict(_("The diagnosis has already been held."))
    current = journey.diagnosis_slots.filter(status=DiagnosisSlot.Status.BOOKED).first()
    if current is not None:
        raise Conflict(
            _("You already have an appointment on %(when)s: cancel it to choose another time.")
            % {"when": _when(current.starts_at)}
        )
    slot = DiagnosisSlot.objects.select_for_update(of=("self",)).select_related(
        "advisor"
    ).get(pk=slot.pk)
    if slot.status != DiagnosisSlot.Status.FREE:
        raise Conflict(_("Someone has just booked this time. Please choose another one."))
    if not bookable_slots(journey).filter(pk=slot.pk).exists():
        raise Conflict(_("This time is no longer offered to you. Please choose another one."))
    lifecycle.run(slot, slot.book, None, journey=journey)
    lifecycle.save(slot, "journey", "booked_at")
    member = journey.member
    if member.advisor_id is None:
        # The advisor who holds the diagnosis follows the newcomer from now on.
        User.objects.filter(pk=member.pk).update(advisor=slot.advisor)
        member.advisor = slot.advisor
    _touch(journey)
    event = lifecycle.record(
        journey, EventKind.DIAGNOSIS_BOOKED, by=by,
        data={"slot": slot.pk, "at": slot.starts_at.isoformat(),
              "advisor": slot.advisor.get_full_name(), "also_notify": [slot.advisor_id]},
    )
    notify.event(event)
    return slot


@transaction.atomic
def cancel_booking(slot: DiagnosisSlot, *, by: User) -> DiagnosisSlot:
    slot = DiagnosisSlot.objects.select_for_update(of=("self",)).select_related(
        "journey__member__advisor"
    ).get(pk=slot.pk)
    if slot.journey is None:
        raise Conflict(_("This time is not booked."))
    if by.pk != slot.advisor_id:
        _check_member_or_manager(slot.journey, by)
    if slot.starts_at <= timezone.now():
        raise Conflict(_("This appointment has already started."))
    return _release_slot(slot, by=by)


@transaction.atomic
def hold_diagnosis(slot: DiagnosisSlot, *, by: User, summary: str) -> DiagnosisSlot:
    """The interview took place: the action plan is recorded, the CAPE can be signed."""
    slot = DiagnosisSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if slot.journey_id is None:
        raise Conflict(_("Nobody booked this time."))
    journey = lifecycle.lock(slot.journey)
    if by.pk != slot.advisor_id:
        _check_manager(journey, by)
    lifecycle.run(slot, slot.hold, None, summary=summary)
    lifecycle.save(slot, "held_at", "summary")
    lifecycle.run(journey, journey.record_diagnosis, None)
    lifecycle.save(journey)
    event = lifecycle.record(
        journey, EventKind.DIAGNOSIS_HELD, by=by, from_state=Stage.DIAGNOSIS, note=summary
    )
    notify.event(event)
    return slot
