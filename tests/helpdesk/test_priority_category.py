"""Priority and category changes are recorded steps with a reason. The category changes
only within the team (another team's is a transfer); the member sees a category change and
why, never the priority."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coopdesk.conflicts import Conflict
from helpdesk import actions
from helpdesk.models import EventKind, Priority, Ticket
from tests.conftest import login
from tests.factories import CategoryFactory


@pytest.fixture
def sibling(team):
    return CategoryFactory(team=team, label="Un devis à relire")


def test_a_category_change_is_a_step_the_member_reads(agent_client, member, ticket, sibling):
    url = reverse("helpdesk:ticket-category", args=[ticket.pk])
    response = agent_client.post(url, {"version": ticket.version, "category": sibling.pk,
                                       "reason": "C'est un devis, pas une facture"})
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.category == sibling and ticket.team == sibling.team
    event = ticket.events.get(kind=EventKind.CATEGORY)
    assert not event.is_internal and event.note == "C'est un devis, pas une facture"
    assert member.notifications.filter(verb="category").exists()
    page = login(member).get(ticket.get_absolute_url()).content.decode()
    assert "Un devis à relire" in page and "C&#x27;est un devis, pas une facture" in page


def test_another_teams_category_is_a_transfer(agent, ticket, other_category):
    with pytest.raises(Conflict):
        actions.change_category(ticket, by=agent, category=other_category, reason="Litige")
    assert Ticket.objects.get(pk=ticket.pk).category_id == ticket.category_id


def test_the_category_page_offers_only_the_teams_categories(agent_client, ticket, sibling,
                                                            other_category):
    url = reverse("helpdesk:ticket-category", args=[ticket.pk])
    response = agent_client.post(url, {"version": ticket.version,
                                       "category": other_category.pk, "reason": "x"})
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).category_id == ticket.category_id


def test_a_category_change_needs_a_reason(agent_client, agent, ticket, sibling):
    url = reverse("helpdesk:ticket-category", args=[ticket.pk])
    response = agent_client.post(url, {"version": ticket.version, "category": sibling.pk})
    assert response.status_code == 400
    with pytest.raises(Conflict):
        actions.change_category(ticket, by=agent, category=sibling, reason="  ")


def test_only_the_team_changes_the_category(member, outside_agent, ticket, sibling):
    for person in (member, outside_agent):
        with pytest.raises(PermissionDenied):
            actions.change_category(ticket, by=person, category=sibling, reason="x")


def test_a_stale_form_is_refused(agent, ticket, sibling):
    with pytest.raises(Conflict):
        actions.change_category(ticket, by=agent, category=sibling, reason="x",
                                expected_version=ticket.version - 1)


def test_a_priority_change_keeps_its_reason_and_stays_with_the_team(agent_client, member, ticket):
    url = reverse("helpdesk:ticket-priority", args=[ticket.pk])
    response = agent_client.post(url, {"version": ticket.version, "priority": Priority.URGENT,
                                       "reason": "Huissier demain"})
    assert response.status_code == 302
    event = Ticket.objects.get(pk=ticket.pk).events.get(kind=EventKind.PRIORITY)
    assert event.is_internal and event.note == "Huissier demain"
    assert not member.notifications.filter(verb="priority").exists()
    page = login(member).get(ticket.get_absolute_url()).content.decode()
    assert "Huissier demain" not in page
    assert "Priority changed" not in page and "Priorité modifiée" not in page
    assert "Huissier demain" in agent_client.get(ticket.get_absolute_url()).content.decode()


def test_a_priority_change_needs_a_reason(agent_client, ticket):
    url = reverse("helpdesk:ticket-priority", args=[ticket.pk])
    response = agent_client.post(url, {"version": ticket.version, "priority": Priority.URGENT})
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).priority == ticket.priority
