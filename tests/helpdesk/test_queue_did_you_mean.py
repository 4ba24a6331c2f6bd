"""A queue search that finds nothing offers the search with its misspelt words spelt as the
team's requests spell them: a link that keeps every other filter, never a search run in her
place. The words are the team's own, never another team's."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from coopdesk.accounts.erasure import ask_erasure, erase_account
from coopdesk.accounts.models import Role
from helpdesk import actions, spelling
from helpdesk.models import Ticket
from tests.conftest import login
from tests.factories import UserFactory


def queue_url(team) -> str:
    return reverse("helpdesk:queue-detail", args=[team.slug])


def suggested(response) -> dict | None:
    assert response.status_code == 200
    return response.context["did_you_mean"]


def text(response) -> str:
    return response.content.decode().replace("\N{NO-BREAK SPACE}", " ").replace(
        "\N{NARROW NO-BREAK SPACE}", " "
    )


@pytest.fixture
def make(member, category):
    def make(subject: str, *, requester=None, category=category) -> Ticket:
        return actions.create_ticket(
            requester=requester or member, category=category, subject=subject, body="B"
        )

    return make


def test_a_misspelt_search_offers_the_teams_word_with_every_filter_kept(
    agent_client, team, ticket
):
    query = {"filtered": "1", "state": ["new", "open"], "who": "unassigned",
             "sort": "-priority", "q": "facure"}
    response = agent_client.get(queue_url(team), query)
    assert response.context["page"].object_list == []  # nothing run in her place
    offer = suggested(response)
    assert (offer["typed"], offer["corrected"]) == ("facure", "facture")
    link = urlsplit(offer["url"])
    assert link.path == queue_url(team)
    assert parse_qs(link.query) == {"filtered": ["1"], "state": ["new", "open"],
                                    "who": ["unassigned"], "sort": ["-priority"],
                                    "q": ["facture"]}
    href = offer["url"].replace("&", "&amp;")
    assert (f'No request matches “facure”. Did you mean “<a href="{href}">facture</a>”?'
            in " ".join(text(response).split()))
    # Following the link runs the corrected search.
    followed = agent_client.get(offer["url"])
    assert [t.pk for t in followed.context["page"].object_list] == [ticket.pk]
    assert suggested(followed) is None


def test_the_page_number_is_left_out_of_the_link(agent_client, team, ticket):
    offer = suggested(agent_client.get(queue_url(team), {"q": "facure", "page": "3"}))
    assert parse_qs(urlsplit(offer["url"]).query) == {"q": ["facture"]}


def test_the_offer_in_french(settings, agent_client, team, ticket):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        response = agent_client.get(queue_url(team), {"q": "facure"})
    page = response.content.decode()
    href = response.context["did_you_mean"]["url"].replace("&", "&amp;")
    said = (
        "Aucune demande ne correspond à «\N{NO-BREAK SPACE}facure\N{NO-BREAK SPACE}». "
        f'Vouliez-vous dire «\N{NO-BREAK SPACE}<a href="{href}">facture</a>'
        "\N{NO-BREAK SPACE}»\N{NARROW NO-BREAK SPACE}?"
    )
    assert said in re.sub(r"[ \n]+", " ", page)  # the two sentences, one space apart


def test_no_offer_when_the_search_finds_something(agent_client, team, ticket, monkeypatch):
    monkeypatch.setattr(spelling, "vocabulary", None)  # would fail if called
    response = agent_client.get(queue_url(team), {"q": "facture"})
    assert [t.pk for t in response.context["page"].object_list] == [ticket.pk]
    assert suggested(response) is None
    assert "Did you mean" not in text(response)


def test_no_offer_when_the_corrected_search_finds_nothing_with_the_filters(
    agent_client, team, ticket
):
    response = agent_client.get(queue_url(team), {"filtered": "1", "state": "closed",
                                                  "q": "facure"})
    assert suggested(response) is None
    assert "No request matches these filters." in text(response)


def test_another_teams_words_are_never_offered(
    client, team, other_team, other_category, other_member, agent, outside_agent, ticket
):
    actions.create_ticket(requester=other_member, category=other_category,
                          subject="Remboursement de frais kilométriques", body="B")
    # Their own team is offered its word (and its vocabulary is now in the cache)...
    theirs = suggested(login(outside_agent).get(queue_url(other_team), {"q": "remboursment"}))
    assert theirs["corrected"] == "remboursement"
    # ... ours, which holds no such request, never.
    ours = login(agent).get(queue_url(team), {"q": "remboursment"})
    assert suggested(ours) is None
    assert "remboursement" not in text(ours).lower()
    assert spelling.correction("remboursment", team=team) == ""
    assert spelling.correction("kilometrique", team=team) == ""
    assert "remboursement" not in spelling.vocabulary(team)
    assert spelling.correction("remboursment", team=other_team) == "remboursement"


def test_another_teams_agent_or_a_member_cannot_reach_the_queue(
    team, member, outside_agent, ticket
):
    for person in (member, outside_agent):
        assert login(person).get(queue_url(team), {"q": "facure"}).status_code == 404


def test_the_members_names_are_words_of_the_team(agent_client, team, make):
    requester = UserFactory(first_name="Bérénice", last_name="Ouedraogo", role=Role.MEMBER)
    make("Attestation", requester=requester)
    assert spelling.correction("Ouedrago", team=team) == "ouedraogo"
    # Spelt with the accents the team writes it with.
    assert spelling.correction("berenice", team=team) == "bérénice"


def test_only_the_words_that_find_nothing_change(team, make, member):
    make("Facture impayée F-12")
    # "impay" finds the request as typed (the search reads parts of words): kept.
    assert spelling.correction("impay facure", team=team) == "impay facture"
    # A word with its accents left out is spelt as the team writes it.
    assert spelling.correction("impayee", team=team) == "impayée"
    assert spelling.correction("Facture impayee", team=team) == "Facture impayée"


def test_references_numbers_and_short_words_are_never_corrected(team, make, monkeypatch):
    ticket = make("Facture impayée F-12")
    monkeypatch.setattr(spelling, "vocabulary", None)  # would fail if called
    for typed in (ticket.reference, "D-2026-00013", "d-2026-99999", "12345", "fac", "F-13",
                  "facure@example.org", "facure2", "a b c", ""):
        assert spelling.correction(typed, team=team) == "", typed


def test_the_words_are_kept_in_the_cache_until_a_request_changes(team, make, monkeypatch):
    make("Facture impayée")
    reads = []
    read = spelling.read_vocabulary
    monkeypatch.setattr(spelling, "read_vocabulary", lambda t: reads.append(t) or read(t))
    assert spelling.correction("facure", team=team) == "facture"
    assert spelling.correction("atestation", team=team) == ""
    assert len(reads) == 1
    make("Attestation de salaire")
    assert spelling.correction("atestation", team=team) == "attestation"
    assert len(reads) == 2


def test_a_request_transferred_away_takes_its_words_at_once(
    team, make, agent, other_category
):
    moved = make("Attestation de salaire")
    make("Facture impayée")
    assert spelling.correction("atestation", team=team) == "attestation"
    actions.transfer_ticket(moved, by=agent, to_team=other_category.team,
                            to_category=other_category, reason="Pour eux")
    assert spelling.correction("atestation", team=team) == ""


def test_an_erased_members_words_leave_the_cache(
    team, ticket, member, django_capture_on_commit_callbacks
):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    assert spelling.correction("facure", team=team) == "facture"
    key = spelling._key(team.pk)
    assert cache.get(key) is not None
    ask_erasure(member)
    with django_capture_on_commit_callbacks(execute=True):
        erase_account(member, by=admin)
    assert cache.get(key) is None
    assert spelling.correction("facure", team=team) == ""


def test_words_kept_by_a_build_that_raced_an_erasure_are_never_read(
    team, make, monkeypatch, django_capture_on_commit_callbacks
):
    """A build reads the requests, the member's erasure commits and forgets the words, and
    then the build keeps what it read: under a key nobody reads any more."""
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    requester = UserFactory(first_name="Bérénice", last_name="Ouedraogo", role=Role.MEMBER)
    make("Attestation", requester=requester)
    ask_erasure(requester)
    read = spelling.read_vocabulary

    def read_while_she_is_erased(team):
        words = read(team)
        with django_capture_on_commit_callbacks(execute=True):
            erase_account(requester, by=admin)
        return words

    monkeypatch.setattr(spelling, "read_vocabulary", read_while_she_is_erased)
    assert "ouedraogo" in spelling.vocabulary(team)  # the build in flight, kept when it ends
    monkeypatch.setattr(spelling, "read_vocabulary", read)
    assert spelling.correction("Ouedrago", team=team) == ""
    assert spelling.correction("berenice", team=team) == ""
    assert "ouedraogo" not in spelling.vocabulary(team)
