"""A team's assignment rule (its lead's page), absences (one's own, or a team agent's
set by the lead) and a request's watchers: forms that call actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from helpdesk import actions, assignment
from helpdesk.forms import AbsenceForm, TeamAssignmentForm, WatcherForm
from helpdesk.models import Team, Ticket
from helpdesk.views.base import get_team_side_ticket, get_visible_ticket


def get_led_team(user: User, slug: str) -> Team:
    """404 for who does not work for the team, 403 for its agents who do not lead it."""
    team = get_object_or_404(Team, slug=slug)
    if not user.works_for_team(team.pk):
        raise Http404
    if not actions.may_set_team_rules(user, team):
        raise PermissionDenied("only the team lead")
    return team


@login_required
def team_settings(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_led_team(request.user, slug)
    status = 200
    if request.method == "POST":
        form = TeamAssignmentForm(request.POST)
        if form.is_valid():
            actions.set_team_assignment(
                team, by=request.user, assignment=form.cleaned_data["assignment"],
                agent_capacity=form.cleaned_data["agent_capacity"],
            )
            messages.success(request, _("The team's assignment rule is saved."))
            return redirect("helpdesk:team-settings", team.slug)
        status = 400
    else:
        form = TeamAssignmentForm(initial={
            "assignment": team.assignment, "agent_capacity": team.agent_capacity,
        })
    people = (
        User.objects.in_team(team.pk)
        .select_related("backup_advisor").annotate(open_count=assignment.open_counts())
        .order_by("first_name", "last_name", "pk")
    )
    return render(request, "helpdesk/team_settings.html",
                  {"team": team, "form": form, "people": people}, status=status)


def backups_for(person: User):
    """Who may cover this person: another advisor for an advisor; for an agent, a
    colleague of one of their teams."""
    if person.is_advisor:
        people = User.objects.filter(role=Role.ADVISOR)
    else:
        people = User.objects.filter(
            teams__in=person.teams.values("pk"), role__in=[Role.AGENT, Role.LEAD, Role.ADMIN]
        ).distinct()
    return people.filter(is_active=True).exclude(pk=person.pk).order_by("first_name", "pk")


def _absence_form(
    request: HttpRequest, person: User, *, done: str, team: Team | None = None
) -> HttpResponse:
    with_capacity = team is not None
    kwargs = {"backups": backups_for(person), "with_capacity": with_capacity,
              "advisor": person.is_advisor}
    status = 200
    if request.method == "POST":
        form = AbsenceForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                moved = actions.set_absence(
                    person, by=request.user, away_from=data["away_from"],
                    away_until=data["away_until"], backup=data["backup"],
                    capacity=data["capacity"] if with_capacity else False,
                )
            except Conflict as error:
                form.add_error(None, str(error))
            else:
                text = _("Saved.")
                if moved:
                    text += " " + ngettext(
                        "%(n)d open request was handed over.",
                        "%(n)d open requests were handed over.", moved,
                    ) % {"n": moved}
                messages.success(request, text)
                return redirect(done)
        status = 400
    else:
        form = AbsenceForm(initial={
            "away_from": person.away_from, "away_until": person.away_until,
            "backup": person.backup_advisor_id, "capacity": person.capacity,
        }, **kwargs)
    return render(request, "helpdesk/absence_form.html", {
        "form": form, "person": person, "team": team, "own": person.pk == request.user.pk,
    }, status=status)


@login_required
def my_absence(request: HttpRequest) -> HttpResponse:
    """One's own absence: advisors and agents."""
    user = request.user
    if not (user.is_advisor or user.is_support_staff):
        raise Http404
    return _absence_form(request, user, done=request.path)


@login_required
def agent_absence(request: HttpRequest, slug: str, person: int) -> HttpResponse:
    """The lead sets a team agent's absence and capacity."""
    team = get_led_team(request.user, slug)
    agent = get_object_or_404(
        User.objects.in_team(team.pk),
        pk=person,
    )
    return _absence_form(
        request, agent, team=team, done=reverse("helpdesk:team-settings", args=[team.slug])
    )


# --- watchers ----------------------------------------------------------------------------------


def get_watchers_ticket(user: User, pk: int) -> Ticket:
    """404 to whoever may not see the request; 403 to those who see it but do not manage
    its watchers (her advisor, a watcher), by the rule the watcher actions apply."""
    ticket = get_visible_ticket(user, pk)
    if actions.watcher_side(ticket, user) is None:
        raise PermissionDenied("only the request's member or its team")
    return ticket


@login_required
def ticket_watchers(request: HttpRequest, pk: int) -> HttpResponse:
    """Who follows the request; its member adds the people she works with, its team
    adds colleagues. Others who may see the request (her advisor, a watcher) get 403."""
    ticket = get_watchers_ticket(request.user, pk)
    status = 200
    form = WatcherForm()
    if request.method == "POST":
        form = WatcherForm(request.POST)
        if form.is_valid():
            person = form.cleaned_data["email"]
            try:
                actions.add_watcher(ticket, by=request.user, person=person)
            except Conflict as error:
                form.add_error("email", str(error))
            else:
                messages.success(request, _("%(name)s now follows this request.")
                                 % {"name": person.get_full_name()})
                return redirect("helpdesk:ticket-watchers", ticket.pk)
        status = 400
    watchers = list(ticket.watchers.order_by("first_name", "pk").only(
        "first_name", "last_name", "role"
    ))
    for person in watchers:
        person.removable = actions.may_remove_watcher(person, team_side=ticket.team_view)
    context = {"ticket": ticket, "form": form, "watchers": watchers}
    if ticket.team_view:
        context["teams"] = ticket.watching_teams.order_by("name")
        context["other_teams"] = Team.objects.exclude(pk=ticket.team_id).exclude(
            pk__in=ticket.watching_teams.values("pk")
        ).only("name")
    return render(request, "helpdesk/ticket_watchers.html", context, status=status)


@login_required
@require_POST
def ticket_watching_team(request: HttpRequest, pk: int) -> HttpResponse:
    """The team has another team follow the request, or stop."""
    ticket = get_team_side_ticket(request.user, pk)
    team_id = request.POST.get("team", "")
    if not team_id.isdecimal() or len(team_id) > 9:
        return HttpResponse(_("Choose a team."), status=400)
    team = get_object_or_404(Team, pk=int(team_id))
    watching = request.POST.get("watching", "1") != "0"
    actions.set_watching_team(ticket, by=request.user, team=team, watching=watching)
    text = _("The %(team)s team now follows this request.") if watching else _(
        "The %(team)s team no longer follows this request."
    )
    messages.success(request, text % {"team": team.name})
    return redirect("helpdesk:ticket-watchers", ticket.pk)


@login_required
@require_POST
def ticket_watcher_remove(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    ticket = get_watchers_ticket(request.user, pk)
    watcher = get_object_or_404(ticket.watchers.all(), pk=person)
    actions.remove_watcher(ticket, by=request.user, person=watcher)
    messages.success(request, _("%(name)s no longer follows this request.")
                     % {"name": watcher.get_full_name()})
    return redirect("helpdesk:ticket-watchers", ticket.pk)
