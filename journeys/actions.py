"""Every change to a journey, its tasks, meeting registrations and diagnosis slots goes
through one of these functions.

Each one locks the row, checks the caller may do it and that nobody changed the journey since
the caller's form was shown (`expected_version`), runs the model transition, saves, writes the
timeline event and hands it to coopdesk.notify. Views, admin actions and the worker call
these; nothing else writes a journey's stage or a task's state.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from coopdesk import notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from helpdesk.actions import validate_upload
from journeys.models import (
    CAPE_REMINDER_DAYS,
    FOLLOWUP_EVERY_DAYS,
    REENTRY_STAGES,
    TASK_REMINDER_DAYS,
    Assignee,
    DiagnosisSlot,
    EventKind,
    InfoMeeting,
    Journey,
    JourneyEvent,
    JourneyTask,
    MentorOffer,
    PathTemplate,
    Registration,
    Reminder,
    Stage,
    TaskState,
    can_manage_journey,
    cape_period_error,
    entered_field,
    is_journey_staff,
)

FOLLOWUP_TITLE = "Yearly follow-up meeting"  # a msgid: JourneyTask.label translates it

# --- helpers ----------------------------------------------------------------------------------


def _lock(journey: Journey, expected_version: int | None = None) -> Journey:
    """Re-read the journey under a row lock and refuse a stale form."""
    locked = (
        Journey.objects.select_for_update(of=("self",))
        .select_related("path", "member__advisor")
        .get(pk=journey.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "This path was changed by someone else while you were on the page (it is now "
                "at “%(stage)s”). Nothing was saved: reload the page and try again."
            )
            % {"stage": locked.get_state_display()}
        )
    return locked


REFUSALS = {
    "sign_cape": lambda j: _("The diagnosis has not been held yet: record it before the CAPE.")
    if j.state == Stage.DIAGNOSIS
    else None,
}


def _run(obj, transition, actor: User | None, /, **kwargs):
    """Run a model transition; a state that does not allow it is a 409, a person who may not
    do it is a 403."""
    if not can_proceed(transition):
        special = REFUSALS.get(transition.__name__, lambda _obj: None)(obj)
        if special:
            raise Conflict(special)
        if isinstance(obj, Journey):
            raise Conflict(
                _("This step is not possible while the path is at “%(stage)s”.")
                % {"stage": obj.get_state_display()}
            )
        raise Conflict(_("This is not possible any more: reload the page to see what changed."))
    if actor is not None and not has_transition_perm(transition, actor):
        raise PermissionDenied(f"{actor} may not {transition.__name__}")
    return transition(**kwargs)


def _save(journey: Journey, at: datetime | None = None) -> None:
    journey.version += 1
    journey.updated_at = at or timezone.now()
    journey.save()


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
    notify.journey_event(event)
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


# --- starting, re-entering ------------------------------------------------------------------


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
    _record(journey, EventKind.STARTED, by=by or member, data={"path": path.name})
    return journey


@transaction.atomic
def reenter_journey(
    journey: Journey, *, by: User, stage: str = Stage.DIAGNOSIS, path: PathTemplate | None = None
) -> Journey:
    """A member who left comes back: a new cycle starts, the earlier one is kept as it was."""
    old = _lock(journey)
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
    _record(
        new, EventKind.REENTERED, by=by,
        data={"previous_cycle": old.cycle, "previous": old.pk, "path": path.name},
    )
    return new


# --- stages ------------------------------------------------------------------------------------


@transaction.atomic
def advance_journey(
    journey: Journey, *, by: User, note: str = "", expected_version: int | None = None
) -> Journey:
    """From the information meeting to the diagnosis."""
    journey = _lock(journey, expected_version)
    _advance(journey, by=by, check_permission=True, note=note)
    return journey


def _advance(journey: Journey, *, by: User | None, check_permission: bool, note: str = "") -> None:
    before = journey.state
    _run(journey, journey.advance, by if check_permission else None)
    _save(journey)
    _create_stage_tasks(journey, journey.state, timezone.localdate())
    _record(journey, EventKind.ADVANCED, by=by, from_state=before, note=note)


@transaction.atomic
def sign_cape(
    journey: Journey, *, by: User, start: date, end: date, expected_version: int | None = None
) -> Journey:
    """The CAPE (1 to 6 months) is signed: the tasks it triggers are created."""
    error = cape_period_error(start, end)
    if error:
        raise ValidationError(error)
    journey = _lock(journey, expected_version)
    before = journey.state
    _run(journey, journey.sign_cape, by, start=start, end=end)
    _save(journey)
    tasks = _create_stage_tasks(journey, Stage.CAPE, start)
    _record(
        journey, EventKind.CAPE_SIGNED, by=by, from_state=before,
        data={"start": start.isoformat(), "end": end.isoformat(), "tasks": len(tasks)},
    )
    return journey


@transaction.atomic
def renew_cape(
    journey: Journey, *, by: User, end: date, expected_version: int | None = None
) -> Journey:
    """A renewal adds one to six months after the current end."""
    journey = _lock(journey, expected_version)
    if not can_proceed(journey.renew_cape):
        _run(journey, journey.renew_cape, by, end=end)  # raises the plain 409
    previous_end = journey.cape_end
    error = cape_period_error(previous_end + timedelta(days=1), end)
    if error:
        raise ValidationError(error)
    _run(journey, journey.renew_cape, by, end=end)
    _save(journey)
    _record(
        journey, EventKind.CAPE_RENEWED, by=by, from_state=Stage.CAPE,
        data={"previous_end": previous_end.isoformat(), "end": end.isoformat()},
    )
    return journey


@transaction.atomic
def sign_salaried_contract(
    journey: Journey, *, by: User, start: date, expected_version: int | None = None
) -> Journey:
    journey = _lock(journey, expected_version)
    before = journey.state
    _run(journey, journey.sign_salaried_contract, by, start=start)
    _save(journey)
    _create_stage_tasks(journey, Stage.SALARIED, start)
    _schedule_followup(journey, start)
    _record(journey, EventKind.SALARIED, by=by, from_state=before,
            data={"start": start.isoformat()})
    return journey


@transaction.atomic
def grant_membership(
    journey: Journey, *, by: User, on: date, expected_version: int | None = None
) -> Journey:
    journey = _lock(journey, expected_version)
    before = journey.state
    _run(journey, journey.grant_membership, by, on=on)
    _save(journey)
    _create_stage_tasks(journey, Stage.ASSOCIATE, on)
    _schedule_followup(journey, on)
    _record(journey, EventKind.MEMBERSHIP, by=by, from_state=before, data={"on": on.isoformat()})
    return journey


@transaction.atomic
def exit_journey(
    journey: Journey, *, by: User, reason: str, note: str = "",
    expected_version: int | None = None,
) -> Journey:
    """Leaving, from any stage: open tasks are dropped, bookings freed, exit tasks created."""
    journey = _lock(journey, expected_version)
    before = journey.state
    _run(journey, journey.leave, by, reason=reason, note=note)
    _save(journey)
    for task in journey.tasks.select_for_update().filter(state=TaskState.OPEN):
        task.drop()
        task.save()
    now = timezone.now()
    for registration in journey.registrations.filter(
        status__in=Registration.ACTIVE, meeting__starts_at__gt=now
    ).select_related("meeting"):
        _cancel_registration(registration, by=by)
    for slot in journey.diagnosis_slots.filter(status=DiagnosisSlot.Status.BOOKED):
        _release_slot(slot, by=by)
    _create_stage_tasks(journey, Stage.EXITED, timezone.localdate(now))
    _record(
        journey, EventKind.EXITED, by=by, from_state=before, note=note,
        data={"reason": reason},
    )
    return journey


@transaction.atomic
def switch_path(
    journey: Journey, *, by: User, path: PathTemplate, note: str = "",
    expected_version: int | None = None,
) -> Journey:
    """Re-personalise: follow another path from the same stage, keeping what is done."""
    journey = _lock(journey, expected_version)
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
    _run(journey, journey.switch_path, by, path=path)
    wanted = set(stage.tasks.filter(is_active=True).values_list("key", flat=True))
    dropped = 0
    for task in journey.tasks.select_for_update().filter(
        state=TaskState.OPEN, stage=journey.state, is_followup=False
    ):
        if task.key not in wanted:
            task.drop()
            task.save()
            dropped += 1
    _save(journey)
    added = _create_stage_tasks(journey, journey.state, stage_start(journey, journey.state))
    _record(
        journey, EventKind.PATH_SWITCHED, by=by, from_state=journey.state, note=note,
        data={"from": before.name, "to": path.name, "added": len(added), "dropped": dropped},
    )
    return journey


@transaction.atomic
def request_adaptation(journey: Journey, *, by: User, message: str) -> Journey:
    """The member asks for their path to be adapted (their activity changed)."""
    journey = _lock(journey)
    if journey.member_id != by.pk:
        raise PermissionDenied("only the member asks for their path to be adapted")
    if not journey.is_open:
        raise Conflict(_("Your path has ended: contact your advisor to start again."))
    if not message.strip():
        raise ValidationError(_("Tell your advisor what changed."))
    journey.adaptation_requested_at, journey.adaptation_note = timezone.now(), message
    journey.updated_at = journey.adaptation_requested_at
    journey.save(update_fields=["adaptation_requested_at", "adaptation_note", "updated_at"])
    _record(journey, EventKind.ADAPTATION_ASKED, by=by, note=message)
    return journey


# --- tasks -------------------------------------------------------------------------------------


def _task_data(task: JourneyTask) -> dict:
    return {"task": task.title, "task_id": task.pk, "followup": task.is_followup}


def _lock_task(task: JourneyTask) -> JourneyTask:
    return (
        JourneyTask.objects.select_for_update(of=("self",))
        .select_related("journey__member__advisor", "team")
        .get(pk=task.pk)
    )


@transaction.atomic
def complete_task(
    task: JourneyTask, *, by: User, document: UploadedFile | None = None
) -> JourneyTask:
    task = _lock_task(task)
    if not can_proceed(task.complete):
        raise Conflict(_("This task is already done or no longer needed."))
    if task.required_document and not (document or task.document):
        raise ValidationError(
            _("Send “%(document)s” to complete this task.") % {"document": task.required_document}
        )
    _run(task, task.complete, by, by=by)
    if document is not None:
        validate_upload(document)
        task.document_token = secrets.token_hex(16)
        task.document_name = Path(document.name).name[:200]
        task.document.save(document.name, document, save=False)
    task.save()
    journey = task.journey
    if task.is_followup:
        _schedule_followup(journey, timezone.localdate())
    _touch(journey)
    _record(journey, EventKind.TASK_DONE, by=by, data=_task_data(task))
    return task


@transaction.atomic
def reopen_task(task: JourneyTask, *, by: User) -> JourneyTask:
    task = _lock_task(task)
    _run(task, task.reopen, by)
    task.save()
    _touch(task.journey)
    _record(task.journey, EventKind.TASK_REOPENED, by=by, data=_task_data(task))
    return task


# --- mentors -----------------------------------------------------------------------------------


@transaction.atomic
def volunteer_as_mentor(
    *, member: User, is_active: bool, note: str = "", max_mentees: int = 3
) -> MentorOffer:
    if member.role != Role.MEMBER:
        raise PermissionDenied("mentors are members")
    offer, _created = MentorOffer.objects.update_or_create(
        member=member,
        defaults={"is_active": is_active, "note": note, "max_mentees": max_mentees},
    )
    return offer


def mentor_candidates(member: User):
    """Volunteers with room left, those of the member's sector and office first."""
    from django.db.models import Case, Count, F, IntegerField, Q, Value, When

    return (
        User.objects.filter(mentor_offer__is_active=True, is_active=True, role=Role.MEMBER)
        .exclude(pk=member.pk)
        .annotate(mentee_count=Count("mentees", distinct=True))
        .filter(mentee_count__lt=F("mentor_offer__max_mentees"))
        .annotate(
            match=Case(When(Q(sector=member.sector) & ~Q(sector=""), then=Value(2)),
                       default=Value(0), output_field=IntegerField())
            + Case(When(office_id=member.office_id, then=Value(1)), default=Value(0),
                   output_field=IntegerField())
        )
        .select_related("mentor_offer", "office")
        .order_by("-match", "first_name", "last_name")
    )


@transaction.atomic
def assign_mentor(journey: Journey, *, by: User, mentor: User) -> Journey:
    """The advisor pairs the member with a volunteer; both are told."""
    journey = _lock(journey)
    _check_manager(journey, by)
    if not journey.is_open:
        raise Conflict(_("This path has ended."))
    member = User.objects.select_for_update().get(pk=journey.member_id)
    if mentor.pk == member.pk:
        raise Conflict(_("A member cannot be their own mentor."))
    if member.mentor_id == mentor.pk:
        raise Conflict(_("%(name)s is already the mentor.") % {"name": mentor.first_name})
    offer = MentorOffer.objects.select_for_update().filter(member=mentor, is_active=True).first()
    if offer is None or not mentor.is_active or mentor.role != Role.MEMBER:
        raise Conflict(
            _("%(name)s is not available as a mentor.") % {"name": mentor.get_full_name()}
        )
    if User.objects.filter(mentor=mentor).count() >= offer.max_mentees:
        raise Conflict(
            _("%(name)s already welcomes %(n)d newcomers, the most they offered.")
            % {"name": mentor.first_name, "n": offer.max_mentees}
        )
    member.mentor = mentor
    member.save(update_fields=["mentor"])
    journey.member = member
    _touch(journey)
    _record(
        journey, EventKind.MENTOR_ASSIGNED, by=by,
        data={"mentor": mentor.get_full_name(), "mentor_id": mentor.pk,
              "also_notify": [mentor.pk]},
    )
    return journey


# --- information meetings --------------------------------------------------------------------


@transaction.atomic
def create_meeting(*, by: User, **fields) -> InfoMeeting:
    if not is_journey_staff(by):
        raise PermissionDenied("meetings are organised by staff")
    fields.setdefault("host", by)
    return InfoMeeting.objects.create(**fields)


def _lock_meeting(meeting: InfoMeeting) -> InfoMeeting:
    return InfoMeeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def register_for_meeting(meeting: InfoMeeting, *, journey: Journey, by: User) -> Registration:
    """A place if one is left (the meeting row is locked while counting), else the waiting
    list."""
    _check_member_or_manager(journey, by)
    meeting = _lock_meeting(meeting)
    now = timezone.now()
    if meeting.starts_at <= now:
        raise Conflict(_("This meeting has already started: choose a later one."))
    journey = _lock(journey)
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
    kind = EventKind.REGISTERED if status == Registration.Status.REGISTERED else (
        EventKind.WAITLISTED
    )
    _touch(journey)
    _record(journey, kind, by=by, data={"meeting": meeting.pk, "at": meeting.starts_at.isoformat()})
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
        waiting = (
            meeting.registrations.select_for_update(of=("self",))
            .filter(status=Registration.Status.WAITING)
            .select_related("journey__member__advisor")
            .order_by("created_at", "pk")
            .first()
        )
        if waiting is not None:
            waiting.promote()
            waiting.updated_at = timezone.now()
            waiting.save()
            _record(waiting.journey, EventKind.PROMOTED, by=None,
                    data={"meeting": meeting.pk, "at": meeting.starts_at.isoformat()})
    return registration


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
            registration.attend()
            kind = EventKind.ATTENDED
        elif registration.pk not in present and status == Registration.Status.WAITING:
            continue
        elif registration.pk not in present and status != Registration.Status.ABSENT:
            registration.miss()
            kind = EventKind.ABSENT
        else:
            continue
        registration.updated_at = timezone.now()
        registration.save()
        journey = _lock(registration.journey)
        _record(journey, kind, by=by, data={"meeting": meeting.pk})
        counts["attended" if kind == EventKind.ATTENDED else "absent"] += 1
        if kind == EventKind.ATTENDED and journey.state == Stage.INFO_MEETING:
            _advance(journey, by=by, check_permission=False)
            counts["advanced"] += 1
    return counts


@transaction.atomic
def sign_up_prospect(
    *, meeting: InfoMeeting, first_name: str, last_name: str, email: str, password: str,
    phone: str = "", sector: str = "",
) -> Registration | None:
    """The public form: a new account, its path and a place at the meeting.

    An e-mail that already has an account gets nothing created or changed (no account
    takeover) and the same answer as a new one (no way to probe who is a member): the owner
    is told in Coopdesk, and registers after logging in."""
    meeting = _lock_meeting(meeting)
    if meeting.starts_at <= timezone.now():
        raise Conflict(_("This meeting has already started: choose a later one."))
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _tell_existing_account(existing, meeting)
        return None
    try:
        with transaction.atomic():
            member = User.objects.create_user(
                email, password, first_name=first_name.strip(), last_name=last_name.strip(),
                phone=phone.strip(), sector=sector, role=Role.MEMBER, office=meeting.office,
            )
    except IntegrityError:  # the same address, signed up at the same instant
        return None
    journey = start_journey(member=member, by=member)
    return register_for_meeting(meeting, journey=journey, by=member)


def _tell_existing_account(user: User, meeting: InfoMeeting) -> None:
    with translation.override(user.language):
        message = _(
            "Someone signed up with your e-mail address for the information meeting of "
            "%(when)s. If it was you, log in and register from “My path”; otherwise you can "
            "ignore this message: nothing was changed."
        ) % {"when": _when(meeting.starts_at)}
    notify.notice(user, verb="signup_existing_account", description=message, target=meeting)


# --- diagnosis appointments -------------------------------------------------------------------


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
    journey = _lock(journey)
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
    slot.book(journey=journey)
    slot.save()
    member = journey.member
    if member.advisor_id is None:
        # The advisor who holds the diagnosis follows the newcomer from now on.
        User.objects.filter(pk=member.pk).update(advisor=slot.advisor)
        member.advisor = slot.advisor
    _touch(journey)
    _record(
        journey, EventKind.DIAGNOSIS_BOOKED, by=by,
        data={"slot": slot.pk, "at": slot.starts_at.isoformat(),
              "advisor": slot.advisor.get_full_name(), "also_notify": [slot.advisor_id]},
    )
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


def _release_slot(slot: DiagnosisSlot, *, by: User | None) -> DiagnosisSlot:
    journey = slot.journey
    _run(slot, slot.release, None)
    slot.save()
    _record(journey, EventKind.DIAGNOSIS_CANCELLED, by=by,
            data={"at": slot.starts_at.isoformat(), "also_notify": [slot.advisor_id]})
    return slot


@transaction.atomic
def hold_diagnosis(slot: DiagnosisSlot, *, by: User, summary: str) -> DiagnosisSlot:
    """The interview took place: the action plan is recorded, the CAPE can be signed."""
    slot = DiagnosisSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    if slot.journey_id is None:
        raise Conflict(_("Nobody booked this time."))
    journey = _lock(slot.journey)
    if by.pk != slot.advisor_id:
        _check_manager(journey, by)
    _run(slot, slot.hold, None, summary=summary)
    slot.save()
    _run(journey, journey.record_diagnosis, None)
    _save(journey)
    _record(journey, EventKind.DIAGNOSIS_HELD, by=by, from_state=Stage.DIAGNOSIS, note=summary)
    return slot


# --- reminders (the worker runs these; each reminder goes out once) ---------------------------


def _send_once(
    *, key: str, kind: str, recipient: User, message: str, journey: Journey | None = None,
    task: JourneyTask | None = None, meeting: InfoMeeting | None = None,
) -> bool:
    """Record the reminder and notify in one transaction. The unique (key, recipient) makes a
    second attempt, from this worker or another, fail before anything is sent."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key, kind=kind, recipient=recipient, message=message[:300],
                journey=journey, task=task, meeting=meeting,
            )
            notify.reminder(reminder)
    except IntegrityError:
        return False
    return True


def _already_sent(kind: str, since: datetime) -> set[tuple[str, int]]:
    return set(
        Reminder.objects.filter(kind=kind, sent_at__gte=since).values_list("key", "recipient_id")
    )


def _advisors_of(member: User) -> list[User]:
    advisor = member.advisor
    if advisor is None:
        return []
    people = [advisor]
    if advisor.backup_advisor_id and advisor.is_away():
        people.append(advisor.backup_advisor)
    return people


def send_task_reminders(now: datetime | None = None) -> int:
    """Tasks due within TASK_REMINDER_DAYS, to whoever does them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    tasks = (
        JourneyTask.objects.open()
        .filter(due_date__gte=today, due_date__lte=today + timedelta(days=TASK_REMINDER_DAYS))
        .exclude(Exists(Reminder.objects.filter(task=OuterRef("pk"),
                                                kind=Reminder.Kind.TASK_DUE)))
        .select_related("journey__member__advisor__backup_advisor", "team")
    )
    for task in tasks:
        member = task.journey.member
        if task.assignee == Assignee.MEMBER:
            people = [member]
        elif task.assignee == Assignee.TEAM and task.team is not None:
            people = list(task.team.agents.filter(is_active=True))
        else:
            people = _advisors_of(member)
        for person in people:
            if not person.is_active:
                continue
            with translation.override(person.language):
                if person.pk == member.pk:
                    message = _("Reminder: “%(task)s” is due on %(day)s.")
                else:
                    message = _("Reminder: “%(task)s” for %(member)s is due on %(day)s.")
                message %= {"task": task.label, "day": _day(task.due_date),
                            "member": member.get_full_name()}
            sent += _send_once(
                key=f"task_due:{task.pk}:{task.due_date.isoformat()}",
                kind=Reminder.Kind.TASK_DUE, recipient=person, message=message,
                journey=task.journey, task=task,
            )
    return sent


def send_cape_reminders(now: datetime | None = None) -> int:
    """CAPE contracts ending in 30 and in 7 days, to the member and to the advisor."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    already = _already_sent(Reminder.Kind.CAPE_ENDING, now - timedelta(days=400))
    sent = 0
    thresholds = sorted(CAPE_REMINDER_DAYS)  # 7, 30
    for index, days in enumerate(thresholds):
        # Each window starts where the shorter one ends: a contract 20 days from its end
        # gets the 30-day reminder, one 5 days from it the 7-day one.
        lower = today + timedelta(days=thresholds[index - 1] + 1) if index else today
        journeys = Journey.objects.filter(
            state=Stage.CAPE, cape_end__gte=lower, cape_end__lte=today + timedelta(days=days)
        ).select_related("member__advisor__backup_advisor")
        for journey in journeys:
            key = f"cape_ending:{days}:{journey.pk}:{journey.cape_end.isoformat()}"
            member = journey.member
            for person in [member, *_advisors_of(member)]:
                if (key, person.pk) in already or not person.is_active:
                    continue
                with translation.override(person.language):
                    message = _(
                        "The CAPE contract of %(member)s ends on %(day)s (in %(n)d days): "
                        "time to decide on a renewal or the salaried contract."
                    ) % {"member": member.get_full_name(), "day": _day(journey.cape_end),
                         "n": (journey.cape_end - today).days}
                sent += _send_once(key=key, kind=Reminder.Kind.CAPE_ENDING, recipient=person,
                                   message=message, journey=journey)
    return sent


def send_meeting_reminders(now: datetime | None = None) -> int:
    """The day before an information meeting, to the registered people and the host."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    already = _already_sent(Reminder.Kind.MEETING_TOMORROW, now - timedelta(days=3))
    sent = 0
    meetings = InfoMeeting.objects.filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    ).select_related("host")
    for meeting in meetings:
        key = f"meeting_tomorrow:{meeting.pk}:{tomorrow.isoformat()}"
        people = [
            registration.journey.member
            for registration in meeting.registrations.filter(
                status=Registration.Status.REGISTERED
            ).select_related("journey__member")
        ]
        if meeting.host is not None:
            people.append(meeting.host)
        for person in people:
            if (key, person.pk) in already or not person.is_active:
                continue
            with translation.override(person.language):
                message = _("Reminder: the information meeting is tomorrow, %(when)s, %(where)s.")
                message %= {"when": _when(meeting.starts_at),
                            "where": meeting.place or meeting.video_url}
            sent += _send_once(key=key, kind=Reminder.Kind.MEETING_TOMORROW, recipient=person,
                               message=message, meeting=meeting)
    return sent

