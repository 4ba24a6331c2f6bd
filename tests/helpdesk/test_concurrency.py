"""Claims racing each other: exactly one agent wins, the others are told who.

The race is run for real on PostgreSQL: one thread per agent, each with its own database
connection, released together by a barrier. SQLite has no row locks to race on (its test
database is one in-memory file shared by the threads, where a second writer is refused
rather than queued), so there the same rule is checked one claim after the other.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import translation

from coopdesk.accounts.models import Role
from coopdesk.conflicts import Conflict
from helpdesk import actions
from helpdesk.models import EventKind, State, Ticket, TicketEvent
from tests.concurrency import needs_postgresql
from tests.factories import UserFactory


def in_thread(target, *args) -> threading.Thread:
    """Run `target` in a thread with its own connection, closed at the end."""

    def run():
        try:
            with translation.override("en"):
                target(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def agents(agent, other_agent, team):
    third = UserFactory(first_name="Inès", role=Role.AGENT)
    team.agents.add(third)
    return [agent, other_agent, third]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_parallel_claims_have_exactly_one_winner_and_the_others_are_told_who(
    ticket, agents, round_
):
    barrier = threading.Barrier(len(agents))
    results: dict[str, str] = {}

    def claim(agent):
        mine = Ticket.objects.get(pk=ticket.pk)  # each agent's page, loaded before the race
        connection.ensure_connection()
        barrier.wait(timeout=30)
        try:
            actions.claim_ticket(mine, by=agent, expected_version=mine.version)
            results[agent.first_name] = "won"
        except Conflict as refused:
            results[agent.first_name] = refused.message

    threads = [in_thread(claim, agent) for agent in agents]
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == len(agents), results

    winners = [name for name, result in results.items() if result == "won"]
    assert len(winners) == 1, results
    (winner,) = winners
    for name, result in results.items():
        if name != winner:
            assert result == f"{winner} has already taken this request.", results
    ticket.refresh_from_db()
    assert (ticket.state, ticket.assignee.first_name, ticket.version) == (State.OPEN, winner, 2)
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_parallel_answers_make_exactly_one_handler_and_keep_every_answer(
    ticket, agents, round_
):
    """Answering a request nobody handles takes it: agents answering at once each see it
    in the queue, one becomes its handler, and none loses her message."""
    barrier = threading.Barrier(len(agents))
    failed: list[Exception] = []

    def answer(agent):
        mine = Ticket.objects.get(pk=ticket.pk)  # each agent's page, loaded before the race
        connection.ensure_connection()
        barrier.wait(timeout=30)
        try:
            actions.add_reply(mine, by=agent, body=f"Réponse de {agent.first_name}")
        except Exception as error:  # reported below
            failed.append(error)

    threads = [in_thread(answer, agent) for agent in agents]
    for thread in threads:
        thread.join(timeout=60)
    assert not failed, failed

    ticket.refresh_from_db()
    taken = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ASSIGNED)
    assert ticket.assignee in agents
    assert (taken.actor, ticket.state) == (ticket.assignee, State.OPEN)
    assert sorted(ticket.messages.values_list("author__first_name", flat=True)) == sorted(
        agent.first_name for agent in agents
    )
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLIED).count() == len(agents)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_working_one_request_does_not_hold_up_the_teams_other_requests(
    ticket, member, category, other_category, agent, other_agent
):
    """Locking a request must not lock its team's row: colleagues work in parallel."""
    second = actions.create_ticket(requester=member, category=category, subject="2", body="B")
    locked, release = threading.Event(), threading.Event()

    def hold_first():
        with transaction.atomic():
            actions.claim_ticket(ticket, by=agent)
            locked.set()
            release.wait(timeout=30)

    thread = in_thread(hold_first)
    try:
        assert locked.wait(timeout=30)
        with transaction.atomic():
            with connection.cursor() as cursor:  # waiting on a lock fails instead of hanging
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            actions.claim_ticket(second, by=other_agent)
            actions.transfer_ticket(
                second, by=other_agent, to_team=other_category.team, reason="Litige"
            )
    finally:
        release.set()
        thread.join(timeout=30)
    assert Ticket.objects.get(pk=second.pk).team == other_category.team
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


def test_claims_one_after_the_other_have_one_winner(ticket, agents):
    """The same rule without parallelism, on every database (SQLite included)."""
    first, second, third = agents
    page_version = ticket.version
    actions.claim_ticket(Ticket.objects.get(pk=ticket.pk), by=first, expected_version=page_version)
    for late in (second, third):
        with pytest.raises(Conflict) as refused:
            actions.claim_ticket(
                Ticket.objects.get(pk=ticket.pk), by=late, expected_version=page_version
            )
        assert refused.value.message == "Nadia has already taken this request."
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.version) == (first, 2)
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).count() == 1


def test_answers_one_after_the_other_make_the_first_the_handler(ticket, agents):
    """The same rule without parallelism, on every database (SQLite included)."""
    for agent in agents:
        actions.add_reply(Ticket.objects.get(pk=ticket.pk), by=agent, body=agent.first_name)
    ticket.refresh_from_db()
    assert ticket.assignee == agents[0]
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).count() == 1
    assert ticket.messages.count() == len(agents)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings only")
def test_sqlite_takes_the_write_lock_when_the_transaction_starts():
    """With BEGIN IMMEDIATE, two writers queue on the file lock instead of failing mid-way:
    that is what makes the sequential rule above hold for `make run` with several threads."""
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
