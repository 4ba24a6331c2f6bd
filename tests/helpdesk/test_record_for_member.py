"""A request taken on a member's behalf (phone, e-mail, counter): she is its requester, is
told, finds it in her requests, and its timeline says who recorded it and how it came in."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from coopdesk.conflicts import Conflict
from helpdesk import actions
from helpdesk.models import Channel, EventKind, Ticket

URL = reverse("helpdesk:ticket-record")


def form(member, category, **extra) -> dict:
    return {"member": member.email, "channel": "phone", "category": category.pk,
            "subject": "Relance client", "body": "Camille a appelé : son client ne paie pas.",
            **extra}


def test_an_agent_records_a_request_taken_by_phone(agent_client, agent, member, category):
    response = agent_client.post(URL, form(member, category))
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    assert ticket.requester == member and ticket.channel == Channel.PHONE
    assert ticket.team == category.team
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED and event.actor == agent
    assert event.data["channel"] == "phone"
    assert ticket.watchers.filter(pk=member.advisor_id).exists()


def test_the_member_is_told_and_sees_it_in_her_requests(client, agent, member, category):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Au guichet", body="Question posée",
        by=agent, channel=Channel.COUNTER,
    )
    notice = member.notifications.get()
    assert notice.verb == "created"
    client.force_login(member)
    listing = client.get(reverse("helpdesk:ticket-list")).content.decode()
    assert "Au guichet" in listing
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Request recorded for you by the team (at the counter)" in page or (
        "Demande enregistrée pour vous par le service (au guichet)" in page
    )
    assert "Nadia" in page  # who recorded it


def test_the_team_reads_who_recorded_it_and_how(agent_client, agent, other_agent, member,
                                                 category):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Par courriel", body="Message reçu",
        by=other_agent, channel=Channel.EMAIL,
    )
    page = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert "Yanis" in page
    assert "Request recorded for the member (by e-mail)" in page or (
        "Demande enregistrée pour l'entrepreneur·e (par courriel)" in page
    )


def test_only_the_categories_of_ones_team(agent_client, member, other_category):
    response = agent_client.post(URL, form(member, other_category))
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_the_action_refuses_another_teams_category(agent, member, other_category):
    with pytest.raises(PermissionDenied):
        actions.create_ticket(requester=member, category=other_category, subject="x",
                              body="y", by=agent, channel=Channel.PHONE)


def test_only_for_a_member(agent_client, agent, other_agent, category):
    response = agent_client.post(URL, form(other_agent, category))
    assert response.status_code == 400
    assert "No member has this e-mail address." in response.content.decode() or (
        "Aucun" in response.content.decode()
    )
    with pytest.raises(Conflict):
        actions.create_ticket(requester=other_agent, category=category, subject="x", body="y",
                              by=agent, channel=Channel.PHONE)


def test_the_channel_is_required_and_never_online(agent_client, agent, member, category):
    assert agent_client.post(URL, form(member, category, channel="")).status_code == 400
    assert agent_client.post(URL, form(member, category, channel="web")).status_code == 400
    with pytest.raises(Conflict):
        actions.create_ticket(requester=member, category=category, subject="x", body="y",
                              by=agent, channel=Channel.WEB)
    assert not Ticket.objects.exists()


def test_members_and_advisors_cannot_record(client, member, advisor, category):
    for person in (member, advisor):
        client.force_login(person)
        assert client.get(URL).status_code == 404
        assert client.post(URL, form(member, category)).status_code == 404
    assert not Ticket.objects.exists()


def test_a_member_filing_her_own_request_is_online(member, category):
    ticket = actions.create_ticket(requester=member, category=category, subject="x", body="y",
                                   channel=Channel.PHONE)
    assert ticket.channel == Channel.WEB
    assert "channel" not in ticket.events.get().data


def test_the_team_page_in_french_calls_the_requester_an_entrepreneur(settings, agent_client,
                                                                     ticket):
    """"Sociétaire" means an associate: a member in CAPE is not one yet, and the same page said
    "l'entrepreneur·e" a few lines higher."""
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        page = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert "l&#x27;entrepreneur·e ne voit pas la priorité" in page
    assert "sociétaire" not in page


def test_the_saved_replies_page_in_french_calls_the_requester_an_entrepreneur(settings,
                                                                             agent_client):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        page = agent_client.get(reverse("helpdesk:saved-reply-list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "le prénom de l'entrepreneur·e" in page.content.decode()
