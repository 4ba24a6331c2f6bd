"""The member portal: my requests, the new-request form, drafts, one request, files."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from helpdesk import actions
from helpdesk.models import Attachment, Draft, EventKind, Message, State, Ticket
from tests.conftest import login
from tests.helpdesk.flows import move_to, pdf

CREATE = reverse("helpdesk:ticket-create")
DRAFT_SAVE = reverse("helpdesk:draft-save")
LIST = reverse("helpdesk:ticket-list")


def body(response) -> str:
    return response.content.decode()


def step_url(ticket, step: str) -> str:
    return reverse("helpdesk:ticket-step", args=[ticket.pk, step])


# --- my requests ------------------------------------------------------------------------------


def test_my_requests_show_status_team_handler_and_only_mine(
    member_client, member, other_member, category, agent
):
    mine = actions.create_ticket(
        requester=member, category=category, subject="Ma facture", body="B"
    )
    actions.claim_ticket(mine, by=agent)
    actions.create_ticket(requester=other_member, category=category, subject="Sa facture", body="B")
    page = body(member_client.get(LIST))
    assert "Ma facture" in page and mine.reference in page
    assert "In progress" in page and "Recouvrement" in page and "Nadia" in page
    assert "Sa facture" not in page


def test_finished_requests_are_on_their_own_tab(member_client, ticket, agent):
    move_to(ticket, State.CLOSED, agent=agent)
    assert ticket.subject not in body(member_client.get(LIST))
    assert ticket.subject in body(member_client.get(LIST, {"show": "done"}))


def test_my_requests_are_paginated(member_client, member, category):
    for n in range(26):
        actions.create_ticket(requester=member, category=category, subject=f"Sujet n°{n}", body="B")
    first, second = member_client.get(LIST), member_client.get(LIST, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    assert "Sujet n°0" in body(second)  # oldest last
    assert member_client.get(LIST, {"page": "abc"}).status_code == 404  # no link makes it


def test_my_drafts_are_listed_with_a_link_to_resume(member_client, member):
    draft = Draft.objects.create(owner=member, key="k", subject="Mon brouillon")
    page = body(member_client.get(LIST))
    assert "Mon brouillon" in page
    assert f"{CREATE}?draft={draft.pk}" in page


# --- new request ------------------------------------------------------------------------------


def test_new_request_form_offers_categories_with_their_help(member_client, category):
    response = member_client.get(CREATE)
    assert response.status_code == 200
    assert category.label in body(response) and category.help_text in body(response)
    assert len(response.context["form"].initial["key"]) == 32


def test_new_request_form_preselects_a_category(member_client, category):
    response = member_client.get(CREATE, {"category": category.pk})
    assert f'value="{category.pk}" checked' in body(response)


def test_sending_a_request_creates_it_and_deletes_its_draft(member_client, member, category):
    Draft.objects.create(owner=member, key="abc", subject="brouillon")
    response = member_client.post(
        CREATE,
        {"category": category.pk, "subject": "Impayé", "body": "Client X", "key": "abc",
         "files": [pdf()]},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == ticket.get_absolute_url()
    assert (ticket.requester, ticket.subject, ticket.attachments.count()) == (member, "Impayé", 1)
    assert not Draft.objects.exists()
    page = body(member_client.get(response.url))
    assert f"Your request {ticket.reference} has been sent to the Recouvrement team." in page


def test_missing_category_rerenders_what_was_typed_with_400(member_client):
    response = member_client.post(
        CREATE, {"subject": "Mon sujet tapé", "body": "Mon long message tapé", "key": "k"}
    )
    assert response.status_code == 400
    page = body(response)
    assert "Choose what your request is about." in page
    assert 'value="Mon sujet tapé"' in page and "Mon long message tapé" in page
    assert 'value="k"' in page  # the draft key survives, so autosave keeps one draft
    assert not Ticket.objects.exists()


def test_inactive_category_is_a_form_error(member_client, category):
    category.is_active = False
    category.save()
    response = member_client.post(CREATE, {"category": category.pk, "subject": "S", "body": "B"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "upload, error",
    [
        (pdf("script.exe"), "“script.exe”: this type of file is not accepted"),
        (pdf("page.html"), "“page.html”: this type of file is not accepted"),
        (pdf("gros.pdf", size=1024 * 1024), "“gros.pdf” is too large (1 MB at most)."),
    ],
)
def test_attachment_type_and_size_limits_are_form_errors(
    member_client, category, settings, upload, error
):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    response = member_client.post(
        CREATE,
        {"category": category.pk, "subject": "Avec pièce", "body": "Texte", "files": [upload]},
    )
    assert response.status_code == 400
    assert error in body(response)
    assert 'value="Avec pièce"' in body(response)
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_too_many_files_on_one_message_is_a_form_error(member_client, category, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    response = member_client.post(CREATE, {
        "category": category.pk, "subject": "Trois reçus", "body": "Texte",
        "files": [pdf(f"recu-{n}.pdf") for n in range(3)],
    })
    assert response.status_code == 400
    assert "Attach 2 files at most to one message." in body(response)
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


# --- drafts -----------------------------------------------------------------------------------


def test_autosave_creates_then_updates_one_draft_per_key(member_client, member, category):
    first = member_client.post(DRAFT_SAVE, {"key": "k1", "subject": "Fac"})
    second = member_client.post(
        DRAFT_SAVE,
        {"key": "k1", "subject": "Facture", "body": "Mon client", "category": category.pk},
    )
    member_client.post(DRAFT_SAVE, {"key": "k2", "subject": "Autre onglet"})
    assert first.status_code == second.status_code == 200
    assert first.json()["draft"] == second.json()["draft"]
    assert "saved_at" in second.json()
    draft = Draft.objects.get(key="k1")
    assert (draft.owner, draft.subject, draft.body, draft.category) == (
        member, "Facture", "Mon client", category
    )
    assert Draft.objects.count() == 2


def test_autosave_of_an_empty_form_saves_nothing(member_client):
    response = member_client.post(DRAFT_SAVE, {"key": "k1", "subject": "", "body": "  "})
    assert response.json() == {"draft": None}
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"key": "x" * 41, "subject": "S"}, {"key": "k", "category": "abc"},
     {"key": "k", "subject": "s" * 201}, {"key": "k", "category": "99999999999999999999999"}],
)
def test_autosave_with_bad_input_answers_400_json(member_client, data):
    response = member_client.post(DRAFT_SAVE, data)
    assert response.status_code == 400
    assert response.json()["error"] == "The draft could not be saved."
    assert not Draft.objects.exists()


def test_autosave_drops_control_characters(member_client, member):
    """A NUL (PostgreSQL refuses it in text) or other invisible junk is dropped, as in the
    form it is a draft of (coopdesk.text)."""
    response = member_client.post(DRAFT_SAVE, {"key": "k", "body": "nul \x00\x1b[0m\r\nsuite"})
    assert response.status_code == 200
    assert Draft.objects.get(owner=member).body == "nul [0m\r\nsuite"


def test_autosave_only_accepts_post(member_client):
    assert member_client.get(DRAFT_SAVE).status_code == 405


def test_autosave_with_another_members_key_leaves_their_draft_alone(
    member, other_member
):
    theirs = Draft.objects.create(owner=other_member, key="leur-cle", subject="Leur texte")
    response = login(member).post(DRAFT_SAVE, {"key": "leur-cle", "subject": "Écrasé ?"})
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.subject == "Leur texte"
    assert Draft.objects.get(pk=response.json()["draft"]).owner == member


def test_draft_resumes_in_the_form(member_client, member, category):
    draft = Draft.objects.create(
        owner=member, key="reprise", subject="Repris", body="Texte repris", category=category
    )
    response = member_client.get(CREATE, {"draft": draft.pk})
    assert response.status_code == 200
    page = body(response)
    assert 'value="Repris"' in page and "Texte repris" in page
    assert f'value="{category.pk}" checked' in page and 'value="reprise"' in page
    assert "Draft restored." in page


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "99999999999999999999999", "1%00"])
def test_a_bad_draft_parameter_is_a_404_not_an_error(member_client, value):
    assert member_client.get(CREATE, {"draft": value}).status_code == 404


def test_another_members_draft_cannot_be_resumed(member, other_member):
    theirs = Draft.objects.create(owner=other_member, key="k", subject="Secret")
    response = login(member).get(CREATE, {"draft": theirs.pk})
    assert response.status_code == 404
    assert "Secret" not in body(response)


def test_member_deletes_a_draft(member_client, member):
    draft = Draft.objects.create(owner=member, key="k", subject="S")
    response = member_client.post(reverse("helpdesk:draft-delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_another_members_draft_cannot_be_deleted(member, other_member):
    theirs = Draft.objects.create(owner=other_member, key="k", subject="S")
    response = login(member).post(reverse("helpdesk:draft-delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert Draft.objects.filter(pk=theirs.pk).exists()


# --- one request ------------------------------------------------------------------------------


def test_request_page_shows_team_card_status_timeline_and_reply(member_client, ticket, team):
    team.phone = "04 72 00 00 00"
    team.save()
    for weekday in range(5):
        team.opening_ranges.create(weekday=weekday, starts=time(9), ends=time(17))
    page = body(member_client.get(ticket.get_absolute_url()))
    assert "recouvrement@example.test" in page and "tel:0472000000" in page
    assert "Monday–Friday 9:00–17:00" in page and "24 business hours" in page
    assert f"{team.name} team, not yet assigned to a person" in page
    assert "First response promised by" in page
    assert "Mon client ne paie pas." in page
    assert reverse("helpdesk:ticket-reply", args=[ticket.pk]) in page
    assert reverse("helpdesk:ticket-note", args=[ticket.pk]) not in page


@pytest.mark.parametrize(
    "state, shown, hidden",
    [
        (State.NEW, {"withdraw"}, {"confirm", "reopen"}),
        (State.RESOLVED, {"confirm", "reopen"}, {"withdraw"}),
        (State.CLOSED, set(), {"confirm", "reopen", "withdraw"}),
    ],
)
def test_member_sees_the_steps_the_state_allows(member_client, ticket, agent, state, shown, hidden):
    ticket = move_to(ticket, state, agent=agent)
    page = body(member_client.get(ticket.get_absolute_url()))
    for step in shown:
        assert step_url(ticket, step) in page
    for step in hidden | {"resolve", "claim", "close"}:
        assert step_url(ticket, step) not in page


def test_member_replies(member_client, ticket, member):
    response = member_client.post(
        reverse("helpdesk:ticket-reply", args=[ticket.pk]),
        {"body": "Voici la facture", "files": [pdf()], "then": "resolve"},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.author, message.is_internal, message.attachments.count()) == (member, False, 1)
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW  # `then` is for the team only


def test_empty_reply_rerenders_with_400(member_client, ticket):
    response = member_client.post(reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"body": ""})
    assert response.status_code == 400
    assert "Write a message before sending." in body(response)


def test_reply_with_a_refused_file_keeps_the_text(member_client, ticket):
    response = member_client.post(
        reverse("helpdesk:ticket-reply", args=[ticket.pk]),
        {"body": "Mon texte précieux", "files": [pdf("virus.exe")]},
    )
    assert response.status_code == 400
    assert "Mon texte précieux" in body(response)
    assert "this type of file is not accepted" in body(response)
    assert not Message.objects.exists()


def test_reply_on_a_closed_request_is_a_409(member_client, ticket, agent):
    ticket = move_to(ticket, State.CLOSED, agent=agent)
    response = member_client.post(
        reverse("helpdesk:ticket-reply", args=[ticket.pk]), {"body": "Encore"}
    )
    assert response.status_code == 409
    assert "This request is closed." in body(response)


def test_member_confirms_through_the_page(member_client, ticket, agent):
    ticket = move_to(ticket, State.RESOLVED, agent=agent)
    response = member_client.post(step_url(ticket, "confirm"), {"version": ticket.version})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).state == State.CLOSED


def test_member_reopens_through_the_page_saying_why(member_client, ticket, agent):
    ticket = move_to(ticket, State.RESOLVED, agent=agent)
    member_client.post(step_url(ticket, "reopen"), {"version": ticket.version, "note": "Pas payé"})
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN
    assert ticket.events.last().note == "Pas payé"


def test_member_withdraws_through_the_page(member_client, ticket):
    response = member_client.post(step_url(ticket, "withdraw"), {"version": 1, "note": "Réglé"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.WITHDRAWN
    assert ticket.events.last().kind == EventKind.WITHDRAWN


def test_a_withdrawn_request_waits_for_nobody(member_client, ticket, team):
    """Withdrawn (or closed) nobody will pick it up: the page does not say it awaits someone."""
    member_client.post(step_url(ticket, "withdraw"), {"version": 1})
    page = body(member_client.get(ticket.get_absolute_url()))
    assert "not yet assigned" not in page
    assert f"<span data-assignee>{team.name} team</span>" in page


def test_a_closed_request_names_its_last_handler_and_no_wait(member_client, ticket, agent, team):
    actions.claim_ticket(ticket, by=agent)
    closed = move_to(ticket, State.CLOSED, agent=agent)
    page = body(member_client.get(closed.get_absolute_url()))
    assert "not yet assigned" not in page
    assert f"Handled by <strong data-assignee>{agent.first_name}</strong>" in page
    Ticket.objects.filter(pk=ticket.pk).update(assignee=None)
    page = body(member_client.get(closed.get_absolute_url()))
    assert "not yet assigned" not in page and f"{team.name} team</span>" in page


def test_stale_step_is_a_409_that_names_the_new_state(member_client, ticket, agent):
    actions.acknowledge_ticket(ticket, by=agent)
    response = member_client.post(step_url(ticket, "withdraw"), {"version": 1})
    assert response.status_code == 409
    assert "This request was changed by someone else" in body(response)
    assert "“In progress”" in body(response)
    assert Ticket.objects.get(pk=ticket.pk).state == State.OPEN


def test_impossible_step_answers_json_to_scripts(member_client, ticket):
    response = member_client.post(
        step_url(ticket, "confirm"), {"version": 1}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    assert response.json() == {"error": "This step is not possible while the status is “New”."}


@pytest.mark.parametrize("version", ["", "abc", "1.5"])
def test_step_with_a_bad_version_is_a_400(member_client, ticket, version):
    response = member_client.post(step_url(ticket, "withdraw"), {"version": version})
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW


def test_unknown_step_is_a_404(member_client, ticket):
    assert member_client.post(step_url(ticket, "explode"), {"version": 1}).status_code == 404


def test_steps_only_accept_post(member_client, ticket):
    assert member_client.get(step_url(ticket, "withdraw")).status_code == 405


@pytest.mark.parametrize("pk", [0, 99999999999999999999999])
def test_unknown_request_is_a_404(member_client, pk):
    # Built by hand: reverse() refuses an id past 64 bits, as the URL converter does.
    url = reverse("helpdesk:ticket-detail", args=[1]).replace("/1/", f"/{pk}/")
    assert member_client.get(url).status_code == 404


# --- attachments ------------------------------------------------------------------------------


@pytest.fixture
def opening_file(member, category):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="S", body="B", files=[pdf("devis.pdf")]
    )
    return ticket.attachments.get()


def test_member_downloads_their_file_as_an_attachment(member_client, opening_file):
    response = member_client.get(opening_file.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="devis.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_file_missing_on_disk_is_a_404_not_an_error(member_client, opening_file):
    opening_file.file.delete(save=False)
    assert member_client.get(opening_file.get_absolute_url()).status_code == 404


def test_files_are_not_served_from_a_public_url(opening_file, settings):
    assert settings.MEDIA_URL is None
    assert opening_file.get_absolute_url() == reverse(
        "helpdesk:attachment-download", args=[opening_file.pk]
    )


@pytest.mark.parametrize("who", ["other_member", "other_advisor", "outside_agent"])
def test_outsiders_get_404_for_a_file(request, opening_file, who):
    client = login(request.getfixturevalue(who))
    assert client.get(opening_file.get_absolute_url()).status_code == 404


def test_anonymous_download_goes_to_login(client, opening_file):
    response = client.get(opening_file.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("who, status", [("member", 404), ("advisor", 404), ("agent", 200)])
def test_an_internal_notes_file_is_only_for_the_team(request, ticket, agent, who, status):
    note = actions.add_note(ticket, by=agent, body="Note", files=[pdf("interne.pdf")])
    attachment = note.attachments.get()
    client = login(request.getfixturevalue(who))
    assert client.get(attachment.get_absolute_url()).status_code == status
    page = body(client.get(ticket.get_absolute_url()))
    assert (attachment.get_absolute_url() in page) == (status == 200)


def test_deactivated_member_loses_access(member, opening_file):
    client = login(member)
    member.is_active = False
    member.save()
    response = client.get(opening_file.get_absolute_url())
    assert response.status_code == 302



def test_the_status_card_says_who_handles_the_request_in_a_sentence(
    member_client, ticket, team, agent
):
    """Unassigned, it read "Handled by not yet assigned, Legal"."""
    page = body(member_client.get(ticket.get_absolute_url()))
    assert "Handled by" not in page.split('class="status-line"')[1].split("</p>")[0]
    actions.claim_ticket(ticket, by=agent)
    page = body(member_client.get(ticket.get_absolute_url()))
    assert f"Handled by <strong data-assignee>{agent.first_name}</strong>, {team.name}" in page
