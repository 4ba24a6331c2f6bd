"""The advisor's dashboard and the cooperative view: counts and short lists over many
journeys, in a fixed number of queries whatever the number of members."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdesk import csv_export
from coopdesk.accounts.models import Role
from coopdesk.paging import paginate
from journeys import figures
from journeys.models import (
    ExitReason,
    InfoMeeting,
    Journey,
    Stage,
)
from journeys.views.caseload import (
    LISTS,
    TASK_LISTS,
    Caseload,
    with_stage_details,
    with_task_details,
)
from journeys.views.staff import require_advisor

PAGE_SIZE = 25
LISTED = 5  # rows per dashboard card; the card says how many there are and links to them all
MEETINGS_LISTED = 5
STAGE_LISTED = 10  # members of the chosen stage on the dashboard; all of them a click away


@dataclass
class Card:
    """The first rows of one of the caseload's lists, how many it has, and where it is."""

    kind: str  # its slug in LISTS
    rows: list
    total: int


def card(kind: str, items: list, listed: int | None = None) -> Card:
    return Card(kind, items[:listed or LISTED], len(items))


@login_required
def advisor_dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_advisor(user)
    covered = list(user.away_advisors_covered().only("first_name", "last_name", "away_until"))
    ids = [user.pk, *(advisor.pk for advisor in covered)]
    stage = request.GET.get("stage") or Stage.CAPE
    if stage not in Stage.values:
        stage = Stage.CAPE
    context = dashboard_context(Caseload(ids), stage)
    context.update(covered=covered, stage=stage, stage_label=Stage(stage).label)
    return render(request, "journeys/advisor_dashboard.html", context)


def dashboard_context(caseload: Caseload, stage: str) -> dict:
    """Counts per stage, the first rows of each list and of the members at `stage`, in a fixed
    number of queries (see journeys/views/caseload.py)."""
    counts = caseload.count_by_stage()
    at_stage = caseload.at_stage(stage)
    overdue = card("taches-en-retard", caseload.overdue())
    followups = card("suivis-annuels", caseload.followups())
    with_task_details(list({task.pk: task for task in overdue.rows + followups.rows}.values()))
    return {
        "stages": [(kind, kind.label, counts.get(kind.value, 0)) for kind in Stage],
        "overdue": overdue,
        "cape_ending": card("fins-de-cape", caseload.cape_ending()),
        "no_mentor": card("sans-parrain", caseload.without_mentor()),
        "adaptations": card("adaptations", caseload.adaptations()),
        "followups": followups,
        "appointments": card("rendez-vous", list(caseload.appointments())),
        "meetings": card("reunions", list(caseload.meetings()), MEETINGS_LISTED),
        "members": with_stage_details(at_stage[:STAGE_LISTED], stage),
        "members_total": len(at_stage),
        "today": caseload.today,
    }


@login_required
def advisor_stage(request: HttpRequest, stage: str) -> HttpResponse:
    """The members at one stage, a page at a time."""
    user = request.user
    require_advisor(user)
    if stage not in Stage.values:
        raise Http404
    caseload = Caseload(user.covering_advisor_ids())
    page = paginate(request, caseload.at_stage(stage), PAGE_SIZE)
    context = {
        "stage": stage, "stage_label": Stage(stage).label, "page": page,
        "members": with_stage_details(page.object_list, stage), "today": caseload.today,
    }
    return render(request, "journeys/advisor_stage.html", context)


@login_required
def advisor_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One of the dashboard's lists in full, a page at a time."""
    user = request.user
    require_advisor(user)
    if kind not in LISTS:
        raise Http404
    caseload = Caseload(user.covering_advisor_ids())
    items = getattr(caseload, LISTS[kind])()
    page = paginate(request, items, PAGE_SIZE)
    if kind in TASK_LISTS:
        with_task_details(page.object_list)
    context = {"kind": kind, "page": page, "today": caseload.today}
    return render(request, "journeys/advisor_list.html", context)


# --- the cooperative view (team leads, admins) -------------------------------------------------


def require_coop_view(user) -> None:
    """The cooperative's overview and its funders' export: team leads and admins."""
    if user.role not in {Role.LEAD, Role.ADMIN}:
        raise Http404


@login_required
def coop_overview(request: HttpRequest) -> HttpResponse:
    """The stages now (live), the funnel and the median time per stage (summed by the worker:
    journeys/figures.py), why members left, the next information meetings."""
    require_coop_view(request.user)
    latest = Journey.objects.latest()
    counts = dict(latest.order_by().values_list("state").annotate(n=Count("pk")))
    stages = figures.current()
    first = stages[0].reached or 1
    reasons = dict(Journey.objects.filter(state=Stage.EXITED).order_by()
                   .values_list("exit_reason").annotate(n=Count("pk")))
    context = {
        "stages": [(kind.label, counts.get(kind.value, 0)) for kind in Stage],
        "funnel": [(Stage(row.stage).label, row.reached, round(100 * row.reached / first))
                   for row in stages],
        "medians": [(Stage(row.stage).label, row.median_days, row.stays) for row in stages],
        "summed_at": stages[0].computed_at,
        "reasons": [(ExitReason(key).label, n) for key, n in reasons.items() if key],
        "meetings": InfoMeeting.objects.upcoming().with_counts().select_related("host")[:10],
    }
    return render(request, "journeys/coop_overview.html", context)


@login_required
def coop_export(request: HttpRequest) -> StreamingHttpResponse:
    """The funders' export: every journey of every cycle (the rows the overview counts),
    with the date of each stage, the CAPE contract's dates and renewals, and when and why
    the member left. Streamed (coopdesk/csv_export.py). For admins only: it names every
    member, where the overview a lead reads only counts them. The free note on leaving
    stays out: it is about a person, not for funders."""
    if request.user.role != Role.ADMIN:  # named people: more than the overview's figures
        raise Http404
    journeys = Journey.objects.select_related("member", "path").order_by("member_id", "cycle")
    header = [
        _("Member"), _("Path"), _("Cycle"), _("Stage"), _("Started"), _("Information meeting"),
        _("Diagnosis"), _("Diagnosis held"), _("CAPE"), _("CAPE start"), _("CAPE end"),
        _("CAPE renewals"), _("Salaried phase"), _("Salaried contract start"), _("Membership"),
        _("Associate since"), _("Left"), _("Reason for leaving"),
    ]
    stages, reasons = dict(Stage.choices), dict(ExitReason.choices)

    def rows():
        for journey in csv_export.read(journeys):
            yield [
                journey.member.get_full_name(), journey.path.name, journey.cycle,
                stages.get(journey.state, journey.state), journey.created_at,
                journey.info_meeting_at, journey.diagnosis_at, journey.diagnosis_held_at,
                journey.cape_at, journey.cape_start, journey.cape_end, journey.cape_renewals,
                journey.salaried_at, journey.salaried_start, journey.associate_at,
                journey.associate_since, journey.exited_at,
                reasons.get(journey.exit_reason, journey.exit_reason),
            ]

    filename = f"parcours-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_export.stream(request, filename, header, rows())
