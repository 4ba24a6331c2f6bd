"""What the ground floor needs from journeys, registered at start-up (apps.py): who hears
of a path's step or a reminder, how to name and word it, where its e-mail links, and the
demo loader."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from coopdesk import notify, outbox
from coopdesk.accounts.models import Role, User
from coopdesk.models import Delivery, NoticeKind
from coopdesk.notify import registry
from journeys.models import (
    EventKind,
    InfoMeeting,
    Journey,
    JourneyEvent,
    JourneyTask,
    Reminder,
    Stage,
    is_journey_staff,
)

# --- a path's steps ----------------------------------------------------------------------------


def journey_recipients(event: JourneyEvent) -> list[User]:
    """The member, the advisors following them (the backup covering an absence included),
    and anyone the action names (a new mentor, the advisor of a booked slot)."""
    member = event.journey.member
    return notify.active_users(
        {member.pk, *member.following_advisor_ids(), *event.data.get("also_notify", [])}
    )


def journey_names(journey: Journey) -> dict:
    return {
        "journey": journey.pk,
        "member": journey.member.get_full_name(),
        "member_id": journey.member_id,
        "stage": journey.state,
    }


def journey_data(event: JourneyEvent) -> dict:
    detail = {key: event.data[key] for key in ("task", "followup", "mentor") if event.data.get(key)}
    return registry.timeline_data(
        event, domain="journey", **journey_names(event.journey), detail=detail
    )


def task_name(data: dict) -> str:
    """A task's title as the reader reads it: a follow-up's stored title is a msgid, as for
    JourneyTask.label and the path's history."""
    return _(data["task"]) if data.get("followup") else data["task"]


def journey_label(data: dict, verb: str, recipient_id: int) -> str:
    text = str(EventKind(verb).label) if verb in EventKind.values else verb
    detail = data.get("detail") or {}
    if detail.get("task") or detail.get("mentor"):
        text = _("%(what)s: %(which)s") % {
            "what": text, "which": task_name(detail) if detail.get("task") else detail["mentor"]
        }
    return text


def journey_about(data: dict, recipient_id: int) -> str:
    stage = Stage(data["stage"]).label if data.get("stage") in Stage.values else ""
    if data.get("member_id") == recipient_id:
        path = _("Your path")
    else:
        path = _("Path of %(name)s") % {"name": data.get("member", "")}
    return f"{path} · {stage}" if stage else str(path)


# --- reminders ---------------------------------------------------------------------------------


def reminder_data(reminder: Reminder) -> dict:
    journey = reminder.journey or (reminder.task.journey if reminder.task else None)
    data = {"domain": "reminder", "kind": reminder.kind,
            **(journey_names(journey) if journey else {})}
    if reminder.task:
        data["task"] = reminder.task.title
        if reminder.task.is_followup:
            data["followup"] = True
    if reminder.meeting:
        data["meeting_at"] = reminder.meeting.starts_at.isoformat()
    return data


def reminder_label(data: dict, verb: str, recipient_id: int) -> str:
    kind = data.get("kind") or verb
    return str(Reminder.Kind(kind).label) if kind in Reminder.Kind.values else kind


def reminder_about(data: dict, recipient_id: int) -> str:
    if data.get("task"):
        return task_name(data)
    if data.get("meeting_at"):
        from django.utils import dateformat, timezone
        from django.utils.dateparse import parse_datetime

        moment = timezone.localtime(parse_datetime(data["meeting_at"]))
        return _("Information meeting of %(when)s") % {
            "when": dateformat.format(moment, _("F j, Y, H:i"))
        }
    if data.get("journey"):
        return journey_about(data, recipient_id)
    return ""


# --- where an e-mail links, by the app's own visibility rules -------------------------------


def journey_place(journey: Journey, user: User, event=None) -> dict:
    place = {"journey": journey, "group": ("journey", journey.pk)}
    is_event = isinstance(event, JourneyEvent)
    if Journey.objects.visible_to(user).filter(pk=journey.pk).exists():
        # Notes are shown on the page to those who see it.
        note = event.note if is_event else ""
        if journey.member_id == user.pk and journey.is_latest:
            return {**place, "note": note, "link": "my_path",
                    "url": reverse("journeys:journey-mine")}
        return {**place, "note": note, "link": "journey", "url": journey.get_absolute_url()}
    if journey.member.mentor_id == user.pk:  # told of a newcomer, not shown their path
        return {**place, "link": "mentees", "url": reverse("journeys:mentor-volunteer")}
    raise outbox.Undeliverable("The person may no longer see this path.")


def task_place(task: JourneyTask, user: User, event=None) -> dict:
    if not JourneyTask.objects.visible_to(user).filter(pk=task.pk).exists():
        raise outbox.Undeliverable("The person may no longer see this task.")
    if user.is_support_staff and task.team_id:  # a team's task: the team's list
        return {"task": task, "journey": task.journey, "group": ("journey", task.journey_id),
                "link": "team_tasks", "url": reverse("journeys:team-tasks")}
    return {**journey_place(task.journey, user), "task": task}


def meeting_place(meeting: InfoMeeting, user: User, event=None) -> dict:
    place = {"meeting": meeting, "group": ("meeting", meeting.pk)}
    if is_journey_staff(user):
        return {**place, "link": "meeting", "url": meeting.get_absolute_url()}
    # Members register, and see their registration, on their path's page.
    return {**place, "link": "my_path", "url": reverse("journeys:journey-mine")}


# --- registration ------------------------------------------------------------------------------


def register() -> None:
    registry.register_source(JourneyEvent, registry.timeline_source(
        notice_kind=NoticeKind.JOURNEY, owner="member",
        recipients=journey_recipients, data=journey_data,
    ))
    registry.register_wording("journey", registry.Wording(
        label=journey_label, about=journey_about
    ))
    registry.register_source(Reminder, registry.Source(
        notice_kind=lambda reminder: NoticeKind.REMINDER,
        recipients=lambda reminder: [reminder.recipient],
        data=reminder_data,
        target=lambda reminder: reminder.task or reminder.journey or reminder.meeting,
        sender=lambda reminder: reminder.recipient,
        verb=lambda reminder: reminder.kind,
        description=lambda reminder: reminder.message,
    ))
    registry.register_wording("reminder", registry.Wording(
        label=reminder_label, about=reminder_about
    ))
    registry.register_place(Journey, journey_place)
    registry.register_place(JourneyTask, task_place)
    registry.register_place(InfoMeeting, meeting_place)
    # A member's path and its reminders (a CAPE contract ending) cannot wait for them to
    # open Coopdesk: e-mail at once. A team's tasks due soon wait for the morning summary.
    registry.register_defaults(Role.MEMBER, {
        NoticeKind.JOURNEY: Delivery.EMAIL, NoticeKind.REMINDER: Delivery.EMAIL,
    })
    registry.register_defaults(Role.AGENT, {NoticeKind.REMINDER: Delivery.DIGEST})
    registry.register_concerned(NoticeKind.JOURNEY, {Role.MEMBER, Role.ADVISOR})


def load_demo(people) -> None:
    from journeys import demo

    demo.load(people)


def register_demo() -> None:
    registry.register_demo(load_demo, order=30)
