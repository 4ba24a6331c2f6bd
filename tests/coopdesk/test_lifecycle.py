"""The lifecycle kit (coopdesk.lifecycle) and the steps pages post to (coopdesk.steps),
seen through requests: the words come from the model, a step writes only what it changed,
and the flash message after a step is in the language of the request that took it."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from notifications.models import Notification

from coopdesk import lifecycle
from coopdesk.conflicts import Conflict
from helpdesk import actions
from helpdesk.models import CollectionCase, EventKind, State, Ticket, TicketEvent
from tests.conftest import login
from tests.helpdesk.flows import move_to


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def client_in(user, language: str) -> Client:
    client = login(user)
    client.cookies["django_language"] = language
    return client


def step(client: Client, ticket: Ticket, name: str, note: str = ""):
    url = reverse("helpdesk:ticket-step", args=[ticket.pk, name])
    return client.post(url, {"version": ticket.version, "note": note}, follow=True)


# --- the flash message after a step --------------------------------------------------------


@pytest.mark.django_db
def test_the_flash_message_after_a_step_is_in_the_language_of_each_request(
    agent, member, category
):
    """The same process answers a French request, then an English one, then French again:
    each says "done" in its own language (the message was translated at import time)."""
    said = {}
    for language in ("fr", "en", "fr"):
        ticket = actions.create_ticket(
            requester=member, category=category, subject=f"Devis {language}", body="B"
        )
        response = step(client_in(agent, language), ticket, "acknowledge")
        assert response.status_code == 200
        said.setdefault(language, []).append(
            [str(m) for m in response.context["messages"]]
        )
    assert said["fr"] == [["Réception de la demande confirmée."]] * 2
    assert said["en"] == [["Request acknowledged."]]


# --- saving only what changed ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_step_writes_only_the_columns_it_changed(agent, ticket):
    """Acknowledging does not render the Markdown body again, nor write the subject."""
    with mock.patch("helpdesk.models.tickets.render_markdown") as render, \
            CaptureQueriesContext(connection) as queries:
        actions.acknowledge_ticket(
            ticket, by=agent, note="Bien reçu", expected_version=ticket.version
        )
    render.assert_not_called()
    (update,) = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "helpdesk_ticket"')]
    assert '"state"' in update and '"first_response_at"' in update and '"version"' in update
    assert '"body_html"' not in update and '"subject"' not in update
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.state, ticket.version) == (State.OPEN, 2)
    assert ticket.first_response_at is not None


@pytest.mark.django_db
def test_saving_the_body_still_renders_it(ticket):
    ticket.body = "**Urgent**"
    ticket.save(update_fields=["body"])
    assert "<strong>Urgent</strong>" in Ticket.objects.get(pk=ticket.pk).body_html


@pytest.mark.django_db
def test_a_collection_step_saves_the_member_choices_it_changed(agent, member, team):
    case = actions.open_collection_case(
        by=agent, member=member, team=team, client_name="Client", invoice_number="F-1",
        amount=100, due_date="2026-01-01",
    )
    actions.set_collection_consent(case, by=member, step=case.next_step, consent="hold")
    case = CollectionCase.objects.get(pk=case.pk)
    assert case.overrides == {case.next_step: "hold"} and case.version == 2


# --- the model's words -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_stale_form_message_is_the_models(agent, ticket, monkeypatch):
    monkeypatch.setattr(Ticket, "stale_message", "Someone moved it: now %(state)s.")
    actions.acknowledge_ticket(ticket, by=agent)
    with pytest.raises(Conflict) as refused:
        actions.resolve_ticket(ticket, by=agent, expected_version=1)
    assert refused.value.message == "Someone moved it: now In progress."
    assert Ticket.objects.get(pk=ticket.pk).state == State.OPEN


@pytest.mark.django_db
def test_a_stale_page_gets_the_409_page_with_the_models_words(agent, ticket):
    actions.acknowledge_ticket(ticket, by=agent)
    response = step(client_in(agent, "en"), Ticket(pk=ticket.pk, version=1), "resolve")
    assert response.status_code == 409
    assert "This request was changed by someone else" in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_is_a_plain_sentence_naming_the_state(agent, member, ticket):
    with pytest.raises(Conflict) as refused:
        actions.confirm_resolution(ticket, by=member)
    assert refused.value.message == "This step is not possible while the status is “New”."


@pytest.mark.django_db
def test_a_model_can_say_more_plainly_why_one_transition_is_refused(agent, member, team):
    case = actions.open_collection_case(
        by=agent, member=member, team=team, client_name="Client", invoice_number="F-2",
        amount=100, due_date="2026-01-01",
    )
    case = lifecycle.lock(case)
    actions.mark_case_paid(case, by=agent)
    case = lifecycle.lock(case)
    with pytest.raises(Conflict) as refused:
        lifecycle.run(case, case.take_step, None)
    assert refused.value.message == "There is no further step for this invoice."


@pytest.mark.django_db
def test_someone_who_may_not_is_refused_before_the_state_is_looked_at(
    agent, outside_agent, ticket
):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    with pytest.raises(PermissionDenied):  # not a 409 that would tell the state
        actions.resolve_ticket(closed, by=outside_agent)


# --- the timeline ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_writes_the_subjects_timeline_and_leaves_notifying_to_the_action(agent, ticket):
    with mock.patch("coopdesk.notify.event") as fan_out:
        event = lifecycle.record(ticket, EventKind.NOTE, by=agent, note="Vu", is_internal=True)
    fan_out.assert_not_called()
    assert not Notification.objects.filter(action_object_object_id=event.pk).exists()
    assert isinstance(event, TicketEvent)
    assert (event.ticket, event.to_state, event.note, event.data) == (ticket, State.NEW, "Vu", {})


@pytest.mark.django_db
def test_an_event_starts_from_the_state_the_steps_first_transition_left(agent, ticket):
    ticket = lifecycle.lock(ticket)
    lifecycle.run(ticket, ticket.acknowledge, agent, by=agent)
    lifecycle.run(ticket, ticket.wait_for_member, agent)
    lifecycle.save(ticket)
    event = lifecycle.record(ticket, EventKind.WAITING, by=agent)
    assert (event.from_state, event.to_state) == (State.NEW, State.WAITING)
    # The next event of the same object ran no transition of its own: it starts from none.
    note = lifecycle.record(ticket, EventKind.NOTE, by=agent, is_internal=True)
    assert (note.from_state, note.to_state) == ("", State.WAITING)
