"""Automatic assignment (round robin, least loaded, capacity) and agents' absences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from coopdesk.accounts.models import Role
from coopdesk.conflicts import Conflict
from helpdesk import actions
from helpdesk.models import Assignment, EventKind, State, Ticket
from helpdesk.notices import ticket_detail, ticket_words
from tests.concurrency import needs_postgresql, run_together
from tests.factories import UserFactory


def new_request(member, category, subject="Facture"):
    return actions.create_ticket(requester=member, category=category, subject=subject, body="B")


def set_rule(team, rule, capacity=None):
    team.assignment, team.agent_capacity = rule, capacity
    team.save()


def counts(agents) -> dict[int, int]:
    return {a.pk: Ticket.objects.filter(assignee=a).active().count() for a in agents}


@pytest.fixture
def trio(team, agent, other_agent):
    third = UserFactory(first_name="Inès", role=Role.AGENT, teams=[team])
    return [agent, other_agent, third]


def today():
    return timezone.localdate()


# --- the rule -------------------------------------------------------------------------------


def test_a_manual_team_leaves_new_requests_in_the_queue(member, category, trio):
    ticket = new_request(member, category)
    assert (ticket.assignee, ticket.state) == (None, State.NEW)


def test_round_robin_takes_turns_and_says_assigned_automatically(member, category, team, trio):
    set_rule(team, Assignment.ROUND_ROBIN)
    tickets = [new_request(member, category, f"R{i}") for i in range(6)]
    assert [t.assignee.first_name for t in tickets] == [a.first_name for a in trio] * 2
    event = tickets[0].events.get(kind=EventKind.ASSIGNED)
    assert event.actor is None and event.data["auto"] is True
    with translation.override("en"):
        words = ticket_words("assigned", ticket_detail("assigned", event.data),
                             for_requester=True)
    assert words == f"Assigned automatically to {trio[0].first_name}"
    with translation.override("fr"):
        words = ticket_words("assigned", ticket_detail("assigned", event.data),
                             for_requester=True)
    assert words.startswith("Attribuée automatiquement")


def test_round_robin_skips_agents_away_and_at_capacity(member, category, team, trio):
    first, second, third = trio
    set_rule(team, Assignment.ROUND_ROBIN, capacity=2)
    second.away_from, second.away_until = today() - timedelta(days=1), today() + timedelta(days=3)
    second.save()
    third.capacity = 1
    third.save()
    names = [new_request(member, category, f"R{i}").assignee for i in range(5)]
    # Nadia twice (the team's limit), Inès once (her own), then nobody with room: the queue.
    assert [n.first_name if n else None for n in names] == [
        first.first_name, third.first_name, first.first_name, None, None
    ]


def test_least_loaded_gives_to_the_agent_with_fewest_open_requests(
    member, category, team, trio
):
    first, second, third = trio
    for _ in range(2):
        actions.claim_ticket(new_request(member, category), by=first)
    actions.claim_ticket(new_request(member, category), by=second)
    set_rule(team, Assignment.LEAST_LOADED)
    assert new_request(member, category).assignee == third
    assert new_request(member, category).assignee in (second, third)
    new_request(member, category)
    assert counts(trio) == {first.pk: 2, second.pk: 2, third.pk: 2}


def test_a_transfer_into_an_automatic_team_is_assigned(
    member, category, other_team, outside_agent, agent
):
    set_rule(other_team, Assignment.ROUND_ROBIN)
    ticket = new_request(member, category)
    ticket = actions.transfer_ticket(ticket, by=agent, to_team=other_team, reason="Litige")
    assert ticket.assignee == outside_agent
    assert ticket.events.filter(kind=EventKind.ASSIGNED, data__auto=True).exists()


def test_round_robin_spreads_evenly_with_agents_away(member, category, team):
    agents = [UserFactory(role=Role.AGENT, teams=[team]) for _ in range(8)]
    for agent in agents[:2]:
        agent.away_from = today()
        agent.save()
    set_rule(team, Assignment.ROUND_ROBIN)
    for i in range(45):
        new_request(member, category, f"R{i}")
    loads = counts(agents[2:])
    assert max(loads.values()) - min(loads.values()) <= 1
    assert sum(counts(agents[:2]).values()) == 0


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_round_robin_is_fair_under_concurrency(member, category, team):
    agents = [UserFactory(role=Role.AGENT, teams=[team]) for _ in range(5)]
    set_rule(team, Assignment.ROUND_ROBIN)

    def open_some(n):
        for i in range(10):
            new_request(member, category, f"T{n}-{i}")

    assert run_together(open_some, [(n,) for n in range(6)]) == []
    loads = counts(agents)
    assert sum(loads.values()) == 60 and max(loads.values()) == min(loads.values()) == 12


# --- absences -----------------------------------------------------------------------------


def test_assigning_to_an_absent_agent_is_refused(ticket, agent, other_agent):
    other_agent.away_from, other_agent.away_until = today(), today() + timedelta(days=7)
    other_agent.save()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        actions.assign_ticket(ticket, by=agent, to=other_agent)
    assert refused.value.message.startswith(f"{other_agent.first_name} is away until")
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_the_assign_page_answers_409_for_an_absent_agent(agent_client, ticket, other_agent):
    other_agent.away_from = today()
    other_agent.save()
    response = agent_client.post(
        reverse("helpdesk:ticket-assign", args=[ticket.pk]),
        {"version": ticket.version, "assignee": other_agent.pk},
    )
    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_an_absence_starting_today_hands_requests_to_the_colleague(
    member, category, agent, other_agent
):
    tickets = [new_request(member, category, f"R{i}") for i in range(2)]
    for ticket in tickets:
        actions.claim_ticket(ticket, by=agent)
    moved = actions.set_absence(agent, by=agent, away_from=today(), away_until=None,
                                backup=other_agent)
    assert moved == 2
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == other_agent
        event = ticket.events.filter(kind=EventKind.ASSIGNED).latest("pk")
        assert event.actor is None and event.data["away"] == agent.first_name
        with translation.override("en"):
            words = ticket_words("assigned", ticket_detail("assigned", event.data),
                                 for_requester=True)
        assert words == f"{other_agent.first_name} takes over while {agent.first_name} is away"


def test_a_future_absence_waits_for_the_worker(member, category, agent, other_agent):
    ticket = new_request(member, category)
    actions.claim_ticket(ticket, by=agent)
    tomorrow = today() + timedelta(days=1)
    assert actions.set_absence(agent, by=agent, away_from=tomorrow, away_until=None,
                               backup=None) == 0
    assert actions.hand_over_absent() == 0
    agent.away_from = today()  # the day has come
    agent.save()
    assert actions.hand_over_absent() == 1
    ticket.refresh_from_db()
    assert ticket.assignee is None and ticket.state == State.OPEN
    assert actions.hand_over_absent() == 0  # once


def test_without_a_colleague_an_automatic_team_picks_someone_in(
    member, category, team, trio
):
    first, second, third = trio
    ticket = new_request(member, category)
    actions.claim_ticket(ticket, by=first)
    set_rule(team, Assignment.ROUND_ROBIN)
    actions.set_absence(first, by=first, away_from=today(), away_until=None, backup=None)
    ticket.refresh_from_db()
    assert ticket.assignee in (second, third)


def test_the_members_page_names_who_handles_her_request_now(
    client, member, category, agent, other_agent
):
    ticket = new_request(member, category)
    actions.claim_ticket(ticket, by=agent)
    other_agent.first_name = "Bérénice"
    other_agent.save()
    actions.set_absence(agent, by=agent, away_from=today(), away_until=None, backup=other_agent)
    client.force_login(member)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Bérénice" in page


def test_only_oneself_or_the_teams_lead_sets_an_absence(agent, other_agent, lead, outside_agent):
    for outsider in (other_agent, outside_agent):
        with pytest.raises(Exception) as refused:
            actions.set_absence(agent, by=outsider, away_from=today(), away_until=None,
                                backup=None)
        assert refused.type.__name__ == "PermissionDenied"
    actions.set_absence(agent, by=lead, away_from=today(), away_until=None, backup=other_agent,
                        capacity=5)
    agent.refresh_from_db()
    assert (agent.away_from, agent.backup_advisor, agent.capacity) == (today(), other_agent, 5)


def test_an_absence_that_ends_before_it_starts_is_refused(agent):
    with pytest.raises(Conflict):
        actions.set_absence(agent, by=agent, away_from=today(),
                            away_until=today() - timedelta(days=1), backup=None)


# --- pages -------------------------------------------------------------------------------


def test_the_agent_sets_her_own_absence(agent_client, agent, other_agent, ticket):
    actions.claim_ticket(ticket, by=agent)
    url = reverse("helpdesk:absence-edit")
    assert agent_client.get(url).status_code == 200
    response = agent_client.post(url, {"away_from": today().isoformat(), "away_until": "",
                                       "backup": other_agent.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == other_agent


def test_an_absence_ending_before_it_starts_is_told_as_an_error(settings, agent_client):
    """Said as what to fix, not as a statement of fact."""
    data = {"away_from": (today() + timedelta(days=10)).isoformat(),
            "away_until": today().isoformat()}
    response = agent_client.post(reverse("helpdesk:absence-edit"), data)
    assert response.status_code == 400
    assert "The absence must end after it starts." in response.content.decode()
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        response = agent_client.post(reverse("helpdesk:absence-edit"), data)
    assert "La fin de l&#x27;absence doit venir après son début." in response.content.decode()


def test_the_absence_form_refuses_a_colleague_of_no_team_of_hers(
    agent_client, outside_agent
):
    response = agent_client.post(reverse("helpdesk:absence-edit"), {
        "away_from": today().isoformat(), "backup": outside_agent.pk,
    })
    assert response.status_code == 400


def test_the_lead_sets_the_rule_and_an_agents_absence(client, lead, team, agent, other_agent):
    client.force_login(lead)
    url = reverse("helpdesk:team-settings", args=[team.slug])
    page = client.get(url).content.decode()
    # What members are promised is the administrator's to change: the lead is told whom to ask.
    assert "set by the cooperative's administrator" in page
    assert reverse("admin:helpdesk_team_change", args=[team.pk]) not in page
    response = client.post(url, {"assignment": "least_loaded", "agent_capacity": "8"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.assignment, team.agent_capacity) == ("least_loaded", 8)
    url = reverse("helpdesk:agent-absence", args=[team.slug, agent.pk])
    response = client.post(url, {"away_from": today().isoformat(), "backup": other_agent.pk,
                                 "capacity": "3"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.backup_advisor, agent.capacity) == (other_agent, 3)


def test_an_agent_who_does_not_lead_cannot_change_the_rule(agent_client, team, other_agent):
    url = reverse("helpdesk:team-settings", args=[team.slug])
    assert agent_client.post(url, {"assignment": "round_robin"}).status_code == 403
    url = reverse("helpdesk:agent-absence", args=[team.slug, other_agent.pk])
    assert agent_client.get(url).status_code == 403
    team.refresh_from_db()
    assert team.assignment == Assignment.MANUAL
