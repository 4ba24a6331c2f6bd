"""The advisor's dashboard and the cooperative view: counts and short lists over many
journeys, in a fixed number of queries whatever the number of members."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coopdesk.accounts.models import Role, User
from journeys.models import (
    PROGRESSION,
    DiagnosisSlot,
    ExitReason,
    InfoMeeting,
    Journey,
    JourneyTask,
    Stage,
    covered_advisors,
    entered_field,
)
from journeys.views.staff import require_advisor

PAGE_SIZE = 25
LISTED = 8  # rows per dashboard card; the card says how many there are in all

# What the dashboard's lists show: reading only these keeps the rows cheap.
LISTED_FIELDS = ("state", "cape_end", "cape_renewals", "adaptation_requested_at",
                 "adaptation_note", *(entered_field(kind) for kind in Stage),
                 "member__first_name", "member__last_name", "member__advisor_id")
TASK_FIELDS = ("title", "due_date", "is_followup", "state", "journey__state",
               "journey__member__first_name", "journey__member__last_name", "team__name")


class Followed(NamedTuple):
    pk: int
    state: str
    cape_start: date | None
    cape_end: date | None
    adaptation_requested_at: datetime | None
    first_name: str
    last_name: str
    mentor_id: int | None


def followed_journeys(advisor_ids: list[int]) -> list[Followed]:
    """The latest journey of every member these advisors follow, as small rows.

    Two indexed reads (members by advisor, then journeys by member) rather than one join:
    PostgreSQL answers the join by scanning every journey, the ids by index."""
    members = {
        pk: (first, last, mentor)
        for pk, first, last, mentor in User.objects.filter(advisor_id__in=advisor_ids)
        .order_by().values_list("pk", "first_name", "last_name", "mentor_id")
    }
    journeys = Journey.objects.filter(is_latest=True, member_id__in=list(members)).order_by()
    return [
        Followed(pk, state, cape_start, cape_end, asked, *members[member_id])
        for pk, member_id, state, cape_start, cape_end, asked in journeys.values_list(
            "pk", "member_id", "state", "cape_start", "cape_end", "adaptation_requested_at")
    ] if members else []


@login_required
def advisor_dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_advisor(user)
    covered = list(covered_advisors(user).only("first_name", "last_name", "away_until"))
    ids = [user.pk, *(advisor.pk for advisor in covered)]
    stage = request.GET.get("stage") or Stage.CAPE
    if stage not in Stage.values:
        stage = Stage.CAPE
    context = dashboard_context(ids, stage, request.GET.get("page"))
    context.update(covered=covered, stage=stage, querystring=f"stage={stage}")
    return render(request, "journeys/advisor_dashboard.html", context)


def dashboard_context(ids: list[int], stage: str, page_number: str | None) -> dict:
    """The lists are picked in Python from the followed rows; only the rows shown are then
    read in full, in one query per kind of object."""
    today = timezone.localdate()
    soon = today + timedelta(days=30)
    rows = followed_journeys(ids)
    cape_ending = sorted((r for r in rows if r.state == Stage.CAPE and r.cape_end
                          and r.cape_end <= soon), key=lambda r: r.cape_end)
    no_mentor = sorted((r for r in rows if r.state in (Stage.CAPE, Stage.SALARIED)
                        and r.mentor_id is None), key=lambda r: (r.cape_start or today, r.pk))
    adaptations = sorted((r for r in rows if r.adaptation_requested_at),
                         key=lambda r: r.adaptation_requested_at)
    at_stage = sorted((r for r in rows if r.state == stage),
                      key=lambda r: (r.first_name.lower(), r.last_name, r.pk))
    page = Paginator(at_stage, PAGE_SIZE).get_page(page_number)
    shown = {r.pk for r in [*cape_ending[:LISTED], *no_mentor[:LISTED], *adaptations[:LISTED],
                            *page]}
    journeys = Journey.objects.select_related("member").only(*LISTED_FIELDS).in_bulk(shown)
    counts = Counter(row.state for row in rows)
    return {
        "stages": [(kind, kind.label, counts.get(kind.value, 0)) for kind in Stage],
        "total": len(rows),
        **task_lists([r.pk for r in rows], today, soon),
        "cape_ending": [journeys[r.pk] for r in cape_ending[:LISTED]],
        "cape_ending_count": len(cape_ending),
        "no_mentor": [journeys[r.pk] for r in no_mentor[:LISTED]],
        "no_mentor_count": len(no_mentor),
        "adaptations": [journeys[r.pk] for r in adaptations[:LISTED]],
        "adaptations_count": len(adaptations),
        "appointments": DiagnosisSlot.objects.filter(
            advisor_id__in=ids, status=DiagnosisSlot.Status.BOOKED
        ).select_related("journey__member", "advisor").only(
            "starts_at", "status", "advisor_id", "advisor__first_name", "journey__state",
            "journey__member__first_name", "journey__member__last_name",
        ).order_by("starts_at")[:LISTED],
        "meetings": InfoMeeting.objects.upcoming().filter(host_id__in=ids).with_counts()[:5],
        "page": page,
        "members": with_task_stats([journeys[r.pk] for r in page], stage),
        "today": today,
    }


def task_lists(journey_ids: list[int], today: date, soon: date) -> dict:
    """Overdue tasks and the coming yearly follow-ups: one narrow read of the open tasks due
    within 30 days, then the few shown, with their member and team."""
    due = list(
        JourneyTask.objects.open().filter(journey_id__in=journey_ids, due_date__lte=soon)
        .order_by("due_date", "pk").values_list("pk", "due_date", "is_followup")
    ) if journey_ids else []
    overdue = [pk for pk, due_date, _followup in due if due_date < today]
    followups = [pk for pk, _due_date, followup in due if followup]
    tasks = JourneyTask.objects.select_related("journey__member", "team").only(
        *TASK_FIELDS).in_bulk([*overdue[:LISTED], *followups[:LISTED]])
    return {
        "overdue": [tasks[pk] for pk in overdue[:LISTED]],
        "overdue_count": len(overdue),
        "followups": [tasks[pk] for pk in followups[:LISTED]],
    }


def with_task_stats(journeys: list[Journey], stage: str) -> list[Journey]:
    """Open tasks and the next due date of the members listed on this page."""
    stats = {
        row["journey_id"]: row for row in JourneyTask.objects.open()
        .filter(journey_id__in=[journey.pk for journey in journeys]).order_by()
        .values("journey_id").annotate(n=Count("pk"), due=Min("due_date"))
    }
    for journey in journeys:
        journey.since = journey.entered_at(stage)
        journey.open_tasks = stats.get(journey.pk, {}).get("n", 0)
        journey.next_due = stats.get(journey.pk, {}).get("due")
    return journeys


# --- the cooperative view (team leads, admins) -------------------------------------------------


@login_required
def coop_overview(request: HttpRequest) -> HttpResponse:
    if request.user.role not in {Role.LEAD, Role.ADMIN}:
        raise Http404
    latest = Journey.objects.latest()
    counts = dict(latest.order_by().values_list("state").annotate(n=Count("pk")))
    reached = Journey.objects.aggregate(**{
        kind.value: Count("pk", filter=Q(**{f"{entered_field(kind)}__isnull": False}))
        for kind in PROGRESSION
    })
    funnel, first = [], reached[Stage.INFO_MEETING] or 1
    for kind in PROGRESSION:
        funnel.append((kind.label, reached[kind], round(100 * reached[kind] / first)))
    reasons = dict(Journey.objects.filter(state=Stage.EXITED).order_by()
                   .values_list("exit_reason").annotate(n=Count("pk")))
    context = {
        "stages": [(kind.label, counts.get(kind.value, 0)) for kind in Stage],
        "funnel": funnel,
        "medians": median_days_per_stage(),
        "reasons": [(ExitReason(key).label, n) for key, n in reasons.items() if key],
        "meetings": InfoMeeting.objects.upcoming().with_counts().select_related("host")[:10],
    }
    return render(request, "journeys/coop_overview.html", context)


def median_days_per_stage() -> list[tuple[str, float | None, int]]:
    """Median days spent in each stage, over the journeys that have left it."""
    kinds = [*PROGRESSION, Stage.EXITED]
    fields = [entered_field(kind) for kind in kinds]
    durations: dict[str, list[float]] = {kind: [] for kind in PROGRESSION}
    for row in Journey.objects.order_by().values_list(*fields).iterator(chunk_size=2000):
        for index, kind in enumerate(PROGRESSION):
            entered = row[index]
            left = next((moment for moment in row[index + 1:] if moment), None)
            if entered and left:
                durations[kind].append((left - entered).total_seconds() / 86400)
    return [
        (kind.label, round(statistics.median(values), 1) if values else None, len(values))
        for kind, values in durations.items()
    ]
