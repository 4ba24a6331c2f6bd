"""Escalation that happens: at risk, then late; once each, to the right people, in the
team's timeline, with their preferences respected; the member reads it only after."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from notifications.models import Notification

from coopdesk.models import Delivery, NoticeKind, NotificationPreference, OutboxEmail
from helpdesk import actions
from helpdesk.models import Escalation, EventKind, Ticket
from tests.conftest import login

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def promised(team, lead, agent, member, category) -> Ticket:
    """Eight business hours (Monday to Friday 9–17) from Monday 9:00: due at 17:00,
    at risk from 15:00."""
    team.first_response_hours = 8
    team.save()
    for weekday in range(5):
        team.opening_ranges.create(weekday=weekday, starts=time(9), ends=time(17))
    with time_machine.travel(paris(2026, 12, 7, 9), tick=False):
        ticket = actions.create_ticket(
            requester=member, category=category, subject="Facture", body="Bonjour"
        )
    assert ticket.risk_at == paris(2026, 12, 7, 15)
    return ticket


def notified(user, verb: str) -> int:
    return Notification.objects.filter(recipient=user, verb=verb).count()


def test_nothing_before_three_quarters_of_the_time(promised):
    assert actions.escalate(paris(2026, 12, 7, 14, 59)) == 0


def test_at_risk_tells_the_team_while_unassigned_once(promised, agent, lead, member):
    assert actions.escalate(paris(2026, 12, 7, 15, 30)) == 1
    assert actions.escalate(paris(2026, 12, 7, 16)) == 0  # sent once
    ticket = Ticket.objects.get(pk=promised.pk)
    assert ticket.escalation == Escalation.AT_RISK and ticket.lead_alerted_at is None
    event = ticket.events.get(kind=EventKind.AT_RISK)
    assert event.is_internal and event.actor is None
    assert notified(agent, "at_risk") == 1 and notified(lead, "at_risk") == 1  # both agents
    assert notified(member, "at_risk") == 0


def test_late_tells_the_handler_and_the_lead_once(promised, agent, other_agent, lead):
    actions.claim_ticket(promised, by=agent)
    actions.escalate(paris(2026, 12, 7, 15, 30))
    assert notified(agent, "at_risk") == 1 and notified(lead, "at_risk") == 0
    assert actions.escalate(paris(2026, 12, 7, 17, 5)) == 1
    assert actions.escalate(paris(2026, 12, 8, 10)) == 0
    assert notified(agent, "late") == 1 and notified(lead, "late") == 1
    assert notified(other_agent, "late") == 0
    ticket = Ticket.objects.get(pk=promised.pk)
    assert ticket.lead_alerted_at == paris(2026, 12, 7, 17, 5)
    assert ticket.version == 2  # the claim only: open forms stay valid


def test_a_new_promise_starts_its_own_escalation(promised, agent):
    actions.escalate(paris(2026, 12, 7, 17, 5))
    with time_machine.travel(paris(2026, 12, 8, 10), tick=False):
        actions.add_reply(promised, by=agent, body="Nous regardons.")
    ticket = Ticket.objects.get(pk=promised.pk)
    assert ticket.escalation == Escalation.NONE and ticket.lead_alerted_at is None
    assert ticket.due_at == ticket.resolution_due


def test_preferences_are_respected(promised, agent, lead):
    """Late is e-mailed to the team by default; the lead chose the app only."""
    NotificationPreference.objects.create(user=lead, kind=NoticeKind.LATE, delivery=Delivery.APP)
    actions.escalate(paris(2026, 12, 7, 17, 5))
    assert notified(lead, "late") == 1 and notified(agent, "late") == 1
    assert OutboxEmail.objects.filter(recipient=agent).count() == 1
    assert not OutboxEmail.objects.filter(recipient=lead).exists()


def test_the_member_reads_the_lead_was_alerted_only_after(promised, member):
    client = login(member)
    with time_machine.travel(paris(2026, 12, 7, 17, 1), tick=False):
        page = client.get(promised.get_absolute_url()).content.decode()
        assert "Late." in page and "team lead was alerted" not in page
    actions.escalate(paris(2026, 12, 7, 17, 5))
    with time_machine.travel(paris(2026, 12, 7, 17, 10), tick=False):
        page = client.get(promised.get_absolute_url()).content.decode()
    assert "Late: the team lead was alerted on" in page
    assert "At risk" not in page  # the team's timeline lines are internal
