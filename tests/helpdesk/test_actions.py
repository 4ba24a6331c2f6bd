"""helpdesk/actions/: every transition, every refusal, the timeline and who is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from notifications.models import Notification

from coopdesk import notify
from coopdesk.conflicts import Conflict
from helpdesk import actions
from helpdesk.models import Draft, EventKind, Message, State, Ticket, TicketEvent
from tests.helpdesk.flows import move_to, pdf

STATE_LABEL = {
    State.NEW: "New",
    State.OPEN: "In progress",
    State.WAITING: "Waiting for you",
    State.RESOLVED: "Resolved",
    State.CLOSED: "Closed",
    State.WITHDRAWN: "Withdrawn",
}


def snapshot(ticket: Ticket) -> dict:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return {
        "state": fresh.state,
        "version": fresh.version,
        "assignee": fresh.assignee_id,
        "team": fresh.team_id,
        "category": fresh.category_id,
        "events": TicketEvent.objects.filter(ticket=ticket).count(),
        "messages": Message.objects.filter(ticket=ticket).count(),
        "notifications": Notification.objects.count(),
    }


def last_event(ticket: Ticket) -> TicketEvent:
    return TicketEvent.objects.filter(ticket=ticket).latest("created_at", "pk")


def timeline_step(ticket: Ticket) -> tuple:
    """The last timeline line as (kind, actor, from_state, to_state, note)."""
    event = last_event(ticket)
    return (event.kind, event.actor, event.from_state, event.to_state, event.note)


@pytest.fixture
def pushed(monkeypatch):
    """What notify pushes to the channel layer after commit, one (groups, payload) per push:
    every group reached, and the ticket event's own body (the one request pages read)."""
    calls = []

    def push(messages):
        bodies = [body for _group, body in messages if body.get("type") == "ticket.event"]
        calls.append(([group for group, _body in messages], bodies[0] if bodies else None))

    monkeypatch.setattr(notify.push, "push", push)
    return calls


# --- creating ---------------------------------------------------------------------------------


def test_new_request_goes_to_the_category_team_with_its_priority(member, category, agent):
    category.default_priority = 3
    category.save()
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Client en retard", body="**Bonjour**"
    )
    assert ticket.team == category.team
    assert ticket.priority == 3
    assert ticket.state == State.NEW
    assert ticket.assignee is None
    assert ticket.body_html == "<p><strong>Bonjour</strong></p>"
    assert ticket.first_response_due == ticket.created_at + timedelta(hours=24)


def test_reference_reads_d_year_and_five_digits(ticket):
    assert ticket.reference == f"D-{ticket.created_at.year}-{ticket.pk:05d}"


def test_new_request_adds_the_members_advisor_as_watcher(ticket, advisor):
    assert list(ticket.watchers.all()) == [advisor]


def test_member_without_advisor_has_no_watcher(other_member, category):
    other_member.advisor = None
    other_member.save()
    ticket = actions.create_ticket(
        requester=other_member, category=category, subject="Sujet", body="Texte"
    )
    assert ticket.watchers.count() == 0


def test_new_request_writes_created_event_and_tells_advisor_and_team(
    member, advisor, agent, other_agent, category
):
    ticket = actions.create_ticket(requester=member, category=category, subject="S", body="B")
    event = last_event(ticket)
    assert (event.kind, event.actor, event.from_state, event.to_state) == (
        EventKind.CREATED, member, "", State.NEW
    )
    told = set(Notification.objects.filter(target_object_id=ticket.pk).values_list(
        "recipient__first_name", flat=True
    ))
    assert told == {advisor.first_name, agent.first_name, other_agent.first_name}


def test_inactive_category_is_refused(member, category):
    category.is_active = False
    category.save()
    with pytest.raises(Conflict, match="no longer offered"):
        actions.create_ticket(requester=member, category=category, subject="S", body="B")
    assert Ticket.objects.count() == 0


def test_sending_deletes_the_draft_of_that_form_only(member, other_member, category):
    Draft.objects.create(owner=member, key="k1", subject="brouillon")
    Draft.objects.create(owner=member, key="k2", subject="autre")
    Draft.objects.create(owner=other_member, key="k1", subject="le sien")
    actions.create_ticket(
        requester=member, category=category, subject="S", body="B", draft_key="k1"
    )
    assert set(Draft.objects.values_list("owner__first_name", "key")) == {
        (member.first_name, "k2"), (other_member.first_name, "k1")
    }


def test_opening_attachments_are_stored_with_the_request(member, category):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="S", body="B", files=[pdf("devis.PDF")]
    )
    (attachment,) = ticket.attachments.all()
    assert attachment.message is None
    assert attachment.name == "devis.PDF"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(f"{attachment.token}.pdf")
    assert attachment.uploaded_by == member


# --- the team's transitions -------------------------------------------------------------------


def test_acknowledge_opens_but_only_words_to_the_member_are_a_first_response(
    ticket, agent
):
    ticket = actions.acknowledge_ticket(ticket, by=agent, expected_version=1)
    assert ticket.state == State.OPEN
    assert ticket.first_response_at is None  # nothing was said to her yet
    assert ticket.version == 2
    event = last_event(ticket)
    assert (event.kind, event.actor, event.from_state, event.to_state) == (
        EventKind.ACKNOWLEDGED, agent, State.NEW, State.OPEN
    )


def test_claim_assigns_to_the_agent_and_opens(ticket, agent):
    ticket = actions.claim_ticket(ticket, by=agent, expected_version=1)
    assert (ticket.state, ticket.assignee) == (State.OPEN, agent)
    event = last_event(ticket)
    assert (event.kind, event.actor, event.from_state, event.to_state) == (
        EventKind.ASSIGNED, agent, State.NEW, State.OPEN
    )
    assert event.data == {"assignee": agent.first_name, "assignee_id": agent.pk}


def test_claim_by_a_second_agent_is_refused_naming_the_winner(ticket, agent, other_agent):
    actions.claim_ticket(ticket, by=agent)
    before = snapshot(ticket)
    with pytest.raises(Conflict) as refused:
        actions.claim_ticket(ticket, by=other_agent, expected_version=1)
    assert refused.value.message == "Nadia has already taken this request."
    assert snapshot(ticket) == before


def test_claiming_again_ones_own_request_changes_nothing(ticket, agent):
    actions.claim_ticket(ticket, by=agent)
    before = snapshot(ticket)
    actions.claim_ticket(ticket, by=agent)
    assert snapshot(ticket) == before


@pytest.mark.parametrize("who", ["member", "advisor", "outside_agent"])
def test_only_the_team_may_claim_even_a_taken_request(request, ticket, agent, who):
    actions.claim_ticket(ticket, by=agent)
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        actions.claim_ticket(ticket, by=request.getfixturevalue(who))
    assert snapshot(ticket) == before


def test_assign_to_a_colleague(ticket, agent, other_agent):
    ticket = actions.assign_ticket(ticket, by=agent, to=other_agent, expected_version=1)
    assert (ticket.state, ticket.assignee) == (State.OPEN, other_agent)
    event = last_event(ticket)
    assert (event.kind, event.actor, event.data["assignee"]) == (
        EventKind.ASSIGNED, agent, other_agent.first_name
    )


def test_assign_to_nobody_puts_it_back_in_the_queue(ticket, agent):
    ticket = actions.claim_ticket(ticket, by=agent)
    ticket = actions.assign_ticket(ticket, by=agent, to=None)
    assert (ticket.state, ticket.assignee) == (State.OPEN, None)
    assert last_event(ticket).data == {"assignee": None, "assignee_id": None}


def test_assign_outside_the_team_is_refused(ticket, agent, outside_agent):
    before = snapshot(ticket)
    with pytest.raises(Conflict) as refused:
        actions.assign_ticket(ticket, by=agent, to=outside_agent)
    assert refused.value.message == "Julien is not a member of the Recouvrement team."
    assert snapshot(ticket) == before


def test_assign_to_a_colleague_who_left_is_refused(ticket, agent, other_agent):
    """Who may be assigned follows User.works_for_team: a deactivated agent no longer does."""
    other_agent.is_active = False
    other_agent.save(update_fields=["is_active"])
    with pytest.raises(Conflict):
        actions.assign_ticket(ticket, by=agent, to=other_agent)
    ticket.refresh_from_db()
    assert ticket.assignee is None


@pytest.mark.parametrize("start", [State.NEW, State.OPEN])
def test_wait_for_member_records_the_question(ticket, agent, start):
    ticket = move_to(ticket, start, agent=agent)
    ticket = actions.wait_for_member(ticket, by=agent, note="Quel est le numéro de facture ?")
    assert ticket.state == State.WAITING
    assert timeline_step(ticket) == (
        EventKind.WAITING, agent, start, State.WAITING, "Quel est le numéro de facture ?"
    )


def test_member_reply_answers_a_waiting_request(ticket, agent, member):
    ticket = move_to(ticket, State.WAITING, agent=agent)
    actions.add_reply(ticket, by=member, body="Facture F-12.")
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    event = last_event(ticket)
    assert (event.kind, event.actor, event.from_state, event.to_state) == (
        EventKind.ANSWERED, member, State.WAITING, State.OPEN
    )
    assert event.message.body == "Facture F-12."


@pytest.mark.parametrize("start", [State.NEW, State.OPEN, State.WAITING])
def test_resolve_with_a_note(ticket, agent, start):
    ticket = move_to(ticket, start, agent=agent)
    ticket = actions.resolve_ticket(ticket, by=agent, note="Le client a payé.")
    assert ticket.state == State.RESOLVED
    assert ticket.resolved_at is not None
    assert ticket.first_response_at is not None
    assert timeline_step(ticket) == (
        EventKind.RESOLVED, agent, start, State.RESOLVED, "Le client a payé."
    )


@pytest.mark.parametrize("start", [State.NEW, State.OPEN, State.WAITING, State.RESOLVED])
def test_team_may_close(ticket, agent, start):
    ticket = move_to(ticket, start, agent=agent)
    ticket = actions.close_ticket(ticket, by=agent, note="Doublon de D-2026-00001")
    assert ticket.state == State.CLOSED
    assert ticket.closed_at is not None
    assert timeline_step(ticket) == (
        EventKind.CLOSED, agent, start, State.CLOSED, "Doublon de D-2026-00001"
    )


def test_team_reply_then_resolve(ticket, agent):
    message = actions.add_reply(ticket, by=agent, body="C'est fait.", then="resolve")
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED
    event = last_event(ticket)
    assert (event.kind, event.from_state, event.message) == (
        EventKind.RESOLVED, State.OPEN, message
    )
    taken = ticket.events.get(kind=EventKind.ASSIGNED)  # answering, she took it first
    assert (taken.from_state, taken.to_state, ticket.assignee) == (State.NEW, State.OPEN, agent)


def test_team_reply_then_wait_from_new(ticket, agent):
    actions.add_reply(ticket, by=agent, body="Quel client ?", then="wait")
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING
    assert ticket.first_response_at is not None
    assert last_event(ticket).kind == EventKind.WAITING


# --- transfer ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start", [State.NEW, State.OPEN, State.WAITING])
def test_transfer_changes_team_clears_assignee_records_reason_and_tells_member(
    ticket, agent, outside_agent, other_category, member, start, pushed,
    django_capture_on_commit_callbacks,
):
    ticket = move_to(ticket, start, agent=agent)
    ticket = actions.claim_ticket(ticket, by=agent)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = actions.transfer_ticket(
            ticket, by=agent, to_team=other_category.team, to_category=other_category,
            reason="C'est un litige : le service juridique s'en occupe.",
        )
    ticket.refresh_from_db()
    assert (ticket.team, ticket.category, ticket.assignee, ticket.state) == (
        other_category.team, other_category, None, State.NEW
    )
    assert ticket.first_response_at is None
    assert timeline_step(ticket) == (
        EventKind.TRANSFERRED, agent, State.OPEN if start == State.NEW else start, State.NEW,
        "C'est un litige : le service juridique s'en occupe.",
    )
    event = last_event(ticket)
    assert event.data["from_team"] == "Recouvrement"
    assert event.data["to_team"] == "Juridique"
    told = Notification.objects.filter(verb=EventKind.TRANSFERRED)
    assert set(told.values_list("recipient", flat=True)) >= {member.pk, outside_agent.pk}
    # Both teams' queues and the member's page hear of it.
    (groups, payload), = pushed[-1:]
    assert {f"team.{ticket.team_id}", f"team.{event.data['from_team_id']}",
            f"ticket.{ticket.pk}", f"user.{member.pk}"} <= set(groups)
    # The old team no longer sees it; the new one does.
    assert not Ticket.objects.visible_to(agent).filter(pk=ticket.pk).exists()
    assert Ticket.objects.visible_to(outside_agent).filter(pk=ticket.pk).exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"to_team": "same"}, "This request is already with the Recouvrement team."),
        ({"reason": "  "}, "Say why the request is transferred: the member will read it."),
        ({"to_category": "wrong"}, "That category belongs to another team."),
    ],
)
def test_transfer_refusals(ticket, agent, other_category, category, change, message):
    kwargs = {"to_team": other_category.team, "reason": "Litige", "to_category": other_category}
    if change.get("to_team") == "same":
        kwargs.update(to_team=ticket.team, to_category=None)
    if "reason" in change:
        kwargs["reason"] = change["reason"]
    if change.get("to_category") == "wrong":
        kwargs["to_category"] = category
    before = snapshot(ticket)
    with pytest.raises(Conflict) as refused:
        actions.transfer_ticket(ticket, by=agent, **kwargs)
    assert refused.value.message == message
    assert snapshot(ticket) == before


# --- the member's transitions -----------------------------------------------------------------


def test_member_confirms_the_resolution(ticket, agent, member):
    ticket = move_to(ticket, State.RESOLVED, agent=agent)
    ticket = actions.confirm_resolution(ticket, by=member, expected_version=ticket.version)
    assert ticket.state == State.CLOSED
    assert ticket.closed_at is not None
    event = last_event(ticket)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.data) == (
        EventKind.CLOSED, member, State.RESOLVED, State.CLOSED, {"confirmed": True}
    )


def test_member_reopens_a_resolved_request_saying_why(ticket, agent, member):
    ticket = move_to(ticket, State.RESOLVED, agent=agent)
    ticket = actions.reopen_ticket(ticket, by=member, note="Le client n'a toujours pas payé.")
    assert ticket.state == State.OPEN
    assert ticket.resolved_at is None
    assert timeline_step(ticket) == (
        EventKind.REOPENED, member, State.RESOLVED, State.OPEN, "Le client n'a toujours pas payé."
    )


def test_member_reply_on_a_resolved_request_reopens_it(ticket, agent, member):
    ticket = move_to(ticket, State.RESOLVED, agent=agent)
    actions.add_reply(ticket, by=member, body="Ce n'est pas réglé.")
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert last_event(ticket).kind == EventKind.REOPENED


@pytest.mark.parametrize("start", [State.NEW, State.OPEN, State.WAITING])
def test_member_withdraws_an_unfinished_request(ticket, agent, member, start):
    ticket = move_to(ticket, start, agent=agent)
    ticket = actions.withdraw_ticket(ticket, by=member, note="Réglé avec le client.")
    assert ticket.state == State.WITHDRAWN
    assert timeline_step(ticket) == (
        EventKind.WITHDRAWN, member, start, State.WITHDRAWN, "Réglé avec le client."
    )


# --- refusals: impossible steps, wrong people, stale forms ------------------------------------


def _run_action(name, ticket, world, *, by=None, version=None):
    """Each action as its page calls it, by the person allowed to do it unless `by`."""
    agent, member = world["agent"], world["member"]
    v = {"expected_version": version}
    calls = {
        "acknowledge": lambda: actions.acknowledge_ticket(ticket, by=by or agent, **v),
        "claim": lambda: actions.claim_ticket(ticket, by=by or agent, **v),
        "assign": lambda: actions.assign_ticket(
            ticket, by=by or agent, to=world["other_agent"], **v
        ),
        "wait": lambda: actions.wait_for_member(ticket, by=by or agent, **v),
        "resolve": lambda: actions.resolve_ticket(ticket, by=by or agent, **v),
        "close": lambda: actions.close_ticket(ticket, by=by or agent, **v),
        "transfer": lambda: actions.transfer_ticket(
            ticket, by=by or agent, to_team=world["other_category"].team,
            to_category=world["other_category"], reason="Litige", **v
        ),
        "confirm": lambda: actions.confirm_resolution(ticket, by=by or member, **v),
        "reopen": lambda: actions.reopen_ticket(ticket, by=by or member, **v),
        "withdraw": lambda: actions.withdraw_ticket(ticket, by=by or member, **v),
    }
    return calls[name]()


ALLOWED_FROM = {
    "acknowledge": {State.NEW},
    "claim": {State.NEW, State.OPEN, State.WAITING},
    "assign": {State.NEW, State.OPEN, State.WAITING},
    "wait": {State.NEW, State.OPEN},
    "resolve": {State.NEW, State.OPEN, State.WAITING},
    "close": {State.NEW, State.OPEN, State.WAITING, State.RESOLVED},
    "transfer": {State.NEW, State.OPEN, State.WAITING},
    "confirm": {State.RESOLVED},
    "reopen": {State.RESOLVED},
    "withdraw": {State.NEW, State.OPEN, State.WAITING},
}
TEAM_ACTIONS = ["acknowledge", "claim", "assign", "wait", "resolve", "close", "transfer"]
MEMBER_ACTIONS = ["confirm", "reopen", "withdraw"]


@pytest.fixture
def world(member, agent, other_agent, other_category, advisor, other_member, outside_agent):
    return locals()


@pytest.mark.parametrize(
    "name, state",
    [(n, s) for n, allowed in ALLOWED_FROM.items() for s in State.values if s not in allowed],
)
def test_impossible_step_is_refused_with_a_plain_message_and_changes_nothing(
    ticket, world, name, state
):
    ticket = move_to(ticket, state, agent=world["agent"])
    before = snapshot(ticket)
    with pytest.raises(Conflict) as refused:
        _run_action(name, ticket, world)
    assert refused.value.message == (
        f"This step is not possible while the status is “{STATE_LABEL[state]}”."
    )
    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    "name, state", [(n, s) for n, allowed in ALLOWED_FROM.items() for s in sorted(allowed)]
)
def test_every_allowed_step_succeeds_and_writes_one_event(ticket, world, name, state):
    ticket = move_to(ticket, state, agent=world["agent"])
    before = snapshot(ticket)
    _run_action(name, ticket, world, version=before["version"])
    after = snapshot(ticket)
    assert after["version"] == before["version"] + 1
    assert after["events"] == before["events"] + 1


@pytest.mark.parametrize("name", TEAM_ACTIONS)
@pytest.mark.parametrize("who", ["member", "advisor", "outside_agent"])
def test_team_steps_are_refused_to_people_outside_the_team(ticket, world, name, who):
    ticket = move_to(ticket, State.OPEN, agent=world["agent"])
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        _run_action(name, ticket, world, by=world[who])
    assert snapshot(ticket) == before


@pytest.mark.parametrize("name", MEMBER_ACTIONS)
@pytest.mark.parametrize("who", ["agent", "advisor", "other_member"])
@pytest.mark.parametrize("state", [State.OPEN, State.RESOLVED, State.CLOSED])
def test_member_steps_are_refused_to_anyone_but_the_member(ticket, world, name, who, state):
    """Refused as not theirs whatever the state: a 403, not a hint about the status."""
    ticket = move_to(ticket, state, agent=world["agent"])
    before = snapshot(ticket)
    with pytest.raises(PermissionDenied):
        _run_action(name, ticket, world, by=world[who])
    assert snapshot(ticket) == before


@pytest.mark.parametrize("name", sorted(ALLOWED_FROM))
def test_stale_form_is_refused_and_nothing_changes(ticket, world, name):
    state = State.RESOLVED if name in {"confirm", "reopen"} else State.OPEN
    ticket = move_to(ticket, state, agent=world["agent"])
    before = snapshot(ticket)
    with pytest.raises(Conflict) as refused:
        _run_action(name, ticket, world, version=before["version"] - 1)
    assert refused.value.message == (
        f"This request was changed by someone else while you were on the page "
        f"(it is now “{STATE_LABEL[state]}”). Nothing was saved: reload the page and try again."
    )
    assert snapshot(ticket) == before


def test_an_old_copy_of_the_request_does_not_overwrite_newer_changes(ticket, agent, member):
    """Actions re-read the row: a copy loaded before someone else's change cannot undo it."""
    old_copy = Ticket.objects.get(pk=ticket.pk)
    actions.withdraw_ticket(ticket, by=member)
    with pytest.raises(Conflict):
        actions.resolve_ticket(old_copy, by=agent)
    assert Ticket.objects.get(pk=ticket.pk).state == State.WITHDRAWN


# --- messages and notes -----------------------------------------------------------------------


def test_advisor_may_add_a_public_reply_without_changing_the_status(ticket, agent, advisor):
    ticket = move_to(ticket, State.WAITING, agent=agent)
    message = actions.add_reply(ticket, by=advisor, body="Je confirme pour Camille.")
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING
    assert not message.is_internal
    assert last_event(ticket).kind == EventKind.REPLIED


@pytest.mark.parametrize("who", ["other_member", "outside_agent"])
def test_people_outside_the_request_may_not_reply(request, ticket, who):
    who = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.add_reply(ticket, by=who, body="Intrus")
    assert not Message.objects.exists()


def test_other_advisor_may_not_reply(ticket, other_member):
    with pytest.raises(PermissionDenied):
        actions.add_reply(ticket, by=other_member.advisor, body="Intrus")


def test_backup_advisor_may_reply_while_the_advisor_is_away(ticket, advisor, backup_advisor):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate() - timedelta(days=1)
    advisor.save()
    actions.add_reply(ticket, by=backup_advisor, body="Je remplace Claire.")
    assert Message.objects.filter(author=backup_advisor).exists()


@pytest.mark.parametrize("state", [State.CLOSED, State.WITHDRAWN])
def test_reply_on_a_finished_request_is_refused(ticket, agent, member, state):
    ticket = move_to(ticket, state, agent=agent)
    before = snapshot(ticket)
    with pytest.raises(Conflict) as refused:
        actions.add_reply(ticket, by=member, body="Encore une question")
    assert refused.value.message == (
        "This request is closed. Please open a new request, it can mention this one."
    )
    assert snapshot(ticket) == before


def test_internal_note_is_only_told_and_pushed_to_staff(
    ticket, agent, other_agent, member, advisor, pushed, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        note = actions.add_note(ticket, by=agent, body="Client connu pour payer en retard")
    assert note.is_internal
    event = last_event(ticket)
    assert (event.kind, event.is_internal, event.message) == (EventKind.NOTE, True, note)
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {other_agent.pk}
    (groups, payload), = pushed
    assert f"ticket.{ticket.pk}" not in groups
    assert f"user.{member.pk}" not in groups and f"user.{advisor.pk}" not in groups
    assert f"ticket.{ticket.pk}.staff" in groups


@pytest.mark.parametrize("who", ["member", "advisor", "outside_agent"])
def test_only_the_team_writes_internal_notes(request, ticket, who):
    with pytest.raises(PermissionDenied):
        actions.add_note(ticket, by=request.getfixturevalue(who), body="note")
    assert not Message.objects.exists()


def test_public_events_are_pushed_to_the_member_page_after_commit(
    ticket, agent, member, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        actions.acknowledge_ticket(ticket, by=agent)
        assert pushed == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    (groups, payload), = pushed
    assert f"ticket.{ticket.pk}" in groups and f"user.{member.pk}" in groups
    assert payload["state"] == State.OPEN and payload["version"] == 2


# --- the worker's auto-close ------------------------------------------------------------------


def _resolved_days_ago(ticket, agent, days: int) -> Ticket:
    ticket = move_to(ticket, State.RESOLVED, agent=agent)
    Ticket.objects.filter(pk=ticket.pk).update(
        resolved_at=timezone.now() - timedelta(days=days)
    )
    return ticket


def test_worker_closes_requests_resolved_more_than_seven_days_ago(
    ticket, agent, member, category
):
    ticket = _resolved_days_ago(ticket, agent, 8)
    recent = actions.create_ticket(requester=member, category=category, subject="R", body="B")
    recent = _resolved_days_ago(recent, agent, 6)
    call_command("worker", "--once")
    ticket.refresh_from_db()
    recent.refresh_from_db()
    assert ticket.state == State.CLOSED and ticket.closed_at is not None
    assert recent.state == State.RESOLVED
    event = last_event(ticket)
    assert (event.kind, event.actor, event.from_state, event.to_state, event.data) == (
        EventKind.CLOSED, None, State.RESOLVED, State.CLOSED, {"automatic": True, "days": 7}
    )
    assert Notification.objects.filter(recipient=member, verb=EventKind.CLOSED).exists()


def test_auto_close_leaves_reopened_requests_alone(ticket, agent, member):
    ticket = _resolved_days_ago(ticket, agent, 8)
    actions.reopen_ticket(ticket, by=member)
    assert actions.auto_close_resolved() == 0
    assert Ticket.objects.get(pk=ticket.pk).state == State.OPEN


def test_auto_close_twice_closes_once(ticket, agent):
    _resolved_days_ago(ticket, agent, 8)
    assert actions.auto_close_resolved() == 1
    assert actions.auto_close_resolved() == 0
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLOSED).count() == 1


# --- drafts -----------------------------------------------------------------------------------


def test_draft_saves_update_one_draft_per_key(member, category):
    first = actions.save_draft(owner=member, key="k", subject="Fac", body="", category=None)
    second = actions.save_draft(
        owner=member, key="k", subject="Facture", body="Mon client", category=category
    )
    assert first.pk == second.pk
    draft = Draft.objects.get()
    assert (draft.subject, draft.body, draft.category) == ("Facture", "Mon client", category)


def test_an_empty_untouched_form_leaves_no_draft(member):
    assert actions.save_draft(owner=member, key="k", subject=" ", body="", category=None) is None
    assert not Draft.objects.exists()


def test_same_key_from_another_member_makes_their_own_draft(member, other_member):
    actions.save_draft(owner=member, key="k", subject="À moi", body="", category=None)
    actions.save_draft(owner=other_member, key="k", subject="Intrus", body="", category=None)
    assert Draft.objects.get(owner=member).subject == "À moi"
    assert Draft.objects.get(owner=other_member).subject == "Intrus"
