"""Who gets a team's next request automatically (the team's `assignment` rule).

Only the choice lives here, as queries; helpdesk.actions.auto_assign locks the team row,
asks `choose`, moves the round-robin pointer and assigns through the assign step.
"""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from coopdesk.accounts.models import User
from helpdesk.models import ACTIVE_STATES, Assignment, Team, Ticket


def open_counts():
    """Each person's open requests in hand (any team): one subquery on the assignee index."""
    return Coalesce(
        Subquery(
            Ticket.objects.filter(assignee=OuterRef("pk"), state__in=ACTIVE_STATES)
            .order_by().values("assignee").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def agents_in(team: Team, *, day=None):
    """The team's agents and lead who are in on that day (today by default) and below
    their capacity (their own, else the team's), with `open_count`, in a steady order."""
    day = day or timezone.localdate()
    agents = (
        User.objects.in_team(team.pk)
        .exclude(User.away_q(day))
        .annotate(open_count=open_counts())
    )
    if team.agent_capacity is None:
        agents = agents.filter(Q(capacity__isnull=True) | Q(open_count__lt=F("capacity")))
    else:
        agents = agents.filter(
            open_count__lt=Coalesce(F("capacity"), Value(team.agent_capacity))
        )
    return agents.order_by("pk")


def choose(team: Team, *, day=None) -> User | None:
    """The agent the team's rule gives its next request to; None for a manual team or when
    nobody is in with room (the request waits in the queue)."""
    if team.assignment == Assignment.MANUAL:
        return None
    agents = list(agents_in(team, day=day).only("first_name", "email", "capacity"))
    if not agents:
        return None
    last = team.last_assigned_id or 0
    if team.assignment == Assignment.ROUND_ROBIN:
        return next((agent for agent in agents if agent.pk > last), agents[0])
    # Least loaded; among equals, the next in turn after the last one given a request.
    fewest = min(agent.open_count for agent in agents)
    equals = [agent for agent in agents if agent.open_count == fewest]
    return next((agent for agent in equals if agent.pk > last), equals[0])
