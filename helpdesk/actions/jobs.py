"""The worker's periodic jobs on requests: auto-close, reminders, closing unanswered
requests, the teams' answer pace and escalation.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coopdesk import lifecycle, notify
from helpdesk.models import Escalation, EventKind, State, Team, Ticket

# --- periodic ------------------------------------------------------------------------------------


def auto_close_resolved(now=None) -> int:
    """Close requests resolved more than TICKET_AUTO_CLOSE_DAYS ago that nobody reopened."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
    closed = 0
    due = Ticket.objects.filter(state=State.RESOLVED, resolved_at__lte=cutoff).only("pk")
    for ticket in list(due):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.state != State.RESOLVED:
                continue
            lifecycle.run(ticket, ticket.auto_close, None)
            lifecycle.save(ticket, at=now)
            event = lifecycle.record(
                ticket, EventKind.CLOSED, by=None, from_state=State.RESOLVED,
                data={"automatic": True, "days": settings.TICKET_AUTO_CLOSE_DAYS},
            )
            notify.event(event)
            closed += 1
    return closed


def remind_waiting(now=None) -> int:
    """Worker job: a request waiting TICKET_WAITING_REMIND_DAYS for the member's answer
    reminds her, once per question (the date her page announced: `Ticket.reminds_on`)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_WAITING_REMIND_DAYS)
    due = Ticket.objects.filter(
        state=State.WAITING, paused_at__lte=cutoff, member_reminded_at=None
    ).only("pk")
    reminded = 0
    for ticket in list(due):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.state != State.WAITING or ticket.member_reminded_at is not None:
                continue
            if ticket.reminds_on is None or ticket.reminds_on > now:
                continue
            # Not a step: open forms stay valid and the request keeps its place in lists.
            ticket.member_reminded_at = now
            ticket.save(update_fields=["member_reminded_at"])
            event = lifecycle.record(
                ticket, EventKind.REMINDED, by=None, created_at=now,
                data={"closes": ticket.closes_on.isoformat()},
            )
            notify.event(event)
            reminded += 1
    return reminded


def close_unanswered(now=None) -> int:
    """Worker job: close the requests whose question stayed unanswered
    TICKET_WAITING_CLOSE_DAYS (the date announced: `Ticket.closes_on`)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_WAITING_CLOSE_DAYS)
    due = Ticket.objects.filter(state=State.WAITING, paused_at__lte=cutoff).only("pk")
    closed = 0
    for ticket in list(due):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.state != State.WAITING or not ticket.closes_on or ticket.closes_on > now:
                continue
            lifecycle.run(ticket, ticket.close_unanswered, None)
            lifecycle.save(ticket, at=now)
            event = lifecycle.record(
                ticket, EventKind.CLOSED, by=None, from_state=State.WAITING,
                data={"automatic": True, "unanswered": True,
                      "days": settings.TICKET_WAITING_CLOSE_DAYS},
            )
            notify.event(event)
            closed += 1
    return closed


# How many of a team's latest first answers measure its pace, and how few are too few.
PACE_ANSWERS = 20
PACE_AT_LEAST = 3


def answer_pace(team: Team) -> float | None:
    """The median business minutes a first answer took once the team could turn to it:
    from the later of the request's arrival and the answer before it. While a line waits
    that is the time between answers (several agents answer faster); on a quiet day, the
    time from arrival. A place in line times this is the expected wait."""
    rows = list(
        Ticket.objects.filter(team=team, first_response_at__isnull=False)
        .order_by("-first_response_at").values_list("created_at", "first_response_at")
        [: PACE_ANSWERS + 1]
    )
    rows.reverse()
    calendar, spans = team.calendar, []
    for (_before, answered_before), (arrived, answered) in zip(rows, rows[1:], strict=False):
        spans.append(max(0.0, calendar.minutes_between(max(arrived, answered_before), answered)))
    if len(spans) < PACE_AT_LEAST:
        return None
    spans.sort()
    middle = len(spans) // 2
    return spans[middle] if len(spans) % 2 else (spans[middle - 1] + spans[middle]) / 2


def measure_answer_pace() -> int:
    """Worker job: each team's pace, stored on the team (`Team.answer_minutes`) so that a
    request page reads it with the team. Returns how many teams' pace changed."""
    changed = 0
    for team in Team.objects.prefetch_related("opening_ranges", "closures"):
        minutes = answer_pace(team)
        if minutes != team.answer_minutes:
            Team.objects.filter(pk=team.pk).update(answer_minutes=minutes)
            changed += 1
    return changed


def escalate(now=None) -> int:
    """Worker job: a promise at risk (RISK_SHARE of its business time used) is told to the
    handler, or to the team while nobody handles it; a late one to them and the team
    lead. Each once per promise (a new promise starts again, see Ticket.save), each a line
    of the team's timeline. Returns how many alerts were sent."""
    now = now or timezone.now()
    candidates = Ticket.objects.filter(
        Q(escalation=Escalation.NONE) | Q(due_at__lte=now),
        risk_at__lte=now, escalation__lt=Escalation.LATE,
    ).only("pk")
    sent = 0
    for ticket in list(candidates):
        with transaction.atomic():
            ticket = lifecycle.lock(ticket)
            if ticket.due_at is None or ticket.risk_at is None or ticket.risk_at > now:
                continue
            level = Escalation.LATE if ticket.due_at <= now else Escalation.AT_RISK
            if level <= ticket.escalation:
                continue
            # Not a step of the request: neither its version (open forms stay valid) nor
            # its last update (the queue's order) move.
            ticket.escalation = level
            if level == Escalation.LATE:
                ticket.lead_alerted_at = now
            ticket.save(update_fields=["escalation", "lead_alerted_at"])
            kind = EventKind.LATE if level == Escalation.LATE else EventKind.AT_RISK
            event = lifecycle.record(
                ticket, kind, by=None, is_internal=True,
                data={"due": ticket.due_at.isoformat()}, created_at=now,
            )
            notify.event(event)
            sent += 1
    return sent
