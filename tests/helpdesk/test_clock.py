"""The promise on a request, kept by the steps: frozen clock, a team open Monday to Friday
9–12, 14–17 (Paris), eight business hours to a first answer."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from helpdesk import actions
from helpdesk.models import EventKind, Priority, ServiceTarget, State, Ticket
from helpdesk.notices import ticket_detail, ticket_words
from tests.conftest import login

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def open_office(team, hours: int = 8) -> None:
    team.first_response_hours = hours
    team.save()
    for weekday in range(5):
        team.opening_ranges.create(weekday=weekday, starts=time(9), ends=time(12))
        team.opening_ranges.create(weekday=weekday, starts=time(14), ends=time(17))


@pytest.fixture
def open_team(team, other_team):
    open_office(team)
    open_office(other_team, hours=4)
    return team


def at(*args: int):
    return time_machine.travel(paris(*args), tick=False)


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def opened_friday_evening(member, category) -> Ticket:
    with at(2026, 12, 4, 19):
        return actions.create_ticket(
            requester=member, category=category, subject="Facture", body="Bonjour"
        )


def test_a_friday_evening_request_is_promised_within_monday_and_tuesday_hours(
    open_team, member, category
):
    ticket = opened_friday_evening(member, category)
    # Eight business hours: Monday 9–12, 14–17, Tuesday 9–11.
    assert ticket.first_response_due == paris(2026, 12, 8, 11)
    assert ticket.due_at == ticket.first_response_due
    assert ticket.resolution_due == paris(2026, 12, 15, 15)  # 40 business hours


@pytest.mark.parametrize("step", ["claim", "assign", "bulk assign", "acknowledge", "note"])
def test_taking_a_request_up_is_not_a_first_response(open_team, member, category, agent, step):
    ticket = opened_friday_evening(member, category)
    with at(2026, 12, 9, 10):  # Wednesday, late
        if step == "claim":
            actions.claim_ticket(ticket, by=agent)
        elif step == "assign":
            actions.assign_ticket(ticket, by=agent, to=agent)
        elif step == "bulk assign":
            done, _failures = actions.bulk_apply(
                actions.assign_ticket, [ticket], by=agent, to=agent
            )
            assert done == 1
        elif step == "acknowledge":
            actions.acknowledge_ticket(ticket, by=agent)
        else:
            actions.add_note(ticket, by=agent, body="À voir avec le juridique")
        ticket = fresh(ticket)
        assert ticket.first_response_at is None
        assert ticket.first_response_overdue  # still late: nothing was said to her


def test_a_public_reply_is_the_first_response(open_team, member, category, agent):
    ticket = opened_friday_evening(member, category)
    with at(2026, 12, 7, 10):
        actions.add_reply(ticket, by=agent, body="Nous regardons.")
    ticket = fresh(ticket)
    assert ticket.first_response_at == paris(2026, 12, 7, 10)
    assert ticket.due_at == ticket.resolution_due


def test_waiting_pauses_the_clock_and_her_answer_resumes_it_with_the_time_left(
    open_team, member, category, agent
):
    ticket = opened_friday_evening(member, category)
    with at(2026, 12, 7, 10):
        actions.add_reply(ticket, by=agent, body="Quelle facture ?", then="wait")
    ticket = fresh(ticket)
    assert ticket.state == State.WAITING and ticket.due_at is None
    assert ticket.paused_at == paris(2026, 12, 7, 10)
    resolution_left = 40 * 60 - 60  # one business hour used, Monday 9–10
    with at(2026, 12, 10, 16):  # she answers on Thursday, 16:00
        actions.add_reply(ticket, by=member, body="La F-12.")
    ticket = fresh(ticket)
    assert ticket.state == State.OPEN and ticket.paused_at is None
    calendar = ticket.team.calendar
    assert calendar.minutes_between(paris(2026, 12, 10, 16), ticket.resolution_due) == (
        resolution_left
    )
    # She wrote: the team owes her an update within eight business hours.
    assert ticket.next_update_due == paris(2026, 12, 14, 10)
    assert ticket.due_at == ticket.next_update_due


def test_her_answer_before_the_first_response_moves_the_promise_and_says_why(
    open_team, member, category, agent
):
    ticket = opened_friday_evening(member, category)
    with at(2026, 12, 7, 10):  # a question without an answer yet: nothing said
        actions.wait_for_member(ticket, by=agent)
    with at(2026, 12, 8, 10):
        actions.add_reply(ticket, by=member, body="Voici.")
    ticket = fresh(ticket)
    assert ticket.first_response_due == paris(2026, 12, 9, 11)  # the seven hours left
    event = ticket.events.get(kind=EventKind.ANSWERED)
    assert event.data["promise"]["why"] == "paused"
    words = ticket_words(event.kind, ticket_detail(event.kind, event.data), for_requester=True)
    assert "First answer now expected by" in words and "paused" in words


def test_a_transfer_starts_the_new_teams_first_response_target(
    open_team, member, category, agent, other_category
):
    ticket = opened_friday_evening(member, category)
    with at(2026, 12, 7, 16):
        actions.transfer_ticket(ticket, by=agent, to_team=other_category.team, reason="Litige")
    ticket = fresh(ticket)
    assert ticket.first_response_due == paris(2026, 12, 8, 12)  # four hours from Monday 16:00
    event = ticket.events.get(kind=EventKind.TRANSFERRED)
    assert event.data["promise"]["why"] == "transfer"


def test_a_priority_change_recomputes_with_the_time_already_used(
    open_team, member, category, agent
):
    ServiceTarget.objects.create(
        team=open_team, priority=Priority.URGENT, first_response_hours=2, next_update_hours=2,
        resolution_hours=8,
    )
    ticket = opened_friday_evening(member, category)
    with at(2026, 12, 7, 10):  # one business hour used of eight
        actions.change_priority(ticket, by=agent, priority=Priority.URGENT)
    ticket = fresh(ticket)
    assert ticket.first_response_due == paris(2026, 12, 7, 11)  # two hours, one used
    assert ticket.events.get(kind=EventKind.PRIORITY).is_internal  # the team's reason
    event = ticket.events.get(kind=EventKind.RESCHEDULED)  # what she is told
    assert not event.is_internal and event.data["promise"]["why"] == "priority"
    with at(2026, 12, 7, 16):  # five of eight hours used: three left
        actions.change_priority(ticket, by=agent, priority=Priority.LOW)
    assert fresh(ticket).first_response_due == paris(2026, 12, 8, 11)


def test_only_the_team_changes_a_priority(open_team, member, category):
    ticket = opened_friday_evening(member, category)
    with pytest.raises(PermissionDenied):
        actions.change_priority(ticket, by=member, priority=Priority.URGENT)


def test_across_the_change_to_winter_time(open_team, member, category):
    with at(2026, 10, 23, 16):  # Friday before the clocks go back
        ticket = actions.create_ticket(
            requester=member, category=category, subject="Facture", body="Bonjour"
        )
    assert ticket.first_response_due == paris(2026, 10, 27, 10)  # 9:00 UTC, winter time


# --- what the member and the team read --------------------------------------------------------


def test_her_page_says_her_place_in_line_and_when(open_team, member, category):
    first = opened_friday_evening(member, category)
    with at(2026, 12, 4, 20):
        second = actions.create_ticket(
            requester=member, category=category, subject="Autre", body="Bonjour"
        )
    with at(2026, 12, 5, 10):
        page = login(member).get(second.get_absolute_url()).content.decode()
    assert "number 2 in line" in page and "first answer should come by" in page
    assert fresh(first).place_in_line() == 1


def test_what_happens_next_while_waiting_and_resolved(open_team, member, category, agent):
    ticket = opened_friday_evening(member, category)
    client = login(member)
    with at(2026, 12, 7, 10):
        actions.add_reply(ticket, by=agent, body="Quelle facture ?", then="wait")
        page = client.get(ticket.get_absolute_url()).content.decode()
        assert "its response times are paused" in page and "from the member" not in page
        actions.resolve_ticket(ticket, by=agent)
        page = client.get(ticket.get_absolute_url()).content.decode()
        assert "closes by itself on" in page


def test_requests_needing_her_come_first_in_my_requests(open_team, member, category, agent):
    ticket = opened_friday_evening(member, category)
    resolved = opened_friday_evening(member, category)
    with at(2026, 12, 7, 10):
        actions.resolve_ticket(resolved, by=agent)
    with at(2026, 12, 7, 11):
        actions.add_reply(ticket, by=member, body="Du nouveau")  # updated last
        page = login(member).get("/demandes/").content.decode()
    assert page.index(resolved.reference) < page.index(ticket.reference)


def test_the_queue_sorts_by_due_time_and_filters_the_late(open_team, member, category, agent):
    late = opened_friday_evening(member, category)
    with at(2026, 12, 8, 10):
        later = actions.create_ticket(
            requester=member, category=category, subject="Plus tard", body="Bonjour"
        )
    client = login(agent)
    url = f"/equipes/{open_team.slug}/"
    with at(2026, 12, 8, 12):
        page = client.get(url).content.decode()
        assert page.index(late.reference) < page.index(later.reference)
        assert "late by 1 working hour" in page and "due in 1 working day" in page
        page = client.get(url, {"clock": "late"}).content.decode()
        assert late.reference in page and later.reference not in page
        cards = client.get("/equipes/").content.decode()
        assert "1 late" in cards


def test_the_demo_has_every_clock_state_and_promises_only_opening_hours(db):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    active = Ticket.objects.active().select_related("team")
    now = timezone.now()
    states = set()
    for ticket in active:
        calendar = ticket.team.calendar
        for due in (ticket.first_response_due, ticket.next_update_due, ticket.resolution_due):
            if due is not None:  # within opening hours, or right at a range's end
                assert calendar.minutes_between(calendar.subtract(due, 1), due) == 1, ticket
        if ticket.state == State.WAITING:
            states.add("paused")
        elif ticket.lead_alerted_at:
            states.add("escalated")
        elif ticket.due_at and ticket.risk_at and ticket.risk_at <= now < ticket.due_at:
            states.add("at risk")
        elif ticket.due_at and ticket.due_at > now:
            states.add("on time")
    assert states == {"paused", "escalated", "at risk", "on time"}


def test_the_team_changes_the_priority_from_the_request_page(open_team, member, category,
                                                             agent):
    ServiceTarget.objects.create(
        team=open_team, priority=Priority.URGENT, first_response_hours=2, next_update_hours=2,
        resolution_hours=8,
    )
    ticket = opened_friday_evening(member, category)
    url = f"/demandes/{ticket.pk}/priorite/"
    with at(2026, 12, 7, 10):
        assert login(member).post(url, {"version": 1, "priority": 4}).status_code in (403, 404)
        assert login(agent).post(url, {"version": 1, "priority": 9}).status_code == 400
        form = {"version": 1, "priority": 4, "reason": "Huissier demain"}
        assert login(agent).post(url, form).status_code == 302
    assert fresh(ticket).first_response_due == paris(2026, 12, 7, 11)


def test_every_email_about_the_request_says_what_happens_next(open_team, member, category,
                                                              agent):
    from coopdesk.models import OutboxEmail
    from coopdesk.outbox import send_pending

    ticket = opened_friday_evening(member, category)
    with at(2026, 12, 7, 10):
        actions.add_reply(ticket, by=agent, body="Quelle facture ?", then="wait")
        OutboxEmail.objects.exclude(recipient=member).delete()
        send_pending()
    from django.core import mail

    (email,) = [m for m in mail.outbox if member.email in m.to]
    assert "le délai est suspendu" in email.body  # in her language
