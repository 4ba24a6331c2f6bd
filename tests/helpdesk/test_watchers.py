"""Watchers: the member adds a co-worker (public thread only), the team adds a colleague."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from coopdesk.conflicts import Conflict
from helpdesk import actions
from helpdesk.models import EventKind, Ticket
from tests.helpdesk.flows import pdf

NOTE = "Note interne : client connu pour payer en retard"


@pytest.fixture
def coworker(other_member):
    return other_member


def test_the_member_adds_a_coworker_who_sees_the_public_thread_only(
    client, ticket, member, coworker, agent
):
    actions.add_reply(ticket, by=agent, body="Réponse publique de l'équipe")
    note = actions.add_note(ticket, by=agent, body=NOTE, files=[pdf("note-interne.pdf")])
    client.force_login(member)
    response = client.post(reverse("helpdesk:ticket-watchers", args=[ticket.pk]),
                           {"email": coworker.email.upper()})
    assert response.status_code == 302
    assert ticket.watchers.filter(pk=coworker.pk).exists()
    event = ticket.events.get(kind=EventKind.WATCHER)
    assert not event.is_internal  # said on the thread: she and her team see who follows

    client.force_login(coworker)
    page = client.get(ticket.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Réponse publique de l'équipe" in text and NOTE not in text
    live = client.get(reverse("helpdesk:ticket-live", args=[ticket.pk])).content.decode()
    assert NOTE not in live
    note_file = note.attachments.get()
    assert client.get(
        reverse("helpdesk:attachment-download", args=[note_file.pk])
    ).status_code == 404
    # She reads; she does not write on someone else's request.
    reply = client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"body": "Moi"})
    assert reply.status_code == 403


def test_internal_notes_never_reach_a_member_added_watcher(ticket, member, coworker, agent):
    actions.claim_ticket(ticket, by=agent)  # answering would take it: one notice, the reply's
    actions.add_watcher(ticket, by=member, person=coworker)
    before = coworker.notifications.count()
    actions.add_note(ticket, by=agent, body=NOTE)
    assert coworker.notifications.count() == before
    actions.add_reply(ticket, by=agent, body="Réponse publique")
    assert coworker.notifications.count() == before + 1
    for notification in coworker.notifications.all():
        assert NOTE not in str(notification.data) and NOTE not in notification.verb


def test_a_member_cannot_add_someone_to_a_request_not_hers(client, ticket, coworker, office):
    from coopdesk.accounts.models import Role
    from tests.factories import UserFactory

    stranger = UserFactory(role=Role.MEMBER, office=office)
    with pytest.raises(PermissionDenied):
        actions.add_watcher(ticket, by=coworker, person=stranger)
    client.force_login(coworker)
    response = client.post(reverse("helpdesk:ticket-watchers", args=[ticket.pk]),
                           {"email": stranger.email})
    assert response.status_code == 404  # not hers: she does not learn it exists
    assert not ticket.watchers.filter(pk=stranger.pk).exists()


def test_the_advisor_watching_cannot_add_watchers(client, ticket, advisor, coworker):
    client.force_login(advisor)
    url = reverse("helpdesk:ticket-watchers", args=[ticket.pk])
    assert client.post(url, {"email": coworker.email}).status_code == 403


def test_the_member_adds_members_only_and_the_team_colleagues_only(
    ticket, member, coworker, agent, outside_agent
):
    with pytest.raises(Conflict):
        actions.add_watcher(ticket, by=member, person=outside_agent)
    with pytest.raises(Conflict):
        actions.add_watcher(ticket, by=agent, person=coworker)


def test_the_team_is_told_why_the_requester_cannot_be_added(client, ticket, agent, member):
    client.force_login(agent)
    response = client.post(reverse("helpdesk:ticket-watchers", args=[ticket.pk]),
                           {"email": member.email})
    assert response.status_code == 400
    said = escape(f"{member.get_full_name()} made this request and already follows it.")
    assert said in response.content.decode()
    assert not ticket.watchers.filter(pk=member.pk).exists()


def test_each_refusal_says_why(ticket, member, agent, coworker):
    with pytest.raises(Conflict, match="You already follow this request."):
        actions.add_watcher(ticket, by=member, person=member)
    with pytest.raises(Conflict, match="You already follow this request."):
        actions.add_watcher(ticket, by=agent, person=agent)
    coworker.is_active = False
    coworker.save()
    with pytest.raises(Conflict, match="account is closed: they can no longer follow"):
        actions.add_watcher(ticket, by=member, person=coworker)


def test_an_unknown_address_is_a_form_error(client, ticket, member):
    client.force_login(member)
    response = client.post(reverse("helpdesk:ticket-watchers", args=[ticket.pk]),
                           {"email": "personne@example.test"})
    assert response.status_code == 400


def test_the_team_adds_a_colleague_of_another_team_internally(
    client, ticket, agent, outside_agent
):
    actions.add_note(ticket, by=agent, body=NOTE)
    actions.add_watcher(ticket, by=agent, person=outside_agent)
    event = ticket.events.get(kind=EventKind.WATCHER)
    assert event.is_internal
    assert Ticket.objects.visible_to(outside_agent).filter(pk=ticket.pk).exists()
    client.force_login(outside_agent)
    text = client.get(ticket.get_absolute_url()).content.decode()
    assert NOTE not in text  # internal notes stay with the team handling it


def test_a_colleague_sees_of_the_linked_requests_those_she_watches(
    ticket, member, category, agent, outside_agent
):
    """visible_to asks each request whether this person watches it (an EXISTS), also
    where the requests are reached through a relation: the page's linked requests."""
    watched, other = (
        actions.create_ticket(requester=member, category=category, subject=subject, body="…")
        for subject in ("Relance F-13", "Relance F-14")
    )
    ticket.related_requests.add(watched, other)
    actions.add_watcher(watched, by=agent, person=outside_agent)
    assert list(ticket.related_requests.visible_to(outside_agent)) == [watched]
    assert set(ticket.related_requests.visible_to(member)) == {watched, other}


def test_the_member_removes_a_coworker_who_then_loses_sight(ticket, member, coworker):
    actions.add_watcher(ticket, by=member, person=coworker)
    actions.remove_watcher(ticket, by=member, person=coworker)
    assert not Ticket.objects.visible_to(coworker).filter(pk=ticket.pk).exists()


def test_the_advisor_is_not_removed_and_a_former_advisor_loses_sight(
    ticket, member, advisor, backup_advisor
):
    with pytest.raises(Conflict):
        actions.remove_watcher(ticket, by=member, person=advisor)
    member.advisor = backup_advisor
    member.save()
    assert not Ticket.objects.visible_to(advisor).filter(pk=ticket.pk).exists()


def test_the_team_has_another_team_follow_the_public_thread(
    client, ticket, agent, outside_agent, other_team, member
):
    actions.claim_ticket(ticket, by=agent)  # answering would take it: one notice, the reply's
    actions.add_note(ticket, by=agent, body=NOTE)
    client.force_login(agent)
    response = client.post(reverse("helpdesk:ticket-watching-team", args=[ticket.pk]),
                           {"team": other_team.pk})
    assert response.status_code == 302
    assert Ticket.objects.visible_to(outside_agent).filter(pk=ticket.pk).exists()
    before = outside_agent.notifications.count()
    actions.add_note(ticket, by=agent, body="Encore une note")
    assert outside_agent.notifications.count() == before
    actions.add_reply(ticket, by=agent, body="Réponse publique")
    assert outside_agent.notifications.count() == before + 1
    client.force_login(outside_agent)
    assert NOTE not in client.get(ticket.get_absolute_url()).content.decode()
    # A watching team's agent may not add teams: not the request's team.
    url = reverse("helpdesk:ticket-watching-team", args=[ticket.pk])
    assert client.post(url, {"team": other_team.pk, "watching": "0"}).status_code == 403


def test_only_the_requests_team_adds_a_team(ticket, member, other_team):
    with pytest.raises(PermissionDenied):
        actions.set_watching_team(ticket, by=member, team=other_team)


def test_a_finished_request_says_nobody_can_be_added_instead_of_an_empty_heading(
    client, ticket, agent
):
    actions.close_ticket(ticket, by=agent)
    client.force_login(agent)
    page = client.get(reverse("helpdesk:ticket-watchers", args=[ticket.pk])).content.decode()
    assert "Add a person" not in page and "nobody can be added any more" in page
