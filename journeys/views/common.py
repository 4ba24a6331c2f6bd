"""What the journey pages share: fetching with permission, and the page context of a journey
(the visual timeline, tasks, contacts, links), built in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from coopdesk.accounts.models import User
from journeys.models import (
    PROGRESSION,
    STAGE_RANK,
    DiagnosisSlot,
    Journey,
    JourneyEvent,
    JourneyTask,
    Registration,
    Stage,
    StageLink,
    StageTemplate,
    TaskState,
)
from kb.models import Article

EVENTS_SHOWN = 30


def get_visible_journey(user: User, pk: int) -> Journey:
    queryset = Journey.objects.visible_to(user).select_related(
        "path", "member__advisor__backup_advisor", "member__mentor", "member__office"
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass
class TimelineStep:
    kind: str
    title: str
    description: str
    status: str  # done, current, next, skipped
    started: datetime | None = None
    ended: datetime | None = None
    links: list[StageLink] = field(default_factory=list)


def build_timeline(journey: Journey, stages: list[StageTemplate]) -> list[TimelineStep]:
    """The path as done / current / next, with the dates each stage was entered and left."""
    by_kind = {stage.kind: stage for stage in stages}
    kinds = list(PROGRESSION) + ([Stage.EXITED] if journey.state == Stage.EXITED else [])
    current_rank = STAGE_RANK[journey.state]
    steps = []
    for kind in kinds:
        stage = by_kind.get(kind)
        if stage is None and kind != journey.state:
            continue
        started = journey.entered_at(kind)
        later = [journey.entered_at(k) for k in kinds if STAGE_RANK[k] > STAGE_RANK[kind]]
        ended = min((moment for moment in later if moment), default=None)
        if kind == journey.state:
            status = "current"
        elif journey.state == Stage.EXITED:
            status = "done" if started else "skipped"
        elif STAGE_RANK[kind] < current_rank:
            status = "done" if started else "skipped"
        else:
            status = "next"
        steps.append(TimelineStep(
            kind=kind,
            title=stage.title if stage else Stage(kind).label,
            description=stage.description if stage else "",
            status=status, started=started, ended=ended,
            links=list(stage.links.all()) if stage else [],
        ))
    return steps


def journey_context(journey: Journey, viewer: User, *, for_member: bool = False) -> dict:
    today = timezone.localdate()
    stages = list(
        journey.path.stages.prefetch_related(Prefetch("links", queryset=StageLink.objects.all()))
    )
    timeline = build_timeline(journey, stages)
    tasks = list(
        journey.tasks.exclude(state=TaskState.DROPPED).select_related("team")
        .prefetch_related("team__opening_ranges")  # the contact card's hours, in words
    )
    open_tasks = [task for task in tasks if task.state == TaskState.OPEN]
    done_tasks = [task for task in tasks if task.state == TaskState.DONE]
    events = list(
        JourneyEvent.objects.filter(journey=journey).select_related("actor")
        .order_by("-created_at", "-pk")[:EVENTS_SHOWN // 2 if for_member else EVENTS_SHOWN]
    )
    member = journey.member
    advisor = member.advisor
    covering = advisor.backup_advisor if advisor and advisor.is_away() else None
    current = next((step for step in timeline if step.status == "current"), None)
    return {
        "journey": journey,
        "member": member,
        "today": today,
        "timeline": timeline,
        "current_step": current,
        "open_tasks": open_tasks,
        "done_tasks": done_tasks,
        "teams": {task.team for task in open_tasks if task.team},
        "events": events,
        "advisor": advisor,
        "covering": covering,
        "mentor": member.mentor,
        # Read only what the stage shows: a CAPE member has no meeting or appointment to see.
        "registration": upcoming_registration(journey) if journey.state == Stage.INFO_MEETING
        else None,
        "slot": journey_slot(journey) if journey.state == Stage.DIAGNOSIS or not for_member
        else None,
        "cycles": list(
            Journey.objects.filter(member=member).exclude(pk=journey.pk).select_related("path")
            .order_by("cycle")
        ) if journey.cycle > 1 or not journey.is_latest else [],
        "task_links": [task for task in open_tasks if task.href],
        "stage_articles": Article.objects.to_read_at_stage(
            viewer, journey.state, get_language()
        ) if for_member else [],
    }


def upcoming_registration(journey: Journey) -> Registration | None:
    return (
        journey.registrations.filter(
            status__in=Registration.ACTIVE, meeting__starts_at__gt=timezone.now()
        )
        .select_related("meeting")
        .first()
    )


def journey_slot(journey: Journey) -> DiagnosisSlot | None:
    """The diagnosis appointment to show: the booked one, else the last one held."""
    slots = journey.diagnosis_slots.exclude(status=DiagnosisSlot.Status.FREE).select_related(
        "advisor"
    )
    return slots.order_by("status", "-starts_at").first()


def visible_task(user: User, pk: int) -> JourneyTask:
    return get_object_or_404(
        JourneyTask.objects.visible_to(user).select_related("journey__member", "team"), pk=pk
    )
