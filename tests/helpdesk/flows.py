"""Helpers shared by the helpdesk tests and the URL permission walk.

`move_to` brings a request to a state the way people would, through the actions, so the
tests never write a state field themselves.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from coopdesk.accounts.models import User
from helpdesk import actions
from helpdesk.models import State, Ticket


def move_to(ticket: Ticket, state: str, *, agent: User) -> Ticket:
    """From new, through the actions; returns a fresh copy of the request."""
    member = ticket.requester
    if state == State.NEW:
        pass
    elif state == State.OPEN:
        actions.acknowledge_ticket(ticket, by=agent)
    elif state == State.WAITING:
        actions.wait_for_member(ticket, by=agent, note="Pouvez-vous envoyer la facture ?")
    elif state == State.RESOLVED:
        actions.resolve_ticket(ticket, by=agent, note="Relance envoyée.")
    elif state == State.CLOSED:
        actions.resolve_ticket(ticket, by=agent)
        actions.confirm_resolution(ticket, by=member)
    elif state == State.WITHDRAWN:
        actions.withdraw_ticket(ticket, by=member)
    else:
        raise ValueError(state)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == state
    return ticket


def save_draft(client: Client, ticket: Ticket, kind: str, body: str) -> HttpResponse:
    """What the page's script posts while `kind`'s box (reply, note, a step's reason) is typed."""
    return client.post(reverse("helpdesk:ticket-draft-save", args=[ticket.pk]),
                       {"kind": kind, "body": body})


def pdf(name: str = "facture.pdf", size: int = 0) -> SimpleUploadedFile:
    content = b"%PDF-1.4 facture\n" + b"0" * size
    return SimpleUploadedFile(name, content, content_type="application/pdf")
