"""CSV exports: exactly the rows the page shows the same person, UTF-8 with a BOM, streamed."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from coopdesk.csv_export import BOM
from helpdesk import actions
from helpdesk.models import Ticket


def read(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):])))


def page_refs(response) -> list[str]:
    assert response.status_code == 200
    return [ticket.reference for ticket in response.context["page"].object_list]


def new(member, category, subject: str) -> Ticket:
    return actions.create_ticket(requester=member, category=category, subject=subject,
                                 body="Bonjour")


@pytest.fixture
def requests_(member, other_member, category, other_category, agent):
    mine = [new(member, category, f"Facture {n}") for n in range(3)]
    actions.resolve_ticket(mine[0], by=agent)
    new(member, other_category, "Contrat de prestation")
    new(other_member, category, "Facture de Lucas")
    return mine


@pytest.mark.parametrize("query", ["", "?state=new", "?state=resolved&filtered=1", "?q=Lucas",
                                   "?who=unassigned&sort=-updated_at"])
def test_the_queue_export_has_the_queues_rows(query, requests_, client, agent, team):
    client.force_login(agent)
    page = client.get(reverse("helpdesk:queue-detail", args=[team.slug]) + query)
    rows = read(client.get(reverse("helpdesk:queue-export", args=[team.slug]) + query))
    assert rows[0][:3] == ["Reference", "Subject", "Category"]
    assert [row[0] for row in rows[1:]] == page_refs(page)


def test_the_queue_export_is_the_teams_only(requests_, client, outside_agent, member, team):
    url = reverse("helpdesk:queue-export", args=[team.slug])
    for person in (outside_agent, member):
        client.force_login(person)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("show", ["active", "done"])
def test_my_requests_export_is_her_list(show, requests_, client, member, other_member):
    for person in (member, other_member):
        client.force_login(person)
        page = client.get(reverse("helpdesk:ticket-list") + f"?show={show}")
        rows = read(client.get(reverse("helpdesk:ticket-export") + f"?show={show}"))
        assert [row[0] for row in rows[1:]] == page_refs(page)
        # No e-mail or priority column for a member: the page shows neither.
        assert "Member's e-mail" not in rows[0] and "Priority" not in rows[0]


@pytest.mark.parametrize("show", ["active", "done"])
def test_the_advisors_export_is_their_members(show, requests_, client, advisor, member):
    client.force_login(advisor)
    page = client.get(reverse("helpdesk:advisor-requests") + f"?show={show}")
    rows = read(client.get(reverse("helpdesk:advisor-requests-export") + f"?show={show}"))
    assert [row[0] for row in rows[1:]] == page_refs(page)
    assert "Priority" not in rows[0]
    assert {row[5] for row in rows[1:]} <= {member.get_full_name()}


def test_the_advisors_export_is_for_advisors(client, member):
    client.force_login(member)
    assert client.get(reverse("helpdesk:advisor-requests-export")).status_code == 404


def test_invoices_export_per_person(client, member, other_member, advisor, agent, outside_agent,
                                    team):
    for n, owner in enumerate((member, member, other_member)):
        actions.open_collection_case(
            by=agent, member=owner, team=team, client_name=f"Client {n}",
            invoice_number=f"F-{n}", amount="100.00", due_date="2026-10-01",
        )
    for person in (member, other_member, advisor, agent, outside_agent):
        client.force_login(person)
        page = client.get(reverse("helpdesk:collection-list"))
        rows = read(client.get(reverse("helpdesk:collection-export")))
        shown = [case.invoice_number for case in page.context["page"].object_list]
        assert [row[0] for row in rows[1:]] == shown, person.first_name
    assert len(shown) == 0  # the outside agent


def test_a_formula_in_a_subject_is_defused(client, member, category, agent, team):
    new(member, category, "=HYPERLINK(\"http://example.test\")")
    client.force_login(agent)
    rows = read(client.get(reverse("helpdesk:queue-export", args=[team.slug])))
    assert rows[1][1] == "'=HYPERLINK(\"http://example.test\")"


def test_the_export_reads_in_a_fixed_number_of_queries(
    client, member, category, agent, team, django_assert_max_num_queries
):
    for n in range(30):
        new(member, category, f"Facture {n}")
    client.force_login(agent)
    with django_assert_max_num_queries(6):
        rows = read(client.get(reverse("helpdesk:queue-export", args=[team.slug])))
    assert len(rows) == 31


# --- French spreadsheets: ";" between cells and a decimal comma ----------------------------


def test_a_french_reader_gets_semicolons_and_decimal_commas_an_english_one_commas(
    client, agent, member, team
):
    from datetime import date

    actions.open_collection_case(
        by=agent, member=member, team=team, client_name="=HYPERLINK(\"x\"), Bâti",
        invoice_number="F-14", amount="2400.00", due_date=date(2026, 10, 20),
    )
    client.force_login(member)
    url = reverse("helpdesk:collection-export")

    french = client.get(url, headers={"accept-language": "fr"})
    text = b"".join(french.streaming_content).decode("utf-8")
    assert text.startswith(BOM + "Numéro de facture;Client;")  # the BOM: Excel reads accents
    rows = list(csv.reader(io.StringIO(text[len(BOM):]), delimiter=";"))
    assert rows[1][:2] == ["F-14", "'=HYPERLINK(\"x\"), Bâti"]  # a formula stays defused
    assert rows[1][4] == "2400,00"

    rows = read(client.get(url, headers={"accept-language": "en"}))
    assert rows[0][:2] == ["Invoice number", "Client"]
    assert rows[1][1] == "'=HYPERLINK(\"x\"), Bâti" and rows[1][4] == "2400.00"


def test_a_french_readers_request_export_is_split_on_semicolons(requests_, client, member):
    client.force_login(member)
    response = client.get(reverse("helpdesk:ticket-export"),
                          headers={"accept-language": "fr"})
    text = b"".join(response.streaming_content).decode("utf-8")
    header = text[len(BOM):].splitlines()[0]
    assert header.startswith("Référence;Objet;") and "," not in header
