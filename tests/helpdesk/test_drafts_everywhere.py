"""Nothing typed is lost: step notes and reasons on a request are kept as drafts while typed
(back after a reload, on another device, after a stale-form refusal), cleared when sent,
never anyone else's, bounded like their fields, and forgotten after weeks untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk import actions
from helpdesk.models import Draft, Ticket
from tests.conftest import login
from tests.helpdesk.flows import save_draft


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def transfer_page(client, ticket) -> str:
    return client.get(reverse("helpdesk:ticket-transfer", args=[ticket.pk])).content.decode()


def test_a_transfer_reason_comes_back_on_another_device_and_goes_once_sent(
    agent, ticket, other_category
):
    response = save_draft(login(agent), ticket, "transfer", "C'est une question de paie")
    assert response.status_code == 200
    assert "C&#x27;est une question de paie</textarea>" in transfer_page(login(agent), ticket)
    response = login(agent).post(
        reverse("helpdesk:ticket-transfer", args=[ticket.pk]),
        {"version": fresh(ticket).version, "category": other_category.pk,
         "reason": "C'est une question de paie"},
    )
    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_a_category_reason_comes_back_and_goes_once_sent(agent, ticket, category):
    from tests.factories import CategoryFactory

    sibling = CategoryFactory(team=category.team, label="Un devis à relire")
    save_draft(login(agent), ticket, "category", "Plutôt un devis")
    assert "Plutôt un devis</textarea>" in transfer_page(login(agent), ticket)
    actions.change_category(fresh(ticket), by=agent, category=sibling, reason="Plutôt un devis")
    assert not Draft.objects.exists()


def test_a_priority_reason_comes_back_on_the_request_page_and_goes_once_sent(agent, ticket):
    save_draft(login(agent), ticket, "priority", "Client en difficulté")
    page = login(agent).get(ticket.get_absolute_url()).content.decode()
    assert "Client en difficulté</textarea>" in page
    actions.change_priority(fresh(ticket), by=agent, priority=4, reason="Client en difficulté")
    assert not Draft.objects.exists()


@pytest.fixture
def resolved(ticket, agent):
    actions.add_reply(ticket, by=agent, body="Voici la réponse", then="resolve")
    return fresh(ticket)


def test_the_members_reopening_note_comes_back_and_goes_once_sent(member, resolved):
    client = login(member)
    assert save_draft(client, resolved, "reopen", "Il manque le devis").status_code == 200
    page = client.get(resolved.get_absolute_url()).content.decode()
    assert "Il manque le devis</textarea>" in page
    response = client.post(reverse("helpdesk:ticket-step", args=[resolved.pk, "reopen"]),
                           {"version": resolved.version, "note": "Il manque le devis"})
    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_the_members_withdrawal_note_comes_back_and_goes_once_sent(member, ticket):
    client = login(member)
    save_draft(client, ticket, "withdraw", "Réglé avec le client")
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Réglé avec le client</textarea>" in page
    actions.withdraw_ticket(fresh(ticket), by=member, note="Réglé avec le client")
    assert not Draft.objects.exists()


def test_reasons_and_step_notes_are_only_for_who_sends_them(
    member, other_member, agent, outside_agent, ticket
):
    for kind in ("transfer", "category", "priority"):
        assert save_draft(login(member), ticket, kind, "x").status_code == 404
        assert save_draft(login(outside_agent), ticket, kind, "x").status_code == 404
    for kind in ("reopen", "withdraw"):
        assert save_draft(login(agent), ticket, kind, "x").status_code == 404
        assert save_draft(login(other_member), ticket, kind, "x").status_code == 404
    assert not Draft.objects.exists()


def test_someone_elses_reason_is_never_shown(agent, other_agent, ticket):
    save_draft(login(agent), ticket, "transfer", "Le motif de Nadia")
    save_draft(login(agent), ticket, "priority", "La priorité de Nadia")
    assert "Le motif de Nadia" not in transfer_page(login(other_agent), ticket)
    page = login(other_agent).get(ticket.get_absolute_url()).content.decode()
    assert "La priorité de Nadia" not in page


def test_drafts_are_bounded_like_their_fields(agent, ticket):
    assert save_draft(login(agent), ticket, "transfer", "x" * 5_001).status_code == 400
    assert save_draft(login(agent), ticket, "transfer", "x" * 5_000).status_code == 200
    assert save_draft(login(agent), ticket, "note", "x" * 10_001).status_code == 400


def test_a_stale_form_offers_the_text_back_and_keeps_its_draft(agent, ticket):
    client = login(agent)
    save_draft(client, ticket, "priority", "Le client attend depuis lundi")
    stale = fresh(ticket).version
    actions.acknowledge_ticket(fresh(ticket), by=agent)  # someone moved the request meanwhile
    response = client.post(reverse("helpdesk:ticket-priority", args=[ticket.pk]),
                           {"version": stale, "priority": 4,
                            "reason": "Le client attend depuis lundi"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Le client attend depuis lundi</textarea>" in page
    assert "readonly" in page and "data-copy=" in page
    assert f'value="{stale}"' not in page  # the form's hidden numbers are not "typed text"
    # The draft stays, so the reloaded page gives the reason back too.
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Le client attend depuis lundi</textarea>" in page


def test_a_stale_reply_keeps_its_draft(member, agent, ticket):
    client = login(agent)
    save_draft(client, ticket, "reply", "Nous avons relancé le client")
    actions.withdraw_ticket(fresh(ticket), by=member)
    response = client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]),
                           {"body": "Nous avons relancé le client"})
    assert response.status_code == 409
    assert "Nous avons relancé le client</textarea>" in response.content.decode()
    assert Draft.objects.filter(owner=agent, body="Nous avons relancé le client").exists()


def test_the_worker_forgets_drafts_left_for_weeks(agent, ticket):
    save_draft(login(agent), ticket, "reply", "Ancien")
    save_draft(login(agent), ticket, "note", "Récent")
    Draft.objects.filter(body="Ancien").update(
        updated_at=timezone.now() - timedelta(days=actions.DRAFT_KEEP_DAYS + 1)
    )
    assert actions.forget_old_drafts() == 1
    assert list(Draft.objects.values_list("body", flat=True)) == ["Récent"]


def test_a_merge_note_comes_back_and_goes_once_merged(member, agent, category, ticket):
    twin = actions.create_ticket(requester=member, category=category, subject="Doublon",
                                 body="Encore")
    client = login(agent)
    assert save_draft(client, twin, "merge", "Même facture").status_code == 200
    page = client.get(reverse("helpdesk:ticket-merge", args=[twin.pk])).content.decode()
    assert "Même facture</textarea>" in page
    assert save_draft(login(member), twin, "merge", "x").status_code == 404
    actions.merge_tickets(fresh(twin), into=fresh(ticket), by=agent, reason="Même facture")
    assert not Draft.objects.exists()


def test_erasing_a_member_also_forgets_the_teams_drafts_about_her(member, agent, ticket):
    from helpdesk.privacy import erase_requests

    save_draft(login(agent), ticket, "transfer", "Camille est en difficulté")
    save_draft(login(member), ticket, "reply", "Ma réponse")
    erase_requests(member)
    assert not Draft.objects.exists()
