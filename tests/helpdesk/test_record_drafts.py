"""Nothing typed is lost when recording a request for a member either: the subject, text
and category of the on-behalf form are kept while the agent types, come back after a reload
or on another device, are never another agent's, and go once the request is recorded."""

from __future__ import annotations

from django.urls import reverse

from helpdesk.models import Draft, DraftKind, Ticket
from tests.conftest import login

FORM = reverse("helpdesk:ticket-record")
SAVE = reverse("helpdesk:ticket-record-draft")



def test_the_form_comes_back_on_another_device_and_goes_once_recorded(agent, member, category):
    response = login(agent).post(SAVE, {"subject": "Appel de Camille",
                                        "body": "Son client ne paie pas.",
                                        "category": category.pk})
    assert response.status_code == 200 and response.json()["saved_at"]
    draft = Draft.objects.get()
    assert (draft.owner, draft.kind, draft.category) == (agent, DraftKind.RECORD, category)
    page = login(agent).get(FORM).content.decode()
    assert 'value="Appel de Camille"' in page and "Son client ne paie pas.</textarea>" in page
    assert f'value="{category.pk}" selected' in page
    assert "Draft restored." in page or "Brouillon retrouvé" in page
    response = login(agent).post(FORM, {
        "member": member.email, "channel": "phone", "category": category.pk,
        "subject": "Appel de Camille", "body": "Son client ne paie pas.",
    })
    assert response.status_code == 302 and Ticket.objects.get().requester == member
    assert not Draft.objects.exists()


def test_a_refused_form_keeps_its_draft(agent, category):
    login(agent).post(SAVE, {"subject": "Appel", "body": "Question au téléphone"})
    response = login(agent).post(FORM, {"member": "nobody@example.test", "channel": "phone",
                                        "category": category.pk, "subject": "Appel",
                                        "body": "Question au téléphone"})
    assert response.status_code == 400
    assert Draft.objects.get().body == "Question au téléphone"


def test_another_agents_draft_is_never_shown(agent, other_agent):
    login(agent).post(SAVE, {"subject": "Appel", "body": "Texte de Nadia seulement"})
    assert "Texte de Nadia seulement" not in login(other_agent).get(FORM).content.decode()


def test_the_draft_is_not_listed_among_the_agents_own_requests(agent):
    login(agent).post(SAVE, {"subject": "Appel pour un membre", "body": "Texte"})
    response = login(agent).get(reverse("helpdesk:ticket-list"))
    assert response.status_code == 200
    assert "Appel pour un membre" not in response.content.decode()


def test_members_keep_no_such_draft_and_categories_stay_the_agents(
    member, agent, other_category
):
    assert login(member).post(SAVE, {"body": "Je tente"}).status_code == 404
    login(agent).post(SAVE, {"body": "Une autre équipe", "category": other_category.pk})
    assert Draft.objects.get().category is None  # not a category this agent may choose
    assert login(agent).post(SAVE, {"body": "x" * 10_001}).status_code == 400
