"""Automatic assignment, absences (with the hand-over to a backup colleague) and a team's
assignment rules.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coopdesk import lifecycle
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from helpdesk import assignment
from helpdesk.actions.base import _assign
from helpdesk.actions.toolkit import may_keep_team_replies
from helpdesk.models import ACTIVE_STATES, Assignment, Team, Ticket


def away_refusal(person: User) -> str:
    if person.away_until:
        return _(
            "%(name)s is away until %(until)s: assign the request to someone who is in, or "
            "leave it in the queue."
        ) % {"name": person.first_name, "until": formats.date_format(person.away_until)}
    return _(
        "%(name)s is away: assign the request to someone who is in, or leave it in the queue."
    ) % {"name": person.first_name}


# --- automatic assignment and absences -------------------------------------------------------


def _next_agent(team_id: int) -> User | None:
    """The team's rule's choice, under the team row's lock: requests arriving at the same
    moment take turns (the round-robin pointer moves before the lock is released)."""
    # FOR NO KEY UPDATE: the request's own insert holds a key-share lock on the team row
    # (its foreign key), which a plain FOR UPDATE would wait on, deadlocking two arrivals.
    team = Team.objects.select_for_update(no_key=True).get(pk=team_id)
    agent = assignment.choose(team)
    if agent is not None:
        team.last_assigned = agent
        team.save(update_fields=["last_assigned"])
    return agent


@transaction.atomic
def auto_assign(ticket: Ticket) -> Ticket:
    """A request new in its team (opened, or transferred in), given to an agent who is in
    by the team's rule (round robin or least loaded); a manual team's stays in the queue,
    as does one when nobody is in with room. The timeline says "assigned automatically"."""
    if ticket.team.assignment == Assignment.MANUAL or ticket.assignee_id is not None:
        return ticket
    agent = _next_agent(ticket.team_id)
    if agent is None:
        return ticket
    ticket = lifecycle.lock(ticket)
    if ticket.assignee_id is not None or not ticket.is_active:
        return ticket
    return _assign(ticket, by=None, to=agent, why={"auto": True})


@transaction.atomic
def hand_over(agent: User) -> int:
    """An absent agent's open requests move to their backup colleague (when the backup
    works for the request's team and is in), else to whoever the team's rule picks, else
    back to the queue; each with a timeline line naming who is away. Returns how many."""
    backup = agent.backup_advisor
    if backup is not None and (not backup.is_active or backup.is_away()):
        backup = None
    moved = 0
    tickets = Ticket.objects.filter(assignee=agent, state__in=ACTIVE_STATES).order_by("pk")
    for ticket in tickets.select_related("team"):
        ticket = lifecycle.lock(ticket)
        if ticket.assignee_id != agent.pk or not ticket.is_active:
            continue
        to = backup if backup and backup.works_for_team(ticket.team_id) else None
        why = {"away": agent.first_name, "away_id": agent.pk}
        if to is None and ticket.team.assignment != Assignment.MANUAL:
            to = _next_agent(ticket.team_id)
            why["auto"] = to is not None
        _assign(ticket, by=None, to=to, why=why)
        moved += 1
    return moved


def hand_over_absent() -> int:
    """The worker's: the open requests of everyone away today move on (hand_over). Also
    catches a request given to them by hand before their absence started."""
    day = timezone.localdate()
    away = User.objects.filter(
        User.away_q(day), assigned_requests__state__in=ACTIVE_STATES
    ).distinct()
    return sum(hand_over(person) for person in away)


def may_set_absence(by: User, person: User) -> bool:
    """Oneself (an advisor or an agent), the lead of one of the person's teams, an admin."""
    if not by.is_active or not (person.is_advisor or person.is_support_staff):
        return False
    if by.pk == person.pk or by.role == Role.ADMIN:
        return True
    return person.is_support_staff and Team.objects.filter(lead=by, agents=person).exists()


@transaction.atomic
def set_absence(
    person: User, *, by: User, away_from, away_until, backup: User | None,
    capacity: int | None | bool = False,
) -> int:
    """Record an absence (or clear it, with no dates) and, when it has started, hand the
    person's open requests over at once. `capacity` False leaves the limit as it is.
    Returns how many requests moved."""
    if not may_set_absence(by, person):
        raise PermissionDenied("not this person's absence to set")
    person = User.objects.select_for_update().get(pk=person.pk)
    person.away_from, person.away_until, person.backup_advisor = away_from, away_until, backup
    fields = ["away_from", "away_until", "backup_advisor"]
    if capacity is not False:
        person.capacity = capacity
        fields.append("capacity")
    try:
        person.full_clean(validate_unique=False, exclude=["password"])
    except ValidationError as error:
        raise Conflict(" ".join(error.messages)) from error
    person.save(update_fields=fields)
    if person.is_support_staff and person.is_away():
        return hand_over(person)
    return 0


def may_set_team_rules(user: User, team: Team) -> bool:
    return may_keep_team_replies(user, team)


@transaction.atomic
def set_team_assignment(
    team: Team, *, by: User, assignment: str, agent_capacity: int | None
) -> Team:
    if not may_set_team_rules(by, team):
        raise PermissionDenied("only the team lead sets how its requests are assigned")
    if assignment not in Assignment.values:
        raise Conflict(_("Unknown way of assigning."))
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.assignment, team.agent_capacity = assignment, agent_capacity
    team.save(update_fields=["assignment", "agent_capacity"])
    return team
