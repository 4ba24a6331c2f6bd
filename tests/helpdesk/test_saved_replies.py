"""Saved replies: kept by the team lead (the team's) and each agent (their own), inserted in a
request's reply box with the request's details filled in and the linked articles."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from coopdesk.accounts.models import Role, User
from helpdesk import actions
from helpdesk.models import SavedReply, Ticket
from kb import actions as kb_actions
from kb.models import Audience, Topic
from tests.factories import UserFactory


@pytest.fixture
def make_article(agent):
    topic = Topic.objects.create(name="Devis et factures", slug="devis-factures", editor=agent)

    def make(title, *, audience=Audience.MEMBERS, publish=True):
        article = kb_actions.create_article(
            by=agent, title=title, summary="Résumé.", body="Texte.", audience=audience,
            topic=topic,
        )
        return kb_actions.publish_article(article, by=agent) if publish else article

    return make


@pytest.fixture
def team_reply(team):
    return SavedReply.objects.create(
        team=team, title="Relance envoyée",
        body="Bonjour {first_name}, nous avons relancé votre client ({reference}, {team}). "
             "Réponse promise : {promised_date}. {agent_first_name}",
    )


def insert_url(ticket, reply) -> str:
    return reverse("helpdesk:saved-reply-insert", args=[ticket.pk, reply.pk])


# --- inserting -----------------------------------------------------------------------------


def test_inserting_fills_the_variables_and_counts_a_use(agent_client, agent, ticket, team_reply):
    response = agent_client.post(insert_url(ticket, team_reply))
    assert response.status_code == 200
    text = response.json()["text"]
    assert text.startswith("Bonjour Camille, nous avons relancé votre client ")
    assert ticket.reference in text and "Recouvrement" in text and text.endswith("Nadia")
    assert "{" not in text
    team_reply.refresh_from_db()
    assert team_reply.usage_count == 1


def _promised(ticket, reply, agent) -> str:
    return actions.use_saved_reply(reply, ticket=ticket, by=agent).split("Réponse promise : ")[
        1
    ].split(". Nadia")[0]


def _short(moment, language: str = "fr") -> str:
    """A date as the member reads it (she reads French unless her profile says otherwise)."""
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def test_the_promised_date_is_the_one_still_due_after_this_reply(agent, ticket, team_reply):
    """Sending the reply meets the first response: it promises the resolution's date, not
    the deadline it meets."""
    assert ticket.first_response_due != ticket.resolution_due
    assert _promised(ticket, team_reply, agent) == _short(ticket.resolution_due)


def test_the_promised_date_skips_the_update_the_reply_gives(agent, member, ticket, team_reply):
    actions.add_reply(ticket, by=agent, body="Nous regardons.")
    actions.add_reply(ticket, by=member, body="Du nouveau ?")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.next_update_due is not None and ticket.next_update_due == ticket.due_at
    assert _promised(ticket, team_reply, agent) == _short(ticket.resolution_due)


def test_the_promised_date_is_written_in_the_members_language(agent, ticket, team_reply):
    """An agent reading English inserts a reply for a member reading French: the date is
    French, as the rest of the message she reads (and English for a member who reads it)."""
    agent.language = "en"
    agent.save()
    french, english = _short(ticket.resolution_due, "fr"), _short(ticket.resolution_due, "en")
    assert french != english
    with translation.override("en"):  # the agent's page
        assert _promised(ticket, team_reply, agent) == french
        ticket.requester.language = "en"
        ticket.requester.save()
        assert _promised(ticket, team_reply, agent) == english


def test_the_articles_heading_is_in_the_members_language(agent, ticket, team_reply, make_article):
    team_reply.articles.set([make_article("Comment relancer")])
    with translation.override("en"):
        text = actions.use_saved_reply(team_reply, ticket=ticket, by=agent)
    with translation.override("fr"):
        heading = translation.gettext("To read:")
    assert heading != "To read:" and f"\n\n{heading}\n\n- [Comment relancer]" in text


def test_no_date_is_promised_once_late(agent, ticket, team_reply):
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=timezone.now() - timedelta(hours=1))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert _promised(ticket, team_reply, agent).startswith("[")


def test_no_date_is_promised_while_waiting_for_the_member(agent, ticket, team_reply):
    """Paused, the resolution's date moves when she answers: no date holds yet."""
    ticket = actions.wait_for_member(ticket, by=agent, note="Il nous faut la facture.")
    assert ticket.resolution_due > timezone.now()
    assert _promised(ticket, team_reply, agent).startswith("[")


def test_variables_are_substituted_never_formatted(agent, ticket, team):
    """Braces the agent typed, or attribute lookups, stay as text: no str.format."""
    ticket.requester.first_name = "{reference}"
    ticket.requester.save()
    reply = SavedReply.objects.create(
        team=team, title="Piège", body="{first_name} {first_name.__class__} {0} {unknown} {team}"
    )
    text = actions.use_saved_reply(reply, ticket=ticket, by=agent)
    assert text == "{reference} {first_name.__class__} {0} {unknown} Recouvrement"


def test_linked_articles_the_member_may_read_are_added(
    agent_client, ticket, team_reply, make_article
):
    readable = make_article("Comment relancer [un client]")
    staff_only = make_article("Procédure interne", audience=Audience.STAFF)
    team_reply.articles.set([readable, staff_only])
    text = agent_client.post(insert_url(ticket, team_reply)).json()["text"]
    assert f"[Comment relancer \\[un client\\]]({readable.get_absolute_url()})" in text
    assert "Procédure interne" not in text


def test_the_picker_lists_the_team_replies_and_my_own_only(
    agent_client, agent, other_agent, ticket, team_reply, other_team
):
    SavedReply.objects.create(owner=agent, title="La mienne", body="x")
    SavedReply.objects.create(owner=other_agent, title="Celle de Yanis", body="x")
    SavedReply.objects.create(team=other_team, title="Du juridique", body="x")
    response = agent_client.get(reverse("helpdesk:saved-reply-picker", args=[ticket.pk]))
    titles = {reply["title"] for reply in response.json()["replies"]}
    assert titles == {"Relance envoyée", "La mienne"}


def test_another_teams_saved_reply_is_refused(agent_client, agent, ticket, other_team):
    foreign = SavedReply.objects.create(team=other_team, title="Du juridique", body="secret")
    response = agent_client.post(insert_url(ticket, foreign))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        actions.use_saved_reply(foreign, ticket=ticket, by=agent)
    foreign.refresh_from_db()
    assert foreign.usage_count == 0


def test_a_colleagues_personal_reply_is_refused(agent_client, other_agent, ticket):
    theirs = SavedReply.objects.create(owner=other_agent, title="Celle de Yanis", body="x")
    assert agent_client.post(insert_url(ticket, theirs)).status_code == 404


def test_members_and_outside_agents_get_no_picker(
    client, member, outside_agent, ticket, team_reply
):
    for person in (member, outside_agent):
        client.force_login(person)
        url = reverse("helpdesk:saved-reply-picker", args=[ticket.pk])
        assert client.get(url).status_code == 404
        assert client.post(insert_url(ticket, team_reply)).status_code == 404
        page = client.get(ticket.get_absolute_url())
        assert b"saved-replies" not in page.content


def test_the_request_page_offers_the_picker_to_the_team(agent_client, ticket):
    page = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert reverse("helpdesk:saved-reply-picker", args=[ticket.pk]) in page
    assert "js/saved_replies.js" in page
    # With none at all, the picker says so and where to write one, not "no match".
    assert 'data-none-label="This team has no saved reply yet' in page
    assert reverse("helpdesk:saved-reply-list") in page


# --- keeping them --------------------------------------------------------------------------

FORM = {"title": "Accusé de réception", "body": "Bonjour {first_name}", "articles": ""}


def test_an_agent_keeps_personal_replies(agent_client, agent):
    response = agent_client.post(reverse("helpdesk:saved-reply-create"), FORM | {"scope": ""})
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    assert reply.owner == agent and reply.team is None
    edit = reverse("helpdesk:saved-reply-edit", args=[reply.pk])
    assert agent_client.post(edit, FORM | {"title": "Reçu"}).status_code == 302
    assert SavedReply.objects.get().title == "Reçu"
    listing = agent_client.get(reverse("helpdesk:saved-reply-list")).content.decode()
    assert "Reçu" in listing
    assert '<td data-label="Times used">0</td>' in listing  # not a bare 0 on a phone
    delete = reverse("helpdesk:saved-reply-delete", args=[reply.pk])
    assert agent_client.post(delete).status_code == 302
    assert not SavedReply.objects.exists()


def test_an_agent_cannot_make_a_team_reply(agent_client, team):
    response = agent_client.post(reverse("helpdesk:saved-reply-create"),
                                 FORM | {"scope": team.pk})
    assert response.status_code == 400
    assert not SavedReply.objects.exists()


def test_the_lead_keeps_the_team_replies(client, lead, team, team_reply, make_article):
    client.force_login(lead)
    article = make_article("Comment relancer un client")
    response = client.post(reverse("helpdesk:saved-reply-create"),
                           FORM | {"scope": team.pk, "articles": article.get_absolute_url()})
    assert response.status_code == 302
    made = SavedReply.objects.get(title=FORM["title"])
    assert made.team == team and made.owner is None
    assert list(made.articles.all()) == [article]
    edit = reverse("helpdesk:saved-reply-edit", args=[team_reply.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, FORM | {"scope": team.pk, "title": "Relance"}).status_code == 302
    team_reply.refresh_from_db()
    assert team_reply.title == "Relance"


def test_an_agent_may_use_but_not_change_the_team_replies(agent_client, team_reply):
    edit = reverse("helpdesk:saved-reply-edit", args=[team_reply.pk])
    assert agent_client.get(edit).status_code == 403
    assert agent_client.post(edit, FORM).status_code == 403
    delete = reverse("helpdesk:saved-reply-delete", args=[team_reply.pk])
    assert agent_client.post(delete).status_code == 403
    assert SavedReply.objects.filter(pk=team_reply.pk, title="Relance envoyée").exists()


def test_another_teams_lead_cannot_see_or_change_our_replies(client, other_team, team_reply):
    other_lead = UserFactory(role=Role.LEAD)
    other_team.agents.add(other_lead)
    other_team.lead = other_lead
    other_team.save()
    client.force_login(other_lead)
    edit = reverse("helpdesk:saved-reply-edit", args=[team_reply.pk])
    assert client.get(edit).status_code == 404
    assert team_reply.title not in client.get(reverse("helpdesk:saved-reply-list")).content.decode()
    with pytest.raises(PermissionDenied):
        actions.save_saved_reply(by=other_lead, title="x", body="y", team=team_reply.team)


def test_an_unknown_or_unpublished_article_is_a_form_error(agent_client, make_article):
    draft = make_article("Brouillon", publish=False)
    for address in ("nulle-part", draft.slug):
        response = agent_client.post(reverse("helpdesk:saved-reply-create"),
                                     FORM | {"articles": address})
        assert response.status_code == 400
        assert "No published article" in response.content.decode() or "Aucun" in (
            response.content.decode()
        )
    assert not SavedReply.objects.exists()


def test_members_have_no_saved_replies_pages(member_client, member):
    for name in ("saved-reply-list", "saved-reply-create"):
        assert member_client.get(reverse(f"helpdesk:{name}")).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.save_saved_reply(by=member, title="x", body="y", team=None)


def test_the_demo_offers_its_teams_saved_replies_and_an_agents_own(db, client):
    """A newcomer opening the picker in the demo finds replies to insert, filled in."""
    call_command("load_demo", stdout=io.StringIO())
    marc = User.objects.get(email="marc@coopdesk.test")
    ticket = Ticket.objects.filter(team__slug="comptabilite").first()
    client.force_login(marc)
    replies = client.get(reverse("helpdesk:saved-reply-picker", args=[ticket.pk])).json()
    scopes = {reply["title"]: reply["scope"] for reply in replies["replies"]}
    assert scopes["Justificatif manquant"] == "Comptabilité"
    assert scopes["Je regarde et je reviens vers vous"] not in {t.name for t in marc.teams.all()}
    text = client.post(replies["replies"][0]["insert_url"]).json()["text"]
    assert text.startswith(f"Bonjour {ticket.requester.first_name},") and "{" not in text
