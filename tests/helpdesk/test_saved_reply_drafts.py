"""Nothing typed is lost while writing a saved reply either: its title and text are kept
while typed (a new one, or one being edited), come back after a reload or on another device,
are never anyone else's, and go once the reply is saved."""

from __future__ import annotations

from django.urls import reverse

from helpdesk.models import Draft, DraftKind, SavedReply
from tests.conftest import login

NEW = reverse("helpdesk:saved-reply-create")
SAVE_NEW = reverse("helpdesk:saved-reply-draft-new")



def test_a_new_saved_reply_comes_back_on_another_device_and_goes_once_saved(agent):
    response = login(agent).post(SAVE_NEW, {"title": "Relance", "body": "Bonjour {first_name}"})
    assert response.status_code == 200 and response.json()["saved_at"]
    assert Draft.objects.get().kind == DraftKind.SAVED_REPLY
    page = login(agent).get(NEW).content.decode()
    assert 'value="Relance"' in page and "Bonjour {first_name}</textarea>" in page
    response = login(agent).post(NEW, {"title": "Relance", "body": "Bonjour {first_name}",
                                       "scope": "", "articles": ""})
    assert response.status_code == 302 and SavedReply.objects.get().owner == agent
    assert not Draft.objects.exists()


def test_an_edit_in_progress_comes_back_over_the_saved_text(agent):
    reply = SavedReply.objects.create(owner=agent, title="Relance", body="Ancien texte")
    url = reverse("helpdesk:saved-reply-edit", args=[reply.pk])
    login(agent).post(reverse("helpdesk:saved-reply-draft", args=[reply.pk]),
                      {"title": "Relance", "body": "Nouveau texte en cours"})
    page = login(agent).get(url).content.decode()
    assert "Nouveau texte en cours</textarea>" in page and "Ancien texte" not in page
    login(agent).post(url, {"title": "Relance", "body": "Nouveau texte en cours", "scope": "",
                            "articles": ""})
    assert SavedReply.objects.get().body == "Nouveau texte en cours"
    assert not Draft.objects.exists()


def test_someone_elses_saved_reply_draft_is_never_shown(agent, other_agent):
    login(agent).post(SAVE_NEW, {"title": "Brouillon de Nadia", "body": "Texte"})
    assert "Brouillon de Nadia" not in login(other_agent).get(NEW).content.decode()


def test_only_who_may_change_a_saved_reply_keeps_a_draft_of_it(member, agent, lead, team):
    team_reply = SavedReply.objects.create(team=team, title="De l'équipe", body="Texte")
    url = reverse("helpdesk:saved-reply-draft", args=[team_reply.pk])
    assert login(member).post(SAVE_NEW, {"title": "T", "body": "x"}).status_code == 404
    assert login(agent).post(url, {"title": "T", "body": "x"}).status_code == 403
    assert login(lead).post(url, {"title": "T", "body": "x"}).status_code == 200
    assert login(agent).post(SAVE_NEW, {"title": "T" * 151, "body": "x"}).status_code == 400
    assert list(Draft.objects.values_list("owner", flat=True)) == [lead.pk]


def test_a_draft_for_saved_reply_number_zero_is_not_found(agent):
    """0 names no saved reply: not the new one, whose draft it would have replaced."""
    url = reverse("helpdesk:saved-reply-draft", args=[0])
    assert login(agent).post(url, {"title": "T", "body": "x"}).status_code == 404
    assert not Draft.objects.exists()
