"""The agent workspace: queues, filters, search, sort, pages, bulk, and one request."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk import actions
from helpdesk.models import EventKind, Message, Priority, State, Ticket
from tests.conftest import login
from tests.factories import CategoryFactory, UserFactory
from tests.helpdesk.flows import move_to


def body(response) -> str:
    return response.content.decode()


def queue_url(team) -> str:
    return reverse("helpdesk:queue-detail", args=[team.slug])


def shown(response) -> list[str]:
    """The subjects listed on a queue page, in order."""
    return [ticket.subject for ticket in response.context["page"].object_list]


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def make(member, category):
    def make(subject: str, *, requester=None, category=category, **changes) -> Ticket:
        ticket = actions.create_ticket(
            requester=requester or member, category=category, subject=subject, body="B"
        )
        if changes:
            Ticket.objects.filter(pk=ticket.pk).update(**changes)
        return Ticket.objects.get(pk=ticket.pk)

    return make


# --- queues -----------------------------------------------------------------------------------


def test_queue_list_shows_my_teams_with_counts_and_my_requests(agent_client, agent, make, ticket):
    make("Deuxième")
    actions.claim_ticket(ticket, by=agent)
    response = agent_client.get(reverse("helpdesk:queue-list"))
    assert response.status_code == 200
    (team,) = response.context["teams"]
    assert (team.open_count, team.unassigned_count) == (2, 1)
    assert [t.pk for t in response.context["mine"]] == [ticket.pk]


@pytest.mark.parametrize("who", ["member", "advisor"])
def test_queues_are_not_for_members_or_advisors(request, team, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("helpdesk:queue-list")).status_code == 404
    assert client.get(queue_url(team)).status_code == 404


def test_agent_cannot_open_another_teams_queue(outside_agent, team):
    assert login(outside_agent).get(queue_url(team)).status_code == 404


def test_admin_opens_every_queue(admin_user, team, other_team):
    client = login(admin_user)
    assert client.get(queue_url(team)).status_code == 200
    assert client.get(queue_url(other_team)).status_code == 200


def test_queue_shows_active_requests_by_default(agent_client, agent, make, team):
    make("Ouverte")
    done = make("Finie")
    move_to(done, State.CLOSED, agent=agent)
    response = agent_client.get(queue_url(team))
    assert shown(response) == ["Ouverte"]


def test_queue_filters_by_status(agent_client, agent, make, team):
    make("Nouvelle")
    resolved = make("Résolue")
    move_to(resolved, State.RESOLVED, agent=agent)
    response = agent_client.get(queue_url(team), {"filtered": 1, "state": ["resolved"]})
    assert shown(response) == ["Résolue"]
    everything = agent_client.get(queue_url(team), {"filtered": 1})
    assert set(shown(everything)) == {"Nouvelle", "Résolue"}


def test_queue_filters_by_priority_and_category(agent_client, make, team):
    other_category = CategoryFactory(team=team, label="Un devis")
    make("Urgente", priority=Priority.URGENT)
    make("Devis", category=other_category)
    assert shown(agent_client.get(queue_url(team), {"priority": Priority.URGENT})) == ["Urgente"]
    assert shown(agent_client.get(queue_url(team), {"category": other_category.pk})) == ["Devis"]


def test_queue_filters_mine_and_unassigned(agent_client, agent, other_agent, make, team):
    mine, theirs = make("À moi"), make("À Yanis")
    make("Personne")
    actions.claim_ticket(mine, by=agent)
    actions.claim_ticket(theirs, by=other_agent)
    assert shown(agent_client.get(queue_url(team), {"who": "mine"})) == ["À moi"]
    assert shown(agent_client.get(queue_url(team), {"who": "unassigned"})) == ["Personne"]
    assert len(shown(agent_client.get(queue_url(team), {"who": "all"}))) == 3


def test_queue_search_by_reference(agent_client, make, team):
    wanted = make("Cherchée")
    make("Autre")
    ref = wanted.reference
    for text in [ref, ref.lower(), f"  {ref} ", str(wanted.pk)]:
        assert shown(agent_client.get(queue_url(team), {"q": text})) == ["Cherchée"], text


def test_queue_search_by_subject_and_member_name(agent_client, make, team, member, other_member):
    member.last_name, other_member.last_name = "Roux", "Aubry-Martin"
    member.save()
    other_member.save()
    make("Facture Zorglub impayée")
    make("Contrat", requester=other_member)
    assert shown(agent_client.get(queue_url(team), {"q": "zorglub"})) == ["Facture Zorglub impayée"]
    assert shown(agent_client.get(queue_url(team), {"q": "Lucas"})) == ["Contrat"]
    assert shown(agent_client.get(queue_url(team), {"q": "aubry-MARTIN"})) == ["Contrat"]
    assert shown(agent_client.get(queue_url(team), {"q": other_member.email})) == ["Contrat"]


def test_queue_search_needs_every_word(agent_client, make, team, member, other_member):
    member.first_name, member.last_name = "Camille", "Roux"
    member.save()
    other_member.last_name = "Aubry"
    other_member.save()
    make("Facture Horizon impayée", requester=member)
    make("Facture Atelier", requester=other_member)
    make("Contrat Horizon", requester=other_member)
    found = shown(agent_client.get(queue_url(team), {"q": "facture horizon"}))
    assert found == ["Facture Horizon impayée"]
    assert shown(agent_client.get(queue_url(team), {"q": "Camille Roux"})) == [
        "Facture Horizon impayée"
    ]
    assert sorted(shown(agent_client.get(queue_url(team), {"q": "roux  FACTURE"}))) == [
        "Facture Horizon impayée"
    ]


def test_queue_search_with_many_matching_people(agent_client, make, team, member, other_member,
                                                monkeypatch):
    """Beyond the listed number of people, the search still finds theirs (a subquery)."""
    monkeypatch.setattr("helpdesk.models.tickets.PEOPLE_LISTED", 1)
    member.last_name = "Roux"
    member.save()
    make("Contrat", requester=member)
    make("Devis", requester=other_member)
    for _ in range(3):
        UserFactory(last_name=f"{member.last_name}-Bis")
    assert shown(agent_client.get(queue_url(team), {"q": member.last_name})) == ["Contrat"]


@pytest.mark.django_db
def test_search_indexes_exist_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"ticket_subject_trgm", "user_first_name_trgm", "user_last_name_trgm",
                     "user_email_trgm"}


@pytest.mark.parametrize(
    "text", ["²", "D-2026-99999999999999999999999", "99999999999999999999999", "%", "'; --", "\x00"]
)
def test_queue_search_never_crashes(agent_client, make, team, text):
    make("Une demande")
    response = agent_client.get(queue_url(team), {"q": text})
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"page": "999"}, {"priority": "9"},
                                    {"category": "abc"}, {"state": "bogus"}, {"sort": "password"},
                                    {"who": "boss"}])
def test_queue_ignores_bad_parameters(agent_client, make, team, params):
    make("Une demande")
    assert agent_client.get(queue_url(team), params).status_code == 200


def test_queue_page_that_is_no_number_is_not_found(agent_client, make, team):
    # Issue 11: like Django's ListView, every list answers 404 to a page no link makes
    # (tests/test_hostile_numbers.py walks them all).
    make("Une demande")
    assert agent_client.get(queue_url(team), {"page": "abc"}).status_code == 404


def test_queue_sorts(agent_client, make, team):
    now = timezone.now()
    make("Ancienne", created_at=now - timedelta(days=3), updated_at=now, priority=Priority.LOW)
    make("Récente", created_at=now, updated_at=now - timedelta(days=1), priority=Priority.URGENT)
    assert shown(agent_client.get(queue_url(team))) == ["Ancienne", "Récente"]
    oldest, urgent = {"sort": "created_at"}, {"sort": "-priority"}
    assert shown(agent_client.get(queue_url(team), oldest)) == ["Ancienne", "Récente"]
    assert shown(agent_client.get(queue_url(team), urgent)) == ["Récente", "Ancienne"]


def test_queue_paginates_and_keeps_the_filters_in_the_links(agent_client, make, team):
    for n in range(27):
        make(f"Demande {n}", priority=Priority.HIGH)
    make("Basse", priority=Priority.LOW)
    first = agent_client.get(queue_url(team), {"priority": Priority.HIGH})
    assert len(shown(first)) == 25
    assert f"priority={Priority.HIGH}&amp;page=2" in body(first)
    second = agent_client.get(queue_url(team), {"priority": Priority.HIGH, "page": 2})
    assert len(shown(second)) == 2 and "Basse" not in shown(second)


# --- bulk -------------------------------------------------------------------------------------


def bulk(client, team, **data):
    return client.post(reverse("helpdesk:queue-bulk", args=[team.slug]), data)


def test_bulk_assign(agent_client, other_agent, make, team):
    one, two = make("Un"), make("Deux")
    response = bulk(agent_client, team, tickets=[one.pk, two.pk], action="assign",
                    assignee=other_agent.pk, next_query="who=unassigned")
    assert response.status_code == 302 and response.url.endswith("?who=unassigned")
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {other_agent.pk}
    assert flashed(response) == [f"2 requests assigned to {other_agent.get_full_name()}."]


def test_bulk_close_reports_each_failure(agent_client, agent, make, team):
    open_one, closed = make("Ouverte"), make("Déjà fermée")
    move_to(closed, State.CLOSED, agent=agent)
    response = bulk(agent_client, team, tickets=[open_one.pk, closed.pk], action="close")
    assert Ticket.objects.get(pk=open_one.pk).state == State.CLOSED
    assert response.url == team.get_absolute_url()  # no stray "?"
    assert flashed(response) == [
        "1 request closed.",
        f"{closed.reference}: This step is not possible while the status is “Closed”.",
    ]


def test_bulk_assign_without_assignee_is_refused(agent_client, make, team):
    one = make("Un")
    response = bulk(agent_client, team, tickets=[one.pk], action="assign")
    assert flashed(response) == ["Choose who to assign the requests to."]
    assert Ticket.objects.get(pk=one.pk).assignee is None


def test_bulk_without_selection_says_so(agent_client, team):
    response = bulk(agent_client, team, action="close")
    assert flashed(response) == ["Select at least one request."]


def test_bulk_cannot_reach_another_teams_requests(agent_client, make, team, other_category):
    elsewhere = make("Ailleurs", category=other_category)
    bulk(agent_client, team, tickets=[elsewhere.pk], action="close")
    assert Ticket.objects.get(pk=elsewhere.pk).state == State.NEW


@pytest.mark.parametrize("who", ["member", "outside_agent"])
def test_bulk_is_for_the_team_only(request, make, team, who):
    one = make("Un")
    response = bulk(login(request.getfixturevalue(who)), team, tickets=[one.pk], action="close")
    assert response.status_code == 404
    assert Ticket.objects.get(pk=one.pk).state == State.NEW


# --- one request, the team's side -------------------------------------------------------------


def step(client, ticket, name, **data):
    return client.post(reverse("helpdesk:ticket-step", args=[ticket.pk, name]), data)


def test_agent_sees_the_members_context(agent_client, ticket, member, category, advisor):
    member.sector = "crafts"
    member.save()
    other = actions.create_ticket(requester=member, category=category, subject="Autre", body="B")
    page = body(agent_client.get(ticket.get_absolute_url()))
    assert advisor.get_full_name() in page and "Lyon" in page and "Crafts" in page
    assert other.reference in page


def test_other_open_requests_lists_only_those_the_agent_may_open(
    agent_client, make, ticket, member, other_category
):
    mine = make("Une autre facture")
    make("Un litige", category=other_category)  # another team's: it would answer 404 here
    response = agent_client.get(ticket.get_absolute_url())
    assert [other.pk for other in response.context["other_requests"]] == [mine.pk]


def test_agent_claims_through_the_page(agent_client, agent, ticket):
    response = step(agent_client, ticket, "claim", version=1)
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


def test_second_claim_through_the_page_is_a_409_naming_the_winner(
    agent, other_agent, ticket
):
    step(login(agent), ticket, "claim", version=1)
    response = step(login(other_agent), ticket, "claim", version=1)
    assert response.status_code == 409
    assert "Nadia has already taken this request." in body(response)
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


def test_no_take_button_on_a_request_a_colleague_handles(agent, other_agent, ticket):
    """Taking a colleague's request is refused; the page offers "Assign" instead."""
    actions.claim_ticket(ticket, by=agent)
    page = body(login(other_agent).get(ticket.get_absolute_url()))
    assert reverse("helpdesk:ticket-step", args=[ticket.pk, "claim"]) not in page
    assert reverse("helpdesk:ticket-assign", args=[ticket.pk]) in page


def test_agent_acknowledges_through_the_page(agent_client, ticket):
    page = body(agent_client.get(ticket.get_absolute_url()))
    assert reverse("helpdesk:ticket-step", args=[ticket.pk, "acknowledge"]) in page
    assert step(agent_client, ticket, "acknowledge", version=1).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).state == State.OPEN


@pytest.mark.parametrize("name, state", [("resolve", State.RESOLVED), ("close", State.CLOSED),
                                         ("wait", State.WAITING)])
def test_agent_steps_through_the_page(agent_client, ticket, name, state):
    assert step(agent_client, ticket, name, version=1, note="Note").status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).state == state


def test_agent_reply_can_ask_the_member(agent_client, ticket):
    response = agent_client.post(
        reverse("helpdesk:ticket-reply", args=[ticket.pk]),
        {"body": "Quel client ?", "then": "wait"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING and ticket.first_response_at is not None


def test_agent_assigns_a_colleague(agent_client, other_agent, ticket):
    response = agent_client.post(
        reverse("helpdesk:ticket-assign", args=[ticket.pk]),
        {"version": 1, "assignee": other_agent.pk},
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).assignee == other_agent


@pytest.mark.parametrize(
    "data", [{"version": "x", "assignee": ""}, {"version": 1, "assignee": "abc"}]
)
def test_assign_with_bad_input_is_a_400(agent_client, ticket, data):
    response = agent_client.post(reverse("helpdesk:ticket-assign", args=[ticket.pk]), data)
    assert response.status_code == 400


@pytest.mark.parametrize("to, stale, status", [
    pytest.param("outside_agent", False, 400, id="outside the team: 400"),
    pytest.param("other_agent", True, 409, id="stale form: 409"),
])
def test_refused_assign_leaves_the_request_unassigned(
    request, agent_client, agent, ticket, to, stale, status
):
    if stale:
        actions.acknowledge_ticket(ticket, by=agent)
    response = agent_client.post(
        reverse("helpdesk:ticket-assign", args=[ticket.pk]),
        {"version": 1, "assignee": request.getfixturevalue(to).pk},
    )
    assert response.status_code == status
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_agent_transfers_and_lands_back_on_their_queue(agent_client, ticket, other_category, team):
    response = agent_client.post(
        reverse("helpdesk:ticket-transfer", args=[ticket.pk]),
        {"version": 1, "category": other_category.pk, "reason": "Litige : voir le juridique"},
    )
    assert response.status_code == 302 and response.url == queue_url(team)
    ticket.refresh_from_db()
    assert ticket.team == other_category.team
    assert ticket.events.last().kind == EventKind.TRANSFERRED


def test_transfer_has_its_own_page_linked_from_the_request(agent_client, ticket, category,
                                                         other_category):
    page = body(agent_client.get(ticket.get_absolute_url()))
    url = reverse("helpdesk:ticket-transfer", args=[ticket.pk])
    assert f'href="{url}"' in page
    assert 'name="category"' not in page  # the list is on the transfer page only
    response = agent_client.get(url)
    assert response.status_code == 200
    page = body(response)
    assert ticket.subject in page and 'name="reason"' in page
    assert f'<option value="{other_category.pk}">' in page
    assert f'<option value="{category.pk}">' not in page  # its own team's: no transfer
    assert f'name="version" value="{ticket.version}"' in page


def test_the_transfer_page_says_who_handles_it_now(settings, agent_client, ticket, team):
    """"Currently", not "today": the team handling the request until the transfer."""
    url = reverse("helpdesk:ticket-transfer", args=[ticket.pk])
    assert f"Currently handled by the {team.name} team." in body(agent_client.get(url))
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        page = body(agent_client.get(url))
    assert f"Actuellement traitée par le service {team.name}." in page


def test_a_finished_request_cannot_be_transferred(agent_client, ticket, other_category):
    Ticket.objects.filter(pk=ticket.pk).update(state="closed")
    url = reverse("helpdesk:ticket-transfer", args=[ticket.pk])
    assert url not in body(agent_client.get(ticket.get_absolute_url()))
    response = agent_client.get(url)
    assert response.status_code == 409 and "can no longer be transferred" in body(response)
    response = agent_client.post(url, {"version": 1, "category": other_category.pk,
                                       "reason": "Litige"})
    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).team != other_category.team


def test_transfer_without_reason_rerenders_with_400(agent_client, ticket, other_category):
    response = agent_client.post(
        reverse("helpdesk:ticket-transfer", args=[ticket.pk]),
        {"version": 1, "category": other_category.pk, "reason": ""},
    )
    assert response.status_code == 400
    assert "Say why the request is transferred." in body(response)
    assert f'value="{other_category.pk}" selected' in body(response)
    assert Ticket.objects.get(pk=ticket.pk).team != other_category.team


@pytest.mark.parametrize(
    "field, value", [("version", "x"), ("category", "own"), ("category", "abc")]
)
def test_transfer_with_bad_input_is_a_400(agent_client, ticket, category, other_category, field,
                                           value):
    data = {"version": 1, "category": other_category.pk, "reason": "Motif"}
    data[field] = category.pk if value == "own" else value
    response = agent_client.post(reverse("helpdesk:ticket-transfer", args=[ticket.pk]), data)
    assert response.status_code == 400
    assert "Motif" in body(response)


def test_transfer_without_a_team_says_to_choose_one(agent_client, ticket):
    response = agent_client.post(reverse("helpdesk:ticket-transfer", args=[ticket.pk]),
                                 {"version": 1, "category": "", "reason": "Litige"})
    assert response.status_code == 400
    assert "Choose the team that should handle this request." in body(response)
    assert "Litige" in body(response)


def test_agent_writes_an_internal_note(agent_client, agent, ticket):
    response = agent_client.post(reverse("helpdesk:ticket-note", args=[ticket.pk]), {"body": "Vu"})
    assert response.status_code == 302
    note = Message.objects.get()
    assert (note.author, note.is_internal) == (agent, True)


def test_empty_note_rerenders_with_400(agent_client, ticket):
    response = agent_client.post(reverse("helpdesk:ticket-note", args=[ticket.pk]), {"body": ""})
    assert response.status_code == 400
    assert "Write the note before saving." in body(response)


def test_lead_works_the_teams_requests(lead, ticket):
    assert step(login(lead), ticket, "resolve", version=1).status_code == 302


def test_agents_own_request_to_another_team_is_not_theirs_to_resolve(
    outside_agent, category
):
    """An agent may also ask another team something; they are then a requester."""
    ticket = actions.create_ticket(requester=outside_agent, category=category, subject="Ma paie",
                                   body="B")
    client = login(outside_agent)
    assert client.get(ticket.get_absolute_url()).status_code == 200
    assert step(client, ticket, "resolve", version=1).status_code == 403
    assert step(client, ticket, "withdraw", version=1).status_code == 302


def test_inactive_agent_sees_nothing(team):
    gone = UserFactory(first_name="Parti", role="agent", is_active=False)
    team.agents.add(gone)
    assert login(gone).get(queue_url(team)).status_code == 302


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "name, data",
    [
        ("ticket-step", {"version": HUGE}),
        ("ticket-assign", {"version": 1, "assignee": HUGE}),
        ("ticket-assign", {"version": HUGE, "assignee": ""}),
        ("ticket-transfer", {"version": 1, "category": HUGE, "reason": "Motif"}),
        ("ticket-note", {"body": "\x00"}),
        ("ticket-reply", {"body": "Texte", "then": "explode"}),
    ],
)
def test_forged_values_on_a_request_are_refused_not_crashing(agent_client, ticket, name, data):
    args = [ticket.pk, "resolve"] if name == "ticket-step" else [ticket.pk]
    response = agent_client.post(reverse(f"helpdesk:{name}", args=args), data)
    assert response.status_code in {400, 409}
    assert Ticket.objects.get(pk=ticket.pk).version == 1


@pytest.mark.parametrize(
    "data",
    [{"tickets": [HUGE], "action": "close"}, {"tickets": ["abc"], "action": "close"},
     {"tickets": ["1"], "action": "explode"}, {"tickets": ["1"], "action": "assign",
                                                "assignee": HUGE}],
)
def test_forged_bulk_values_are_reported_not_crashing(agent_client, ticket, team, data):
    response = bulk(agent_client, team, **data)
    assert response.status_code == 302
    assert flashed(response)
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_queue_search_finds_the_singular_from_the_plural(agent_client, make, team):
    make("Facture Zorglub impayée")
    make("Bureau partagé")
    make("Contrat")
    assert shown(agent_client.get(queue_url(team), {"q": "factures"})) == [
        "Facture Zorglub impayée"
    ]
    assert shown(agent_client.get(queue_url(team), {"q": "FACTURES zorglub"})) == [
        "Facture Zorglub impayée"
    ]
    assert shown(agent_client.get(queue_url(team), {"q": "bureaux"})) == ["Bureau partagé"]
    assert shown(agent_client.get(queue_url(team), {"q": "facture"})) == [
        "Facture Zorglub impayée"
    ]


def reload_link(response) -> str:
    """The address of the 409 page's "Reload" link."""
    (url,) = re.findall(r'<a href="([^"]*)">Reload</a>', body(response))
    return url


def test_a_stale_step_leads_back_to_the_request_not_to_the_post_only_step(
    agent, other_agent, ticket
):
    """The 409 page's "Reload" opened the step's URL, which takes only POST (405)."""
    client = login(agent)
    page_version = ticket.version
    actions.claim_ticket(ticket, by=other_agent)  # another agent took it meanwhile
    response = step(client, ticket, "acknowledge", version=page_version)
    assert response.status_code == 409
    assert reload_link(response) == ticket.get_absolute_url()
    assert client.get(reload_link(response)).status_code == 200


def test_a_refusal_without_its_object_leads_back_to_the_page_the_form_was_on(
    agent_client, ticket, other_agent
):
    other_agent.away_from = timezone.localdate()
    other_agent.save()
    on_page = f"http://testserver{ticket.get_absolute_url()}"
    response = agent_client.post(
        reverse("helpdesk:ticket-assign", args=[ticket.pk]),
        {"version": ticket.version, "assignee": other_agent.pk}, headers={"referer": on_page},
    )
    assert response.status_code == 409
    assert reload_link(response) == on_page
    assert agent_client.get(reload_link(response)).status_code == 200
    response = agent_client.post(  # no Referer (a browser's privacy setting): home
        reverse("helpdesk:ticket-assign", args=[ticket.pk]),
        {"version": ticket.version, "assignee": other_agent.pk},
    )
    assert reload_link(response) == "/"
    assert agent_client.get("/", follow=True).status_code == 200


def test_the_queues_status_filter_speaks_the_teams_words(agent_client, team):
    """"Waiting for you" is the member's wording; the queue's badges say "for the member"."""
    page = body(agent_client.get(queue_url(team)))
    assert 'value="waiting" id="id_state_2" checked> Waiting for the member</label>' in page
    assert "Waiting for you" not in page


def test_bulk_assign_does_not_count_those_already_with_that_person(agent_client, other_agent,
                                                                     make, team):
    one, two = make("Un"), make("Deux")
    actions.assign_ticket(one, by=other_agent, to=other_agent)
    response = bulk(agent_client, team, tickets=[one.pk, two.pk], action="assign",
                    assignee=other_agent.pk)
    name = other_agent.get_full_name()
    assert flashed(response) == [f"1 request assigned to {name}.",
                                 f"1 request was already with {name}."]
