"""The request page's timeline: each file beside its message, none from internal notes."""

from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk import actions
from tests.conftest import login
from tests.factories import TeamFactory


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")


def test_files_sit_with_their_message_and_internal_ones_stay_with_the_team(
    member, advisor, agent, category
):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Facture", body="Bonjour",
        files=[pdf("devis-signe.pdf")],
    )
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Voici la relance", files=[pdf("relance.pdf")])
    actions.add_note(ticket, by=agent, body="Client connu", files=[pdf("note-interne.pdf")])
    actions.add_reply(ticket, by=member, body="Merci", files=[pdf("facture-f12.pdf")])

    pages = {}
    for who in (member, advisor, agent):
        response = login(who).get(ticket.get_absolute_url())
        assert response.status_code == 200
        pages[who.pk] = response
    for who in (member, advisor):
        html = pages[who.pk].content.decode()
        for name in ("devis-signe.pdf", "relance.pdf", "facture-f12.pdf"):
            assert name in html
        assert "note-interne.pdf" not in html
        opening, = pages[who.pk].context["opening_files"]
        assert opening.name == "devis-signe.pdf"
    events = pages[agent.pk].context["events"]
    by_text = {e["html"]: [f.name for f in e["files"]] for e in events if e["html"] is not None}
    assert by_text == {
        "<p>Voici la relance</p>": ["relance.pdf"],
        "<p>Client connu</p>": ["note-interne.pdf"],
        "<p>Merci</p>": ["facture-f12.pdf"],
    }


def test_each_writer_is_shown_with_their_role(member, advisor, agent, category, other_team):
    ticket = actions.create_ticket(requester=member, category=category, subject="Facture",
                                   body="Bonjour")
    actions.add_reply(ticket, by=agent, body="Nous relançons le client.")
    actions.add_reply(ticket, by=advisor, body="Je suis le dossier avec vous.")
    actions.add_reply(ticket, by=member, body="Merci")
    actions.transfer_ticket(ticket, by=agent, to_team=other_team, reason="Pour le juridique.")
    events = login(member).get(ticket.get_absolute_url()).context["events"]
    roles = {event["who"]: event["role"] for event in events if event["actor_id"]}
    # The agent keeps their own team's name once the request has moved to another team.
    assert roles == {agent.first_name: category.team.name, advisor.first_name: "advisor",
                     member.first_name: ""}


def test_a_transfer_does_not_relabel_the_past(member, agent, outside_agent, category,
                                              other_team):
    """Nadia, in two teams, wrote for Recouvrement: after the transfer to Juridique her past
    entries still say Recouvrement (not all her teams), and the new team's agent says hers."""
    clients = TeamFactory(name="Relation clients", slug="relation-clients")
    agent.teams.add(clients)
    ticket = actions.create_ticket(requester=member, category=category, subject="Facture",
                                   body="Bonjour")
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Nous relançons le client.")
    actions.transfer_ticket(ticket, by=agent, to_team=other_team, reason="Pour le juridique.")
    actions.add_reply(ticket, by=outside_agent, body="Le service juridique prend le relais.")
    events = login(member).get(ticket.get_absolute_url()).context["events"]
    roles = {(event["who"], event["role"]) for event in events if event["actor_id"]}
    assert roles == {(member.first_name, ""), (agent.first_name, category.team.name),
                     (outside_agent.first_name, other_team.name)}


def test_the_member_reads_her_own_steps_as_hers(member, advisor, agent, category):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Facture", body="Bonjour"
    )
    actions.add_reply(ticket, by=agent, body="Quelle facture ?", then="wait")
    actions.add_reply(ticket, by=member, body="La F-12")
    assert "You answered" in login(member).get(ticket.get_absolute_url()).content.decode()
    page = login(advisor).get(ticket.get_absolute_url()).content.decode()
    assert "The member answered" in page and "You answered" not in page


def test_the_first_line_of_the_timeline_is_worded_like_the_others(member, category):
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Facture", body="Bonjour"
    )
    page = login(member).get(ticket.get_absolute_url()).content.decode()
    assert f"<strong>{member.first_name}</strong> · Request sent ·" in page
