"""Replies and internal notes kept as drafts while typed: back after a reload or on another
device, cleared when sent, and never anyone else's."""

from __future__ import annotations

from django.urls import reverse

from helpdesk import actions
from helpdesk.models import Draft
from tests.conftest import login
from tests.helpdesk.flows import save_draft


def test_a_reply_being_typed_comes_back_on_another_device(agent, ticket):
    response = save_draft(login(agent), ticket, "reply", "Bonjour Camille, nous regardons")
    assert response.status_code == 200 and response.json()["saved_at"]
    page = login(agent).get(ticket.get_absolute_url()).content.decode()
    assert "Bonjour Camille, nous regardons</textarea>" in page


def test_a_note_being_typed_comes_back_and_sending_clears_it(agent, ticket):
    client = login(agent)
    save_draft(client, ticket, "note", "Client connu")
    assert "Client connu</textarea>" in client.get(ticket.get_absolute_url()).content.decode()
    actions.add_note(ticket, by=agent, body="Client connu")
    assert not Draft.objects.exists()


def test_sending_the_reply_clears_its_draft(member, ticket):
    client = login(member)
    save_draft(client, ticket, "reply", "Voici la facture")
    assert Draft.objects.filter(owner=member, ticket=ticket).exists()
    client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"body": "Voici la facture"})
    assert not Draft.objects.exists()


def test_an_emptied_box_leaves_no_draft(agent, ticket):
    client = login(agent)
    save_draft(client, ticket, "reply", "Début")
    assert save_draft(client, ticket, "reply", "  ").json() == {"saved_at": None}
    assert not Draft.objects.exists()


def test_someone_elses_draft_is_never_shown(agent, other_agent, ticket):
    save_draft(login(agent), ticket, "reply", "Brouillon de Nadia")
    page = login(other_agent).get(ticket.get_absolute_url()).content.decode()
    assert "Brouillon de Nadia" not in page
    save_draft(login(other_agent), ticket, "reply", "Celui de Yanis")
    assert Draft.objects.get(owner=agent).body == "Brouillon de Nadia"


def test_drafts_on_requests_one_may_not_open_or_notes_of_members_are_refused(
    member, other_member, outside_agent, ticket
):
    for person in (other_member, outside_agent):
        assert save_draft(login(person), ticket, "reply", "x").status_code == 404
    assert save_draft(login(member), ticket, "note", "x").status_code == 404
    assert save_draft(login(member), ticket, "autre", "x").status_code == 400
    assert save_draft(login(member), ticket, "reply", "x" * 10_001).status_code == 400
    assert not Draft.objects.exists()


def test_reply_drafts_are_not_listed_as_new_requests(member, ticket):
    save_draft(login(member), ticket, "reply", "Ma réponse en cours")
    listing = login(member).get(reverse("helpdesk:ticket-list")).content.decode()
    assert "Ma réponse en cours" not in listing
