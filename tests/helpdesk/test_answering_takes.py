"""Answering the member on a request nobody handles yet takes it: the claim's step, in the
reply's action (helpdesk.actions.add_reply)."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse
from notifications.models import Notification

from coopdesk import notify
from coopdesk.accounts.models import Role
from coopdesk.models import Delivery, NoticeKind, NotificationPreference, Subscription
from helpdesk import actions
from helpdesk.models import EventKind, State, Ticket
from tests.factories import UserFactory


def kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.order_by("pk").values_list("kind", flat=True))


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def told(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


def test_an_agents_answer_makes_her_the_handler_with_the_claims_timeline_line(
    other_agent, ticket, agent, member
):
    actions.add_reply(ticket, by=agent, body="Nous relançons votre client.")
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.state) == (agent, State.OPEN)
    assert kinds(ticket) == [EventKind.CREATED, EventKind.ASSIGNED, EventKind.REPLIED]
    taken = ticket.events.get(kind=EventKind.ASSIGNED)
    assert (taken.actor, taken.data["assignee_id"]) == (agent, agent.pk)
    assert taken.data["by_answering"] is True
    # The member hears of it once, by the answer; her colleagues, like after a claim, no
    # longer hear of a request someone handles.
    assert told(member) == ["replied"]
    assert told(other_agent) == ["created"]


def test_the_member_hears_once_even_by_email_and_her_badge_counts_one(
    ticket, agent, member, pushed, sent_mail, django_capture_on_commit_callbacks
):
    for kind in (NoticeKind.ASSIGNED, NoticeKind.REPLIED):
        NotificationPreference.objects.create(user=member, kind=kind, delivery=Delivery.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(ticket, by=agent, body="Nous relançons votre client.")
    (answer,) = Notification.objects.filter(recipient=member)
    shown = notify.serialize(answer)
    assert (shown["kind"], shown["actor"], shown["text"]) == ("replied", "Nadia", "New message")
    badge = [body for group, body in pushed
             if group == notify.user_group(member.pk) and body["type"] == "notification"]
    assert [body["notification"]["id"] for body in badge] == [answer.pk]
    assert notify.unread_count(member) == 1
    assert [mail.to for mail in sent_mail()] == [[member.email]]


def test_those_who_hear_of_assignments_still_hear_she_took_it_by_answering(
    ticket, agent, lead, member, advisor, other_agent
):
    actions.add_watcher(ticket, by=agent, person=other_agent)
    notify.set_subscription(user=lead, ticket=ticket, mode=Subscription.FOLLOW)
    actions.add_reply(Ticket.objects.get(pk=ticket.pk), by=agent, body="Je m'en occupe.")
    for person in (lead, advisor, other_agent):
        assert "assigned" in told(person)
    taken = Notification.objects.get(recipient=lead, verb="assigned")
    assert notify.label(taken) == "Now handled by Nadia, who answered"
    assert told(member) == ["replied"]


def test_a_claim_still_tells_the_member_once(ticket, agent, member):
    actions.claim_ticket(ticket, by=agent)
    (claimed,) = Notification.objects.filter(recipient=member)
    assert notify.label(claimed) == "Now handled by Nadia"


def test_the_timeline_keeps_both_lines_and_says_the_answer_came_with_it(
    client, ticket, agent, member
):
    actions.add_reply(ticket, by=agent, body="Nous relançons votre client.")
    member.language = "en"
    member.save()
    client.force_login(member)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Now handled by Nadia, who answered" in page
    assert "Nous relançons votre client." in page


def test_the_teams_lead_answering_takes_it_too(ticket, lead):
    actions.add_reply(ticket, by=lead, body="Je m'en occupe.", then="wait")
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.state) == (lead, State.WAITING)


def test_answering_never_takes_a_request_someone_handles(ticket, agent, other_agent):
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(Ticket.objects.get(pk=ticket.pk), by=other_agent, body="En renfort.")
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.events.filter(kind=EventKind.ASSIGNED).count() == 1
    assert ticket.messages.count() == 1  # her answer is kept all the same


def test_answers_from_outside_the_team_and_notes_take_nothing(ticket, member, advisor, agent):
    actions.add_note(ticket, by=agent, body="À vérifier avec la compta.")
    actions.add_reply(ticket, by=advisor, body="Je suis sa conseillère.")
    actions.add_reply(ticket, by=member, body="Des nouvelles ?")
    admin = UserFactory(first_name="Alix", role=Role.ADMIN)
    actions.add_reply(ticket, by=admin, body="Je transmets.")
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not ticket.events.filter(kind=EventKind.ASSIGNED).exists()


def test_answering_a_resolved_request_does_not_take_it(ticket, agent):
    actions.resolve_ticket(ticket, by=agent)
    actions.add_reply(Ticket.objects.get(pk=ticket.pk), by=agent, body="Un dernier mot.")
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_the_queue_and_the_members_page_hear_it_live(
    ticket, agent, team, monkeypatch, django_capture_on_commit_callbacks
):
    pushed = []
    monkeypatch.setattr(notify.push, "push", pushed.extend)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(ticket, by=agent, body="Nous relançons votre client.")
    events = [
        (group, body["kind"], body["assignee"]) for group, body in pushed
        if body["type"] == "ticket.event"
    ]
    for kind in (EventKind.ASSIGNED, EventKind.REPLIED):
        assert (notify.team_group(team.pk), kind, agent.pk) in events
        assert (notify.ticket_group(ticket.pk), kind, agent.pk) in events


def test_after_answering_the_queue_shows_it_taken_and_her_page_names_the_handler(
    client, ticket, agent, member, team
):
    client.force_login(agent)
    response = client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]),
                           {"body": "Nous relançons votre client."}, follow=True)
    assert flashed(response) == ["Your message has been sent; you now handle this request."]
    queue = reverse("helpdesk:queue-detail", args=[team.slug])
    assert not client.get(queue, {"who": "unassigned"}).context["page"].object_list
    row = client.get(queue, {"who": "all"}).content.decode()
    assert f'<td data-label="Handled by">{agent.first_name}</td>' in row

    client.force_login(member)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f"Handled by <strong data-assignee>{agent.first_name}</strong>" in page
    assert "not yet assigned to a person" not in page


def test_answering_a_request_she_already_handles_just_says_it_was_sent(client, ticket, agent):
    actions.claim_ticket(ticket, by=agent)
    client.force_login(agent)
    response = client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]),
                           {"body": "Du nouveau."}, follow=True)
    assert flashed(response) == ["Your message has been sent."]
