"""Each form on a request's page has its own ids: a label focuses its own field (the internal
note's label never puts the cursor in the reply to the member), and screen readers name each
field by its own label."""

from __future__ import annotations

import pytest

from helpdesk.models import State
from tests.conftest import login
from tests.helpdesk.flows import move_to
from tests.html_ids import id_problems


def page(user, url: str, status: int = 200) -> str:
    response = login(user).get(url)
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.parametrize("who", ["agent", "lead", "member"])
def test_a_requests_page_has_each_id_once(request, ticket, who):
    user = request.getfixturevalue(who)
    assert id_problems(page(user, ticket.get_absolute_url())) == []


def test_the_internal_notes_label_names_the_note_not_the_reply(ticket, agent):
    html = page(agent, ticket.get_absolute_url())
    assert '<label for="note_body">' in html
    assert 'id="note_body"' in html and 'id="id_body"' in html  # the reply keeps its own


def test_a_refused_note_shows_again_with_its_own_ids(ticket, agent):
    response = login(agent).post(f"/demandes/{ticket.pk}/note/", {"body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert id_problems(html) == []
    assert 'id="note_body_error"' in html


def test_a_closed_requests_page_has_each_id_once(ticket, agent, member):
    closed = move_to(ticket, State.CLOSED, agent=agent)
    for user in (member, agent):
        assert id_problems(page(user, closed.get_absolute_url())) == []


def test_the_queue_and_the_requests_list_have_each_id_once(ticket, agent, member, team):
    assert id_problems(page(agent, f"/equipes/{team.slug}/")) == []
    assert id_problems(page(member, "/demandes/")) == []
