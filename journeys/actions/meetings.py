"""Information meetings: places and waiting list, attendance, and the public sign-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from journeys.actions.base import (
    _cancel_registration,
    _check_member_or_manager,
    _lock_meeting,
    _promote_waiting,
    _touch,
    _when,
)
from journeys.actions.stages import _advance, start_journey
from journeys.models import (
    EventKind,
    InfoMeeting,
    Journey,
    Registration,
    Stage,
    TaskState,
    is_journey_staff,
)


@transaction.atomic
def create_meeting(*, by: User, **fields) -> InfoMeeting:
    if not is_journey_staff(by):
        raise PermissionDenied("meetings are organised by staff")
    fields.setdefault("host", by)
    return InfoMeeting.objects.create(**fields)


@transaction.atomic
def fill_freed_places(meeting: InfoMeeting, *, by: User) -> int:
    """After the capacity was raised (in the settings), the waiting list moves up."""
    if not is_journey_staff(by):
        raise PermissionDenied("meetings are organised by staff")
    meeting = _lock_meeting(meeting)
    if meeting.starts_at <= timezone.now():
        return 0
    taken = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
    return _promote_waiting(meeting, places=meeting.capacity - taken)


@transaction.atomic
def register_for_meeting(meeting: InfoMeeting, *, journey: Journey, by: User) -> Registration:
    """A place if one is left (the meeting row is locked while counting), else the waiting
    list."""
    _check_member_or_manager(journey, by)
    meeting = _lock_meeting(meeting)
    now = timezone.now()
    if meeting.starts_at <= now:
        raise Conflict(_("This meeting has already started: choose a later one."))
    journey = lifecycle.lock(journey)
    if not journey.is_open:
        raise Conflict(_("This path has ended: the advisor can start a new cycle."))
    current = (
        journey.registrations.filter(status__in=Registration.ACTIVE, meeting__starts_at__gt=now)
        .select_related("meeting")
        .first()
    )
    if current is not None:
        if current.meeting_id == meeting.pk:
            raise Conflict(_("You are already registered for this meeting."))
        raise Conflict(
            _("You are already registered for the meeting of %(when)s: cancel it first.")
            % {"when": _when(current.meeting.starts_at)}
        )
    taken = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
    status = (
        Registration.Status.REGISTERED if taken < meeting.capacity else Registration.Status.WAITING
    )
    registration = Registration.objects.create(meeting=meeting, journey=journey, status=status)
    # What the meeting's stage asks of her ("note your questions") is due by the meeting.
    journey.tasks.filter(
        stage=Stage.INFO_MEETING, state=TaskState.OPEN,
        due_date__gt=timezone.localdate(meeting.starts_at),
    ).update(due_date=timezone.localdate(meeting.starts_at))
    kind = EventKind.REGISTERED if status == Registration.Status.REGISTERED else (
        EventKind.WAITLISTED
    )
    _touch(journey)
    event = lifecycle.record(
        journey, kind, by=by, data={"meeting": meeting.pk, "at": meeting.starts_at.isoformat()}
    )
    notify.event(event)
    return registration


@transaction.atomic
def cancel_registration(registration: Registration, *, by: User) -> Registration:
    journey = registration.journey
    meeting = _lock_meeting(registration.meeting)
    if not (is_journey_staff(by) or journey.member_id == by.pk):
        raise PermissionDenied("not this person's registration")
    if meeting.starts_at <= timezone.now():
        raise Conflict(_("The meeting has already started."))
    registration = Registration.objects.select_related("journey__member").get(pk=registration.pk)
    registration.meeting = meeting
    return _cancel_registration(registration, by=by)


@transaction.atomic
def mark_attendance(meeting: InfoMeeting, *, by: User, present: Iterable[int]) -> dict[str, int]:
    """Staff take the roll: attendees move on to the diagnosis, the others are marked absent."""
    if not is_journey_staff(by):
        raise PermissionDenied("attendance is taken by staff")
    meeting = _lock_meeting(meeting)
    if not meeting.attendance_open():
        raise Conflict(_("Attendance can be taken from 30 minutes before the meeting."))
    present = set(present)
    counts = {"attended": 0, "absent": 0, "advanced": 0}
    registrations = meeting.registrations.select_for_update(of=("self",)).exclude(
        status=Registration.Status.CANCELLED
    ).select_related("journey")
    for registration in registrations:
        status = registration.status
        if registration.pk in present and status != Registration.Status.ATTENDED:
            lifecycle.run(registration, registration.attend, None)
            kind = EventKind.ATTENDED
        elif registration.pk not in present and status == Registration.Status.WAITING:
            continue
        elif registration.pk not in present and status != Registration.Status.ABSENT:
            lifecycle.run(registration, registration.miss, None)
            kind = EventKind.ABSENT
        else:
            continue
        lifecycle.save(registration)
        journey = lifecycle.lock(registration.journey)
        event = lifecycle.record(journey, kind, by=by, data={"meeting": meeting.pk})
        notify.event(event)
        counts["attended" if kind == EventKind.ATTENDED else "absent"] += 1
        if kind == EventKind.ATTENDED and journey.state == Stage.INFO_MEETING:
            _advance(journey, by=by, check_permission=False)
            counts["advanced"] += 1
    return counts


@transaction.atomic
def sign_up_prospect(
    *, meeting: InfoMeeting, first_name: str, last_name: str, email: str, password: str,
    phone: str = "", sector: str = "", language: str = settings.LANGUAGE_CODE,
) -> Registration | None:
    """The public form: a new account, its path and a place at the meeting.

    The account cannot log in before its owner follows the link e-mailed to the address
    (an unverified allauth EmailAddress; see coopdesk.accounts.addresses), so nobody can sign
    up with someone else's address. An address that already has an account gets nothing
    created or changed (no account takeover) and the same answer as a new one, in the same
    time: a password is hashed and one e-mail sent either way, that one telling the owner
    they already have an account. The new account speaks the language of the page she
    signed up on: its e-mails, starting with the confirmation, are written in it."""
    meeting = _lock_meeting(meeting)
    if meeting.starts_at <= timezone.now():
        raise Conflict(_("This meeting has already started: choose a later one."))
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # the work a new account costs, so that timing tells nothing
        _tell_existing_account(existing)
        return None
    try:
        with transaction.atomic():
            member = User.objects.create_user(
                email, password, first_name=first_name.strip(), last_name=last_name.strip(),
                phone=phone.strip(), sector=sector, role=Role.MEMBER, office=meeting.office,
                language=language,
            )
            address = EmailAddress.objects.get(user=member)
            address.verified = False  # until she follows the link e-mailed to it
            address.save(update_fields=["verified"])
    except IntegrityError:  # the same address, signed up at the same instant
        return None
    journey = start_journey(member=member, by=member)
    registration = register_for_meeting(meeting, journey=journey, by=member)
    # The first stage's tasks prepare the meeting: due the day before it, not after.
    latest = max(timezone.localdate(meeting.starts_at) - timedelta(days=1), timezone.localdate())
    journey.tasks.filter(stage=Stage.INFO_MEETING, due_date__gt=latest).update(due_date=latest)
    # Written last, in the request (allauth builds the link from it), as for a known address;
    # the worker sends it once this commits.
    _send_verification(address)
    return registration


def _send_verification(address: EmailAddress) -> None:
    with translation.override(address.user.language):
        address.send_confirmation(signup=True)


def _tell_existing_account(user: User) -> None:
    with translation.override(user.language):
        get_adapter().send_account_already_exists_mail(user.email)
