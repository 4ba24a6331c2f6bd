"""The settings screens show a request's timeline, read-only (coopdesk.admin.TimelineInline)."""

from django.urls import reverse

from helpdesk import actions
from helpdesk.models import EventKind
from tests.factories import UserFactory


def test_a_requests_timeline_is_shown_and_cannot_be_written(client, ticket, agent):
    actions.add_note(ticket, by=agent, body="Client connu")
    client.force_login(UserFactory(role="admin", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:helpdesk_ticket_change", args=[ticket.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert str(EventKind.NOTE.label) in body and "Is internal" in body
    assert 'name="events-0-note"' not in body and 'name="events-0-DELETE"' not in body
