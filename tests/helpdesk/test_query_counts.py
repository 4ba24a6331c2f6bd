"""The busiest helpdesk pages make a fixed number of queries, whatever the data.

Each test measures a page with some data, adds more of what the page lists (requests,
messages, notes, attachments, people, categories), measures again and expects the same count,
under a ceiling. A template or view that fetches per row or per message fails here long
before it is slow in production (timings themselves are measured by `make bench`).

Lists are paged by 5 here, and measured with more than one page both times: a list that fits
in one page makes one query less (no COUNT, see helpdesk/pagination.py).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopdesk.accounts.models import Role
from helpdesk import actions
from helpdesk.models import SavedReply, Ticket
from tests.conftest import login
from tests.factories import CategoryFactory, UserFactory

# Ceilings: the target for the queue (it makes 7: session, user, team, COUNT, page,
# categories for the filter, agents for the bulk form); the others exactly as measured when
# written (session and user included), so that a new query is a decision, not an accident.
QUEUE_MAX = 10
TICKET_AGENT_MAX = 11  # + request (with the reader's follow/mute choice of the live
#   notifications, whether she watches it and whether it has related requests), events,
#   files, member's other requests, agents (the categories are on the transfer page), the
#   teams of the agents who wrote (shown beside their names), the team's opening hours, its
#   closures (the time left in business time), the place in line (one count), the related
#   requests (one query, only when there are some: none here; the saved replies load on
#   demand, none here), the reader's drafts of a reply, a note and a priority reason (one
#   query)
TICKET_MEMBER_MAX = 8  # + request (with her follow/mute choice and whether it has related
#   requests), events, files, the writers' teams, the team's opening hours (its card), the
#   place in line (one count), the related requests (one query, only when there are some:
#   none here), the reader's drafts of a reply and step notes (one query)
MY_REQUESTS_MAX = 5  # + COUNT (several pages), page, drafts


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    # Each list page reads its own copy of the name.
    for page in ("member", "queues", "collections"):
        monkeypatch.setattr(f"helpdesk.views.{page}.PAGE_SIZE", 5)


def queries(client: Client, url: str) -> int:
    """Queries one GET makes (once the session and caches are warm). Savepoints are left
    out: they stand for the BEGIN and COMMIT that a transaction inside the page makes
    outside the test's own transaction, which Django does not count as queries."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 facture", content_type="application/pdf")


@pytest.fixture
def members(advisor, office):
    return [UserFactory(role=Role.MEMBER, advisor=advisor, office=office) for _ in range(4)]


@pytest.fixture
def many_requests(team, category, members, agent, other_agent):
    """Requests from several members, in several categories, handled by several agents."""

    def make(count: int, *, requester=None) -> list[Ticket]:
        categories = [category, CategoryFactory(team=team)]
        made = []
        for n in range(count):
            ticket = actions.create_ticket(
                requester=requester or members[n % len(members)],
                category=categories[n % 2], subject=f"Demande {n}", body="Bonjour",
                files=[pdf(f"piece-{n}.pdf")] if n % 3 == 0 else [],
            )
            if n % 4 in (1, 2):
                actions.claim_ticket(ticket, by=[agent, other_agent][n % 2])
            if n % 4 == 2:
                actions.wait_for_member(ticket, by=agent, note="Une précision ?")
            made.append(ticket)
        return made

    return make


def add_conversation(ticket: Ticket, *, agent, rounds: int) -> None:
    """Replies both ways, internal notes and attachments: what a request's page lists."""
    actions.claim_ticket(ticket, by=agent)
    for n in range(rounds):
        actions.add_reply(ticket, by=agent, body=f"Réponse **{n}**", files=[pdf(f"r{n}.pdf")])
        actions.add_note(ticket, by=agent, body=f"Note {n}", files=[pdf(f"n{n}.pdf")])
        actions.add_reply(ticket, by=ticket.requester, body=f"Merci {n}")


# --- the team's queue -------------------------------------------------------------------------


def test_queue_queries_do_not_grow_with_requests(agent_client, team, many_requests):
    url = reverse("helpdesk:queue-detail", args=[team.slug])
    many_requests(12)
    few = queries(agent_client, url)
    many_requests(24)  # more pages, members, agents and categories
    assert queries(agent_client, url) == few
    assert few <= QUEUE_MAX


@pytest.mark.parametrize(
    "query",
    [
        "filtered=1&state=new&state=open&state=waiting&state=resolved&state=closed",
        "filtered=1&who=mine&sort=-priority",
        "who=unassigned&sort=first_response_due&page=2",
        "q=Demande",
        "q={reference}",
    ],
)
def test_filtered_queue_queries_do_not_grow(agent_client, team, many_requests, query):
    first = many_requests(24)[0]  # each list has more than one page of 5 from the start
    query = query.format(reference=first.reference)
    url = f"{reverse('helpdesk:queue-detail', args=[team.slug])}?{query}"
    few = queries(agent_client, url)
    many_requests(24)
    assert queries(agent_client, url) == few
    assert few <= QUEUE_MAX


def test_queue_list_queries_do_not_grow(agent_client, agent, many_requests):
    url = reverse("helpdesk:queue-list")
    for ticket in many_requests(2):
        actions.assign_ticket(ticket, by=agent, to=agent)
    few = queries(agent_client, url)
    for ticket in many_requests(12):
        actions.assign_ticket(ticket, by=agent, to=agent)
    assert queries(agent_client, url) == few


# --- one request --------------------------------------------------------------------------------


@pytest.mark.parametrize("reader, most", [
    ("agent_client", TICKET_AGENT_MAX), ("member_client", TICKET_MEMBER_MAX),
])
def test_request_page_queries_do_not_grow_with_messages(request, reader, most, agent, ticket):
    client = request.getfixturevalue(reader)
    url = ticket.get_absolute_url()
    add_conversation(ticket, agent=agent, rounds=1)
    few = queries(client, url)
    add_conversation(ticket, agent=agent, rounds=6)
    assert queries(client, url) == few
    assert few <= most


def test_agent_request_page_queries_do_not_grow_with_saved_replies(
    agent_client, agent, ticket, team
):
    """The saved-reply picker loads on demand: 50 of them cost the page nothing."""
    url = ticket.get_absolute_url()
    few = queries(agent_client, url)
    SavedReply.objects.bulk_create(
        [SavedReply(team=team, title=f"Réponse {n}", body="Bonjour {first_name}")
         for n in range(45)]
        + [SavedReply(owner=agent, title=f"La mienne {n}", body="x") for n in range(5)]
    )
    assert queries(agent_client, url) == few
    assert few <= TICKET_AGENT_MAX


def test_agent_request_page_queries_do_not_grow_with_the_members_other_requests(
    agent_client, agent, ticket, many_requests, member
):
    url = ticket.get_absolute_url()
    many_requests(1, requester=member)
    few = queries(agent_client, url)
    many_requests(14, requester=member)
    assert queries(agent_client, url) == few


def test_advisor_request_page_queries_do_not_grow_with_messages(advisor, agent, ticket):
    client = login(advisor)
    url = ticket.get_absolute_url()
    add_conversation(ticket, agent=agent, rounds=1)
    few = queries(client, url)
    add_conversation(ticket, agent=agent, rounds=6)
    assert queries(client, url) == few


def test_live_fragment_queries_do_not_grow_with_messages(agent_client, agent, ticket):
    url = reverse("helpdesk:ticket-live", args=[ticket.pk])
    add_conversation(ticket, agent=agent, rounds=1)
    few = queries(agent_client, url)
    add_conversation(ticket, agent=agent, rounds=6)
    assert queries(agent_client, url) == few


# --- the member's and the advisor's lists ------------------------------------------------------


@pytest.mark.parametrize("show", ["active", "done"])
def test_my_requests_queries_do_not_grow_with_requests(
    member_client, member, agent, many_requests, show
):
    url = f"{reverse('helpdesk:ticket-list')}?show={show}"

    def make(count: int) -> None:
        for ticket in many_requests(count, requester=member):
            if ticket.pk % 2:
                actions.resolve_ticket(ticket, by=agent)

    make(24)  # half of them resolved: both tabs have more than one page
    actions.save_draft(owner=member, key="k1", subject="Brouillon", body="…", category=None)
    few = queries(member_client, url)
    make(24)
    actions.save_draft(owner=member, key="k2", subject="Autre", body="…", category=None)
    assert queries(member_client, url) == few
    assert few <= MY_REQUESTS_MAX


def test_advisor_requests_queries_do_not_grow(advisor, many_requests):
    client = login(advisor)
    url = reverse("helpdesk:advisor-requests")
    many_requests(12)
    few = queries(client, url)
    many_requests(24)
    assert queries(client, url) == few
