from django.urls import reverse


def test_member_sees_own_request_in_list(member_client, ticket):
    response = member_client.get(reverse("helpdesk:ticket-list"))
    assert response.status_code == 200
    assert ticket.subject in response.content.decode()


def test_agent_sees_request_in_team_queue(agent_client, ticket):
    response = agent_client.get(reverse("helpdesk:queue-detail", args=[ticket.team.slug]))
    assert response.status_code == 200
    assert ticket.reference in response.content.decode()


def test_ticket_detail_renders_for_member_and_agent(member_client, agent, ticket, client):
    assert member_client.get(ticket.get_absolute_url()).status_code == 200
    client.force_login(agent)
    assert client.get(ticket.get_absolute_url()).status_code == 200
