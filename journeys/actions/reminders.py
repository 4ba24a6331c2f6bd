"""Reminders the worker sends: tasks due soon, CAPE contracts ending, meetings tomorrow.
Each goes out once, however many workers run and however often.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopdesk import notify
from coopdesk.accounts.models import User
from journeys.actions.base import _day, _when
from journeys.models import (
    CAPE_REMINDER_DAYS,
    TASK_REMINDER_DAYS,
    Assignee,
    InfoMeeting,
    Journey,
    JourneyTask,
    Registration,
    Reminder,
    Stage,
)


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
    return member.following_advisors()


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
            people = list(User.objects.in_team(task.team_id))
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
