"""Merging a duplicate into the request kept, and linking related requests."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coopdesk.conflicts import Conflict
from coopdesk.models import OutboxEmail
from coopdesk.outbox import send_pending
from helpdesk import actions
from helpdesk.models import Attachment, Channel, EventKind, State, Ticket
from helpdesk.notices import ticket_detail, ticket_words
from tests.conftest import login
from tests.factories import UserFactory
from tests.helpdesk.flows import pdf


@pytest.fixture
def duplicate(member, category, agent):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Encore ma facture F-12",
        body="Je relance pour la facture F-12.", files=[pdf("facture-f12.pdf")],
    )
    actions.add_reply(ticket, by=member, body="Et voici le bon de commande.",
                      files=[pdf("bon.pdf")])
    actions.add_note(ticket, by=agent, body="Doublon probable de F-12")
    return Ticket.objects.get(pk=ticket.pk)



def merge_url(ticket) -> str:
    return reverse("helpdesk:ticket-merge", args=[ticket.pk])


def test_merging_closes_the_duplicate_and_moves_its_messages(agent, member, ticket, duplicate):
    watcher = UserFactory(first_name="Inès")
    duplicate.watchers.add(watcher)
    response = login(agent).post(merge_url(duplicate), {
        "version": duplicate.version, "other": ticket.reference, "reason": "Même facture",
    })
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    duplicate = Ticket.objects.get(pk=duplicate.pk)
    assert duplicate.state == State.CLOSED and duplicate.merged_into_id == ticket.pk
    assert duplicate.events.filter(kind=EventKind.MERGED).exists()
    kept = Ticket.objects.get(pk=ticket.pk)
    bodies = list(kept.messages.values_list("body", flat=True))
    assert "Je relance pour la facture F-12." in bodies
    assert "Et voici le bon de commande." in bodies and "Doublon probable de F-12" in bodies
    assert set(Attachment.objects.filter(ticket=kept).values_list("name", flat=True)) == {
        "facture-f12.pdf", "bon.pdf"
    }
    moved = kept.events.filter(data__merged_from=duplicate.reference)
    assert moved.count() == 3
    assert kept.watchers.filter(pk=watcher.pk).exists()
    assert set(kept.related_requests.all()) == {duplicate}
    assert member.notifications.filter(verb="merged").exists()


def test_the_member_reads_the_merged_messages_and_the_link(agent, member, ticket, duplicate):
    actions.merge_tickets(duplicate, into=ticket, by=agent)
    client = login(member)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Je relance pour la facture F-12." in page and "bon.pdf" in page
    assert f"from {duplicate.reference}" in page or f"depuis {duplicate.reference}" in page
    assert "Doublon probable" not in page  # the internal note stays internal
    assert duplicate.get_absolute_url() in page
    closed = client.get(duplicate.get_absolute_url()).content.decode()
    assert ticket.get_absolute_url() in closed
    assert "You had asked the same thing in" in closed or "Vous aviez" in closed


def test_a_duplicate_the_team_recorded_is_not_blamed_on_the_member(agent, member, category,
                                                                  ticket):
    """Recorded for her by phone, the duplicate is not "you had asked the same thing": she
    asked once, the team wrote it down twice."""
    recorded = actions.create_ticket(
        requester=member, category=category, subject="Facture F-12 (appel)",
        body="Camille appelle pour F-12.", by=agent, channel=Channel.PHONE,
    )
    OutboxEmail.objects.all().delete()
    actions.merge_tickets(recorded, into=ticket, by=agent)
    event = recorded.events.get(kind=EventKind.MERGED)
    assert event.data["recorded"] is True
    words = ticket_words("merged", ticket_detail("merged", event.data), for_requester=True)
    assert words == (
        f"This request duplicated {ticket.reference}: it is closed and continues there, "
        "with its messages and files"
    )
    page = login(member).get(recorded.get_absolute_url()).content.decode()
    assert "Vous aviez" not in page and "You had asked" not in page
    assert f"This request duplicated {ticket.reference}" in page
    OutboxEmail.objects.exclude(recipient=member).delete()
    send_pending()
    (email,) = [m for m in mail.outbox if member.email in m.to and "doublon" in m.body]
    assert "Vous aviez" not in email.body and "faisait doublon avec" in email.body


def test_a_duplicate_she_sent_herself_still_says_she_asked(agent, ticket, duplicate):
    actions.merge_tickets(duplicate, into=ticket, by=agent)
    event = duplicate.events.get(kind=EventKind.MERGED)
    assert "recorded" not in event.data
    words = ticket_words("merged", ticket_detail("merged", event.data), for_requester=True)
    assert words.startswith(f"You had asked the same thing in {ticket.reference}")
    staff = ticket_words("merged", ticket_detail("merged", event.data), for_requester=False)
    assert staff.startswith(f"Closed as a duplicate: it continues in {ticket.reference}")


def test_merging_two_members_requests_is_refused(agent, other_member, category, ticket):
    theirs = actions.create_ticket(requester=other_member, category=category, subject="x",
                                   body="Lucas écrit")
    with pytest.raises(Conflict):
        actions.merge_tickets(theirs, into=ticket, by=agent)
    response = login(agent).post(merge_url(theirs), {"version": theirs.version,
                                                     "other": ticket.reference})
    assert response.status_code == 409
    assert Ticket.objects.get(pk=theirs.pk).state == State.NEW
    assert not ticket.messages.filter(body="Lucas écrit").exists()


def test_only_an_agent_of_both_teams_merges(agent, outside_agent, member, other_category,
                                            ticket):
    elsewhere = actions.create_ticket(requester=member, category=other_category,
                                      subject="Litige", body="Autre service")
    with pytest.raises(PermissionDenied):
        actions.merge_tickets(elsewhere, into=ticket, by=outside_agent)
    with pytest.raises(PermissionDenied):
        actions.merge_tickets(ticket, into=elsewhere, by=agent)


def test_a_request_cannot_be_merged_into_a_closed_one_nor_itself(agent, ticket, duplicate):
    actions.close_ticket(ticket, by=agent)
    with pytest.raises(Conflict):
        actions.merge_tickets(duplicate, into=ticket, by=agent)
    with pytest.raises(Conflict):
        actions.merge_tickets(duplicate, into=duplicate, by=agent)
    response = login(agent).post(merge_url(duplicate), {"version": duplicate.version,
                                                        "other": duplicate.reference})
    assert response.status_code == 400


def test_an_unknown_or_hidden_reference_is_a_form_error(agent, outside_agent, member,
                                                        other_category, duplicate):
    hidden = actions.create_ticket(requester=member, category=other_category, subject="x",
                                   body="y")
    for other in ("D-2026-99999", hidden.reference, "n'importe quoi", "²"):
        response = login(agent).post(merge_url(duplicate), {"version": duplicate.version,
                                                            "other": other})
        assert response.status_code == 400
    assert Ticket.objects.get(pk=duplicate.pk).state == State.NEW


def test_members_cannot_merge(member, ticket, duplicate):
    response = login(member).post(merge_url(duplicate), {"version": duplicate.version,
                                                         "other": ticket.reference})
    assert response.status_code == 403


# --- related requests ---------------------------------------------------------------------


def test_agents_link_requests_and_the_member_sees_her_own_links(agent, member, ticket,
                                                                 duplicate):
    url = reverse("helpdesk:ticket-link", args=[ticket.pk])
    assert login(agent).post(url, {"other": duplicate.reference}).status_code == 302
    assert set(Ticket.objects.get(pk=ticket.pk).related_requests.all()) == {duplicate}
    page = login(member).get(ticket.get_absolute_url()).content.decode()
    assert duplicate.get_absolute_url() in page
    assert member.notifications.filter(verb="linked").exists()


def test_a_link_to_another_members_request_stays_with_the_team(agent, member, other_member,
                                                               category, ticket):
    theirs = actions.create_ticket(requester=other_member, category=category,
                                   subject="Secret de Lucas", body="y")
    actions.link_tickets(ticket, other=theirs, by=agent)
    assert ticket.events.get(kind=EventKind.LINKED).is_internal
    for person in (member, other_member):
        assert not person.notifications.filter(verb="linked").exists()
    page = login(member).get(ticket.get_absolute_url()).content.decode()
    assert "Secret de Lucas" not in page and theirs.reference not in page
    assert "Secret de Lucas" in login(agent).get(ticket.get_absolute_url()).content.decode()


def test_linking_needs_a_request_the_agent_may_open(agent, outside_agent, member,
                                                   other_category, ticket):
    elsewhere = actions.create_ticket(requester=member, category=other_category, subject="x",
                                      body="y")
    with pytest.raises(PermissionDenied):
        actions.link_tickets(ticket, other=elsewhere, by=agent)
    url = reverse("helpdesk:ticket-link", args=[ticket.pk])
    assert login(agent).post(url, {"other": elsewhere.reference}).status_code == 400
    assert login(member).post(url, {"other": elsewhere.reference}).status_code == 403
    assert not ticket.related_requests.exists()


def test_erasure_blanks_a_merged_subject_and_the_teams_drafts(agent, member, ticket, duplicate):
    from coopdesk.accounts.erasure import ask_erasure, erase_account
    from helpdesk.models import Draft, TicketEvent

    actions.merge_tickets(duplicate, into=ticket, by=agent, reason="Doublon")
    actions.save_text_draft(owner=agent, ticket=ticket, kind="note", body="Elle a rappelé")
    ask_erasure(member)
    erase_account(member, by=UserFactory(role="admin"))
    data = [event.data for event in TicketEvent.objects.filter(ticket=ticket)]
    assert "Encore ma facture" not in str(data)
    assert not Draft.objects.filter(ticket=ticket).exists()
