"""The promise the member reads is one the system keeps: her expected wait from her place in
line and the team's recent pace, the reminder and the closing of a question left
unanswered (worker jobs), a late update or resolution in words, a priority whose target is
already used up. Frozen clock; a team open Monday to Friday 9–12, 14–17 (Paris)."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from notifications.models import Notification

from coopdesk import jobs
from coopdesk.models import Delivery, NoticeKind, NotificationPreference, OutboxEmail
from helpdesk import actions
from helpdesk.models import EventKind, Priority, ServiceTarget, State, Team, Ticket
from helpdesk.notices import next_step, ticket_detail, ticket_words
from tests.conftest import login

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def at(*args: int):
    return time_machine.travel(paris(*args), tick=False)


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def open_team(team):
    team.first_response_hours = 8
    team.save()
    for weekday in range(5):
        team.opening_ranges.create(weekday=weekday, starts=time(9), ends=time(12))
        team.opening_ranges.create(weekday=weekday, starts=time(14), ends=time(17))
    return team


def new_request(member, category, *when: int, subject: str = "Facture") -> Ticket:
    with at(*when):
        return actions.create_ticket(
            requester=member, category=category, subject=subject, body="Bonjour"
        )


# --- the expected wait ---------------------------------------------------------------------


def answered_at(member, category, agent, arrived: tuple, answered: tuple) -> Ticket:
    ticket = new_request(member, category, *arrived)
    with at(*answered):
        actions.add_reply(ticket, by=agent, body="Bien reçu.")
    return ticket


def test_the_pace_is_the_median_time_an_answer_took_once_the_team_could_turn_to_it(
    open_team, member, category, agent
):
    # A quiet Monday: each request answered 30 business minutes after it arrived (the
    # first one has no answer before it: it only starts the measure).
    for hour in (9, 10, 11, 14):
        answered_at(member, category, agent, (2026, 11, 30, hour), (2026, 11, 30, hour, 30))
    # A busy Tuesday: three waiting since 9:00, answered every 20 minutes.
    waiting = [new_request(member, category, 2026, 12, 1, 9) for _ in range(3)]
    for minutes, ticket in zip((20, 40, 60), waiting, strict=True):
        with at(2026, 12, 1, 9 + minutes // 60, minutes % 60):
            actions.add_reply(ticket, by=agent, body="Bien reçu.")
    open_team = Team.objects.get(pk=open_team.pk)
    # Spans: 30, 30, 30 (quiet), 20, 20, 20 (busy; the first from 9:00): median 25.
    assert actions.answer_pace(open_team) == 25
    assert actions.measure_answer_pace() == 1
    assert Team.objects.get(pk=open_team.pk).answer_minutes == 25
    assert actions.measure_answer_pace() == 0  # nothing changed, nothing written


def test_too_few_answers_give_no_pace_and_the_promise_is_said(open_team, member, category):
    ticket = new_request(member, category, 2026, 12, 4, 19)
    assert actions.answer_pace(open_team) is None
    with at(2026, 12, 5, 10):
        assert fresh(ticket).expected_first_answer(1) == ticket.first_response_due


def test_the_expected_answer_counts_her_place_in_business_time(open_team, member, category):
    Team.objects.filter(pk=open_team.pk).update(answer_minutes=50)
    for hour in (18, 19, 20):
        new_request(member, category, 2026, 12, 4, hour)
    fourth = new_request(member, category, 2026, 12, 4, 21, subject="Ma demande")
    with at(2026, 12, 5, 10):  # Saturday: the team opens Monday at 9:00
        ticket = fresh(fourth)
        assert ticket.place_in_line() == 4
        # Four places of 50 minutes from Monday 9:00, past the lunch break.
        assert ticket.expected_first_answer(4) == paris(2026, 12, 7, 14, 20)
        assert "number 4 in line" in next_step(ticket)
        said = next_step(ticket)
        # The estimate, and how it stands to the promise the page also states.
        assert ticket.first_response_due > paris(2026, 12, 7, 14, 20)
        assert ("At the team's current pace, the first answer should come by 7 December "
                "2026, 14:20, earlier than promised.") in said


def test_the_expected_answer_is_never_later_than_the_promise(open_team, member, category):
    Team.objects.filter(pk=open_team.pk).update(answer_minutes=600)  # a slow recent pace
    for hour in (18, 19, 20):
        new_request(member, category, 2026, 12, 4, hour)
    fourth = new_request(member, category, 2026, 12, 4, 21)
    with at(2026, 12, 5, 10):
        ticket = fresh(fourth)
        # "At the latest" one day and "expected" a later one would contradict each other.
        assert ticket.expected_first_answer(4) == ticket.first_response_due
        assert next_step(ticket).endswith(", as promised.")


def test_once_taken_her_request_says_who_has_it_not_her_place(open_team, member, category,
                                                              agent):
    new_request(member, category, 2026, 12, 4, 18)
    ticket = new_request(member, category, 2026, 12, 4, 19)
    with at(2026, 12, 7, 10):
        actions.claim_ticket(ticket, by=agent)
        said = next_step(fresh(ticket))
    assert "in line" not in said
    assert said.startswith("Nadia is on it; next update by")


def test_the_expected_answer_is_never_before_now_nor_while_closed(open_team, member, category):
    Team.objects.filter(pk=open_team.pk).update(answer_minutes=0)
    ticket = new_request(member, category, 2026, 12, 7, 12, 30)  # lunch break
    with at(2026, 12, 7, 12, 30):
        assert fresh(ticket).expected_first_answer(1) == paris(2026, 12, 7, 14)
    with at(2026, 12, 9, 10):  # long past its promise: from now, not in the past
        assert fresh(ticket).expected_first_answer(1) == paris(2026, 12, 9, 10)


def test_her_page_reads_the_expected_answer_with_the_team_in_one_query(
    open_team, member, category
):
    Team.objects.filter(pk=open_team.pk).update(answer_minutes=60)
    ticket = new_request(member, category, 2026, 12, 4, 19)
    client = login(member)
    with at(2026, 12, 5, 10):
        page = client.get(ticket.get_absolute_url()).content.decode()
    assert "First response promised by" in page  # the promise, and below it the estimate
    assert ("next in line. At the team's current pace, the first answer should come by "
            "7 December 2026, 10:00, earlier than promised.") in html.unescape(page)
    with at(2026, 12, 5, 10):
        page = client.get(ticket.get_absolute_url(), headers={"accept-language": "fr"})
    assert ("la prochaine. Au rythme actuel de l’équipe, la première réponse devrait arriver "
            "d’ici le 7 décembre 2026 10:00, plus tôt que promis.") in page.content.decode()


# --- waiting for the member: the reminder and the closing she is told of ----------------------


@pytest.fixture
def asked(open_team, member, category, agent) -> Ticket:
    ticket = new_request(member, category, 2026, 12, 4, 19)
    with at(2026, 12, 7, 10):
        actions.add_reply(ticket, by=agent, body="Quelle facture ?", then="wait")
    return fresh(ticket)


def test_her_page_announces_the_reminder_and_the_closing(asked, member):
    assert asked.reminds_on == paris(2026, 12, 14, 10)
    assert asked.closes_on == paris(2026, 12, 21, 10)
    with at(2026, 12, 8, 10):
        page = login(member).get(asked.get_absolute_url()).content.decode()
    assert "its response times are paused" in page and "from the member" not in page
    assert "a reminder goes out on 14 December 2026 and the request closes by itself on " \
        "21 December 2026" in page


def test_the_reminder_goes_on_the_announced_day_once_to_her(asked, member, agent):
    assert actions.remind_waiting(paris(2026, 12, 14, 9, 59)) == 0
    assert actions.remind_waiting(paris(2026, 12, 14, 10, 2)) == 1
    assert actions.remind_waiting(paris(2026, 12, 15, 10)) == 0  # once
    ticket = fresh(asked)
    assert ticket.state == State.WAITING and ticket.version == asked.version
    assert ticket.member_reminded_at == paris(2026, 12, 14, 10, 2)
    event = ticket.events.get(kind=EventKind.REMINDED)
    assert not event.is_internal and event.actor is None
    assert Notification.objects.filter(recipient=member, verb="reminded").count() == 1
    assert not Notification.objects.filter(recipient=agent, verb="reminded").exists()
    assert OutboxEmail.objects.filter(recipient=member, notification__verb="reminded").count() == 1
    words = ticket_words("reminded", ticket_detail("reminded", event.data), for_requester=True)
    assert words == ("Reminder: the team still needs your answer; without it, the request "
                     "closes by itself on 21 December 2026")
    assert "A reminder was sent on 14 December 2026" in next_step(ticket)


def test_the_reminder_respects_her_preferences(asked, member):
    NotificationPreference.objects.create(
        user=member, kind=NoticeKind.REMINDED, delivery=Delivery.APP
    )
    actions.remind_waiting(paris(2026, 12, 14, 10, 5))
    assert Notification.objects.filter(recipient=member, verb="reminded").count() == 1
    assert not OutboxEmail.objects.filter(recipient=member, notification__verb="reminded").exists()


def test_an_unanswered_question_closes_on_the_announced_day(asked, member):
    actions.remind_waiting(paris(2026, 12, 14, 10, 5))
    assert actions.close_unanswered(paris(2026, 12, 21, 9, 59)) == 0
    with at(2026, 12, 21, 10, 3):
        assert actions.close_unanswered() == 1
        assert actions.close_unanswered() == 0
    ticket = fresh(asked)
    assert ticket.state == State.CLOSED and ticket.closed_at == paris(2026, 12, 21, 10, 3)
    event = ticket.events.get(kind=EventKind.CLOSED)
    assert event.data == {"automatic": True, "unanswered": True, "days": 14}
    assert ticket_words("closed", ticket_detail("closed", event.data), for_requester=True) == (
        "Closed automatically: the team's question stayed unanswered 14 days"
    )
    assert Notification.objects.filter(recipient=member, verb="closed").count() == 1


def test_her_answer_stops_the_reminder_and_a_new_question_starts_again(asked, member, agent):
    actions.remind_waiting(paris(2026, 12, 14, 10, 5))
    with at(2026, 12, 15, 10):
        actions.add_reply(asked, by=member, body="La facture 12")
    ticket = fresh(asked)
    assert ticket.member_reminded_at is None and ticket.reminds_on is None
    assert actions.close_unanswered(paris(2026, 12, 22, 10)) == 0  # no longer waiting
    with at(2026, 12, 16, 10):
        actions.add_reply(ticket, by=agent, body="Et le montant ?", then="wait")
    assert fresh(ticket).closes_on == paris(2026, 12, 30, 10)
    assert actions.remind_waiting(paris(2026, 12, 22, 10)) == 0
    assert actions.remind_waiting(paris(2026, 12, 23, 10, 1)) == 1


def test_a_resolution_from_waiting_forgets_the_pause(asked, member, agent):
    with at(2026, 12, 8, 10):
        actions.resolve_ticket(asked, by=agent)
    ticket = fresh(asked)
    assert ticket.paused_at is None
    assert ticket.closes_on == paris(2026, 12, 15, 10)  # the resolved request's closing
    with at(2026, 12, 9, 10):
        actions.reopen_ticket(ticket, by=member)
        actions.wait_for_member(fresh(ticket), by=agent, note="Une pièce manque.")
    assert fresh(ticket).reminds_on == paris(2026, 12, 16, 10)  # from the new question


def test_the_worker_runs_the_reminder_and_the_closing(asked):
    names = [job.name for job in jobs.registered()]
    assert "remind members of unanswered questions" in names
    assert "close requests left unanswered" in names
    assert "measure the teams' answering pace" in names
    with at(2026, 12, 21, 10, 5):
        call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ticket = fresh(asked)
    assert ticket.state == State.CLOSED
    assert ticket.member_reminded_at is not None  # reminded first, in the same round


# --- late, in words ---------------------------------------------------------------------------


def test_a_late_update_and_a_late_resolution_are_said_in_words(
    open_team, member, category, agent
):
    ticket = new_request(member, category, 2026, 12, 4, 19)
    with at(2026, 12, 7, 10):
        actions.claim_ticket(ticket, by=agent)
        actions.add_reply(ticket, by=agent, body="Je regarde.")
    with at(2026, 12, 7, 11):
        actions.add_reply(ticket, by=member, body="Merci, et alors ?")
    assert fresh(ticket).next_update_due == paris(2026, 12, 8, 15)  # eight business hours
    client = login(member)
    with at(2026, 12, 8, 16):
        page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Late: the next update was promised by 8 December 2026, 15:00" in page
    assert "The update promised by 8 December 2026, 15:00 is late." in page
    assert "next update by" not in page
    with at(2026, 12, 8, 16, 30):
        actions.add_reply(ticket, by=agent, body="Voici.")
    with at(2026, 12, 16, 9):  # 40 business hours from Monday 9:00: Tuesday 15 at 15:00
        page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Late: the resolution was promised by 15 December 2026, 15:00" in page
    assert "The resolution promised by 15 December 2026, 15:00 is late." in page


# --- a priority whose target is already used up ----------------------------------------------


def test_a_target_already_used_up_makes_the_request_late_now(open_team, member, category, agent):
    ServiceTarget.objects.create(
        team=open_team, priority=Priority.URGENT, first_response_hours=2, next_update_hours=2,
        resolution_hours=8,
    )
    ticket = new_request(member, category, 2026, 12, 4, 19)
    with at(2026, 12, 7, 15):  # four business hours used: more than the urgent two
        actions.change_priority(ticket, by=agent, priority=Priority.URGENT)
        ticket = fresh(ticket)
        assert ticket.first_response_due == paris(2026, 12, 7, 15)
        assert ticket.due_at == paris(2026, 12, 7, 15) and ticket.is_late
    event = ticket.events.get(kind=EventKind.RESCHEDULED)
    assert event.data["promise"]["late"] is True
    words = ticket_words("rescheduled", ticket_detail("rescheduled", event.data),
                         for_requester=True)
    assert words == (
        "The first answer is now late: the team reassessed how urgent the request is."
    )


def test_a_moved_update_promise_is_told_with_its_reason(open_team, member, category, agent):
    ServiceTarget.objects.create(
        team=open_team, priority=Priority.LOW, first_response_hours=16, next_update_hours=16,
        resolution_hours=80,
    )
    ticket = new_request(member, category, 2026, 12, 4, 19)
    with at(2026, 12, 7, 10):
        actions.add_reply(ticket, by=agent, body="Je regarde.")
        actions.add_reply(ticket, by=member, body="Merci.")
    with at(2026, 12, 7, 11):
        actions.change_priority(ticket, by=agent, priority=Priority.LOW)
    event = fresh(ticket).events.get(kind=EventKind.RESCHEDULED)
    assert event.data["promise"]["what"] == "next"
    words = ticket_words("rescheduled", ticket_detail("rescheduled", event.data),
                         for_requester=True)
    assert words.startswith("Next update now expected by 9 December 2026")
    assert words.endswith(": the team reassessed how urgent the request is.")


def test_a_priority_change_while_paused_promises_nothing_before_her_answer(
    asked, open_team, agent
):
    """Paused, the time already used is counted up to the pause; she reads the new date
    when her answer resumes the clock."""
    ServiceTarget.objects.create(
        team=open_team, priority=Priority.URGENT, first_response_hours=2, next_update_hours=2,
        resolution_hours=8,
    )
    with at(2026, 12, 8, 10):
        actions.change_priority(asked, by=agent, priority=Priority.URGENT)
    ticket = fresh(asked)
    assert not ticket.events.filter(kind=EventKind.RESCHEDULED).exists()
    # One business hour used before the pause (Monday 9:00–10:00): the urgent eight
    # leave seven, counted from the pause.
    assert ticket.paused_at == paris(2026, 12, 7, 10) and ticket.due_at is None
    assert ticket.resolution_due == paris(2026, 12, 8, 11)


def test_her_place_and_expected_answer_cost_the_same_however_long_the_line(
    open_team, member, other_member, category
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Team.objects.filter(pk=open_team.pk).update(answer_minutes=30)
    client = login(member)

    def queries(ticket) -> int:
        with at(2026, 12, 5, 10), CaptureQueriesContext(connection) as captured:
            assert client.get(ticket.get_absolute_url()).status_code == 200
        return len(captured)

    first = new_request(member, category, 2026, 12, 4, 19)
    few = queries(first)
    for minute in range(6):
        new_request(other_member, category, 2026, 12, 4, 19, minute + 1)
    last = new_request(member, category, 2026, 12, 4, 20)
    assert queries(last) == few
    assert fresh(last).place_in_line() == 8


def test_the_resolved_request_closes_on_the_day_its_page_says(asked, member, agent):
    with at(2026, 12, 8, 10):
        actions.resolve_ticket(asked, by=agent)
        page = login(member).get(asked.get_absolute_url()).content.decode()
    assert "it closes by itself on 15 December 2026" in page
    closes = fresh(asked).closes_on
    assert closes == paris(2026, 12, 15, 10)
    assert actions.auto_close_resolved(closes - timedelta(seconds=1)) == 0
    assert actions.auto_close_resolved(closes) == 1


def test_the_reminder_email_says_when_the_request_closes_in_her_language(asked, member):
    from django.core import mail

    from coopdesk.outbox import send_pending

    OutboxEmail.objects.all().delete()
    with at(2026, 12, 14, 10, 5):
        actions.remind_waiting()
        send_pending()
    (email,) = [m for m in mail.outbox if member.email in m.to]
    assert "Relance\u00a0: l’équipe attend toujours votre réponse" in email.body
    assert "clôturée d’elle-même le 21 décembre 2026" in email.body
