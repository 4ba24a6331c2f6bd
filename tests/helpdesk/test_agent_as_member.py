"""An agent who files a request with another team is that team's member there.

Julien works in the client-relations team; he asks the legal team to review a contract. On
that request he must see and do what any member sees and does: no internal notes of the legal
team, none of their files, none of their steps. The legal team's agent, on the same page, sees
everything (which is what makes each refusal below able to fail).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from helpdesk import actions
from helpdesk.models import EventKind, Message, State, Ticket, is_team_agent
from tests.conftest import login
from tests.helpdesk.flows import pdf

NOTE_TEXT = "Note interne : ce client a déjà refusé deux avenants"
NOTE_FILE = "analyse-interne.pdf"


@pytest.fixture
def filed(outside_agent, category, agent):
    """Julien's request to the team of `category`, answered, with an internal note."""
    ticket = actions.create_ticket(
        requester=outside_agent, category=category, subject="Relire mon contrat client",
        body="Pouvez-vous relire le contrat ?",
    )
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Nous le relisons cette semaine.")
    note = actions.add_note(ticket, by=agent, body=NOTE_TEXT, files=[pdf(NOTE_FILE)])
    return Ticket.objects.get(pk=ticket.pk), note


def page(client, ticket, name="ticket-detail") -> str:
    response = client.get(reverse(f"helpdesk:{name}", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_handling_team_sees_its_notes_and_tools(filed, agent):
    ticket, _ = filed
    html = page(login(agent), ticket)
    assert NOTE_TEXT in html and NOTE_FILE in html
    assert reverse("helpdesk:ticket-note", args=[ticket.pk]) in html
    assert reverse("helpdesk:ticket-transfer", args=[ticket.pk]) in html


@pytest.mark.parametrize("name", ["ticket-detail", "ticket-live"])
def test_filing_agent_reads_it_as_a_member(filed, outside_agent, name):
    ticket, _ = filed
    html = page(login(outside_agent), ticket, name)
    assert "Nous le relisons cette semaine." in html  # the public thread, yes
    assert NOTE_TEXT not in html and NOTE_FILE not in html
    for tool in ("ticket-note", "ticket-transfer", "ticket-assign"):
        assert reverse(f"helpdesk:{tool}", args=[ticket.pk]) not in html
    assert reverse("helpdesk:ticket-step", args=[ticket.pk, "resolve"]) not in html


def test_note_file_is_not_served_to_the_filing_agent(filed, outside_agent, agent):
    _, note = filed
    url = reverse("helpdesk:attachment-download", args=[note.attachments.get().pk])
    assert login(agent).get(url).status_code == 200
    assert login(outside_agent).get(url).status_code == 404


def test_filing_agent_cannot_write_a_note_there(filed, outside_agent):
    ticket, _ = filed
    before = Message.objects.count()
    response = login(outside_agent).post(
        reverse("helpdesk:ticket-note", args=[ticket.pk]), {"body": "Je note"}
    )
    assert response.status_code == 404
    assert Message.objects.count() == before
    with pytest.raises(PermissionDenied):
        actions.add_note(ticket, by=outside_agent, body="Je note")


@pytest.mark.parametrize("step", ["resolve", "wait", "close"])
def test_filing_agent_cannot_run_the_team_steps(filed, outside_agent, step):
    ticket, _ = filed
    response = login(outside_agent).post(
        reverse("helpdesk:ticket-step", args=[ticket.pk, step]), {"version": ticket.version}
    )
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_filing_agent_cannot_assign_or_transfer(filed, outside_agent, other_category):
    ticket, _ = filed
    client = login(outside_agent)
    assign = client.post(reverse("helpdesk:ticket-assign", args=[ticket.pk]),
                         {"version": ticket.version, "assignee": ""})
    transfer = client.post(reverse("helpdesk:ticket-transfer", args=[ticket.pk]),
                           {"version": ticket.version, "category": other_category.pk,
                            "reason": "Pas pour vous"})
    assert (assign.status_code, transfer.status_code) == (403, 403)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.version, fresh.team_id) == (ticket.version, ticket.team_id)


def test_filing_agents_reply_answers_the_team_as_a_member(filed, outside_agent, agent):
    ticket, _ = filed
    actions.wait_for_member(ticket, by=agent, note="Avez-vous l'annexe ?")
    response = login(outside_agent).post(
        reverse("helpdesk:ticket-reply", args=[ticket.pk]),
        {"body": "La voici", "then": "resolve"},  # a member's form has no "then": ignored
    )
    assert response.status_code == 302
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.state == State.OPEN
    assert fresh.events.latest("pk").kind == EventKind.ANSWERED


def test_filing_agent_is_not_told_of_internal_notes(filed, outside_agent, agent):
    ticket, _ = filed
    from coopdesk import notify

    notify.set_subscription(user=outside_agent, ticket=ticket, mode="follow")
    before = outside_agent.notifications.count()
    actions.add_note(ticket, by=agent, body="Encore une note")
    actions.add_reply(ticket, by=agent, body="Réponse publique")
    assert outside_agent.notifications.count() == before + 1  # the reply only


def test_team_agent_rule(filed, outside_agent, agent, admin_user, member):
    ticket, _ = filed
    assert is_team_agent(ticket, agent) and is_team_agent(ticket, admin_user)
    assert not is_team_agent(ticket, outside_agent)
    assert not is_team_agent(ticket, member)
