"""Teams' queues (with their bulk steps) and an advisor's view of her members' requests.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import User
from coopdesk.db import custom_plans
from coopdesk.paging import paginate
from helpdesk import actions, spelling
from helpdesk.forms import BulkForm, QueueFilter
from helpdesk.models import ACTIVE_STATES, State, Team, Ticket
from helpdesk.pagination import CountLaterPaginator
from helpdesk.views.base import PAGE_SIZE, staff_teams

# --- teams: queues ---------------------------------------------------------------------------


@login_required
def queue_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_support_staff:
        raise Http404
    now = timezone.now()
    teams = list(staff_teams(request.user))
    # One pass over the active requests of these teams (the (team, state) index), not a
    # join of every request the teams ever had to count the few still active. (Folding the
    # teams into this query, through a join limited to the active requests, saved a round
    # trip on PostgreSQL but made SQLite sort the 9,000 joined rows: 10.9 -> 14.0 ms.)
    counts = {
        row["team"]: row for row in Ticket.objects.filter(
            team__in=[team.pk for team in teams], state__in=ACTIVE_STATES
        ).values("team").annotate(
            open_count=Count("team"),  # not "pk": the id is not in the index
            unassigned_count=Count("team", filter=Q(assignee=None)),
            waiting_count=Count("team", filter=Q(state=State.WAITING)),
            at_risk_count=Count("team", filter=Q(risk_at__lte=now, due_at__gt=now)),
            late_count=Count("team", filter=Q(due_at__lte=now)),
        )
    }
    for team in teams:
        row = counts.get(team.pk, {})
        for name in ("open", "unassigned", "waiting", "at_risk", "late"):
            setattr(team, f"{name}_count", row.get(f"{name}_count", 0))
    # The page's ids first, from the (assignee, state, -updated_at) index alone, then their
    # rows: with the joins of a list row around the whole search, SQLite walked every
    # request the agent ever had (14-48 ms at 100,000 requests, against 3 ms in two steps).
    # The ids as a subquery keep the two steps' plan in one query (one round trip fewer).
    newest = Ticket.objects.filter(assignee=request.user).active().order_by("-updated_at")
    mine = (
        Ticket.objects.filter(pk__in=Subquery(newest.values("pk")[:PAGE_SIZE]))
        .order_by("-updated_at").for_list()
    )
    return render(request, "helpdesk/queue_list.html", {"teams": teams, "mine": mine})


def get_staff_team(user: User, slug: str) -> Team:
    if not user.is_support_staff:
        raise Http404
    return get_object_or_404(staff_teams(user), slug=slug)


def queue_filter(request: HttpRequest, team: Team) -> QueueFilter:
    """The team's queue with the filters of the query string (the CSV export reads the same)."""
    tickets = Ticket.objects.filter(team=team).for_list()
    return QueueFilter(request.GET, queryset=tickets, team=team, user=request.user)


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_staff_team(request.user, slug)
    # A text search is planned for its words (see custom_plans); the plain queue is not.
    with custom_plans() if request.GET.get("q", "").strip() else nullcontext():
        filters = queue_filter(request, team)
        page = paginate(request, filters.qs, PAGE_SIZE, CountLaterPaginator)
        context = {
            "team": team,
            "filters": filters,
            "page": page,
            "bulk_actions": BulkForm.ACTIONS,  # the form itself is only needed to validate
            "agents": team.agents.all(),
            "querystring": _querystring_without_page(request),
            "did_you_mean": None if page.object_list else _did_you_mean(request, team, filters),
        }
        return render(request, "helpdesk/queue.html", context)


def _did_you_mean(request: HttpRequest, team: Team, filters: QueueFilter) -> dict | None:
    """When a search finds nothing: its misspelt words corrected (helpdesk.spelling) and the
    link to the same queue with that search and every other filter kept, when it finds
    something there. Offered, never run for her: she filtered on purpose, and sees what
    changed in what she typed."""
    typed = filters.form.cleaned_data.get("q") or ""
    corrected = spelling.correction(typed, team=team)
    if not corrected:
        return None
    query = request.GET.copy()
    query["q"] = corrected
    query.pop("page", None)
    corrected_filters = QueueFilter(
        query, queryset=Ticket.objects.filter(team=team), team=team, user=request.user
    )
    if not corrected_filters.qs.exists():
        return None
    url = f"{team.get_absolute_url()}?{query.urlencode()}"
    return {"typed": typed, "corrected": corrected, "url": url}


def _querystring_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_POST
def queue_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_staff_team(request.user, slug)
    form = BulkForm(request.POST, team=team)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("helpdesk:queue-detail", slug=team.slug)
    data = form.cleaned_data
    if data["action"] == "assign":
        # Those already with that person are not counted as assigned now: nothing happened.
        already = [t for t in data["tickets"] if t.assignee_id == data["assignee"].pk]
        done, failures = actions.bulk_apply(
            actions.assign_ticket, [t for t in data["tickets"] if t not in already],
            by=request.user, to=data["assignee"],
        )
        said = ngettext("%(n)d request assigned to %(name)s.",
                        "%(n)d requests assigned to %(name)s.", done)
    else:
        already = []
        done, failures = actions.bulk_apply(actions.close_ticket, data["tickets"], by=request.user)
        said = ngettext("%(n)d request closed.", "%(n)d requests closed.", done)
    name = data["assignee"].get_full_name() if data["assignee"] else ""
    if done:
        messages.success(request, said % {"n": done, "name": name})
    if already:
        messages.info(request, ngettext(
            "%(n)d request was already with %(name)s.",
            "%(n)d requests were already with %(name)s.", len(already),
        ) % {"n": len(already), "name": name})
    for failure in failures:
        messages.error(request, failure)
    query = request.POST.get("next_query", "")
    return redirect(f"{team.get_absolute_url()}?{query}" if query else team.get_absolute_url())


# --- advisors ----------------------------------------------------------------------------------


def advisor_tickets(request: HttpRequest) -> tuple[QuerySet, str]:
    """The advisor's members' requests the page lists, and which tab (the CSV export too)."""
    if not request.user.is_advisor:
        raise Http404
    show = request.GET.get("show", "active")
    # The members as a subquery: joined, the database read every active request of the
    # cooperative to keep this advisor's.
    members = User.objects.filter(request.user.followed_members_q()).values("pk")
    tickets = Ticket.objects.filter(requester__in=members).for_list()
    tickets = tickets.active() if show == "active" else tickets.exclude(state__in=ACTIVE_STATES)
    return tickets, show


@login_required
def advisor_requests(request: HttpRequest) -> HttpResponse:
    tickets, show = advisor_tickets(request)
    page = paginate(request, tickets, PAGE_SIZE, CountLaterPaginator)
    return render(request, "helpdesk/advisor_requests.html", {"page": page, "show": show})
