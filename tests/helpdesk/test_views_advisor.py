"""The advisor's view: their members' requests, those of members they cover, no notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coopdesk.accounts.models import Role
from helpdesk import actions
from helpdesk.models import Message, State, Ticket
from tests.conftest import login
from tests.factories import UserFactory
from tests.helpdesk.flows import move_to

ADVISOR_REQUESTS = reverse("helpdesk:advisor-requests")


def body(response) -> str:
    return response.content.decode()


def listed(response) -> set[str]:
    return {ticket.subject for ticket in response.context["page"].object_list}


@pytest.fixture
def covered(db, advisor, backup_advisor, office, category):
    """A member of Claire's colleague Sophie, who is away; Claire is Sophie's backup."""
    today = timezone.localdate()
    away = UserFactory(
        first_name="Sophie", role=Role.ADVISOR, backup_advisor=advisor,
        away_from=today - timedelta(days=2), away_until=today + timedelta(days=5),
    )
    member = UserFactory(first_name="Inès", role=Role.MEMBER, advisor=away, office=office)
    actions.create_ticket(requester=member, category=category, subject="Couverte", body="B")
    return away


@pytest.fixture
def not_covered(db, backup_advisor, office, category):
    """A member of an advisor covered by Karim, not by Claire."""
    today = timezone.localdate()
    away = UserFactory(
        first_name="Marc", role=Role.ADVISOR, backup_advisor=backup_advisor,
        away_from=today - timedelta(days=2),
    )
    member = UserFactory(first_name="Paul", role=Role.MEMBER, advisor=away, office=office)
    actions.create_ticket(requester=member, category=category, subject="Pas couverte", body="B")
    return away


def test_advisor_sees_their_members_and_covered_members_requests(
    advisor, ticket, covered, not_covered, other_member, category
):
    actions.create_ticket(requester=other_member, category=category, subject="Autre", body="B")
    response = login(advisor).get(ADVISOR_REQUESTS)
    assert response.status_code == 200
    assert listed(response) == {ticket.subject, "Couverte"}


def test_cover_ends_when_the_advisor_is_back(advisor, ticket, covered):
    covered.away_until = timezone.localdate() - timedelta(days=1)
    covered.save()
    assert listed(login(advisor).get(ADVISOR_REQUESTS)) == {ticket.subject}


def test_cover_starts_on_the_first_day_away(advisor, ticket, covered):
    covered.away_from = timezone.localdate() + timedelta(days=1)
    covered.save()
    assert listed(login(advisor).get(ADVISOR_REQUESTS)) == {ticket.subject}


def test_covering_advisor_opens_the_covered_request_and_replies(advisor, covered):
    covered_ticket = Ticket.objects.get(subject="Couverte")
    client = login(advisor)
    assert client.get(covered_ticket.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("helpdesk:ticket-reply", args=[covered_ticket.pk]), {"body": "Je remplace Sophie."}
    )
    assert response.status_code == 302


def test_backup_of_someone_else_cannot_open_it(backup_advisor, covered):
    covered_ticket = Ticket.objects.get(subject="Couverte")
    assert login(backup_advisor).get(covered_ticket.get_absolute_url()).status_code == 404


def test_finished_requests_tab(advisor, ticket, agent):
    move_to(ticket, State.CLOSED, agent=agent)
    client = login(advisor)
    assert listed(client.get(ADVISOR_REQUESTS)) == set()
    assert listed(client.get(ADVISOR_REQUESTS, {"show": "done"})) == {ticket.subject}


@pytest.mark.parametrize("who", ["member", "agent"])
def test_advisor_page_is_for_advisors(request, who):
    assert login(request.getfixturevalue(who)).get(ADVISOR_REQUESTS).status_code == 404


def test_advisor_reads_the_public_thread_but_never_internal_notes(advisor, agent, ticket):
    actions.add_reply(ticket, by=agent, body="Réponse publique au membre")
    actions.add_note(ticket, by=agent, body="Note interne confidentielle")
    client = login(advisor)
    for url in (ticket.get_absolute_url(), reverse("helpdesk:ticket-live", args=[ticket.pk])):
        page = body(client.get(url))
        assert "Réponse publique au membre" in page
        assert "Note interne confidentielle" not in page
        assert "wrote an internal note" not in page


def test_advisor_adds_a_public_reply_and_has_no_note_form(advisor, ticket):
    client = login(advisor)
    page = body(client.get(ticket.get_absolute_url()))
    assert reverse("helpdesk:ticket-reply", args=[ticket.pk]) in page
    assert reverse("helpdesk:ticket-note", args=[ticket.pk]) not in page
    response = client.post(
        reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"body": "Je suis la conseillère."}
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.author, message.is_internal) == (advisor, False)
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW


def test_advisor_cannot_write_an_internal_note(advisor, ticket):
    response = login(advisor).post(reverse("helpdesk:ticket-note", args=[ticket.pk]), {"body": "x"})
    assert response.status_code == 404
    assert not Message.objects.exists()


@pytest.mark.parametrize("step", ["withdraw", "resolve", "claim"])
def test_advisor_cannot_run_steps(advisor, ticket, step):
    response = login(advisor).post(
        reverse("helpdesk:ticket-step", args=[ticket.pk, step]), {"version": 1}
    )
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW
