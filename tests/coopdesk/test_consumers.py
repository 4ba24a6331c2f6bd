"""The live socket: who may connect, which groups they may join, what they hear."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from notifications.models import Notification

from coopdesk import notify
from helpdesk import actions
from tests.conftest import empty_cache

pytestmark = pytest.mark.django_db(transaction=True)


async def watch_ticket(ticket, *communicators) -> None:
    """Open each socket and watch the request, as its page does."""
    for communicator in communicators:
        await communicator.connect()
        await communicator.send_json_to({"watch": "ticket", "id": ticket.pk})
        assert (await communicator.receive_json_from())["type"] == "watching"


def run(scenario):
    async_to_sync(scenario)()


@pytest.mark.parametrize("who, origin", [
    pytest.param(None, b"http://testserver", id="anonymous"),
    pytest.param("member", b"https://evil.example", id="from another site"),
])
def test_socket_is_refused(request, socket_for, flush_layer, who, origin):
    communicator = socket_for(who and request.getfixturevalue(who), origin=origin)

    async def scenario():
        await flush_layer()
        connected, _ = await communicator.connect()
        assert not connected
        await communicator.disconnect()  # as the server does after a refusal

    run(scenario)


def test_staff_without_two_factor_get_no_socket(socket_for, flush_layer, settings, agent, member):
    """As the pages: an agent who has not set up two-factor hears nothing yet; a member,
    for whom it is optional, connects."""
    settings.MFA_REQUIRED_FOR_STAFF = True
    refused, accepted = socket_for(agent), socket_for(member)

    async def scenario():
        await flush_layer()
        connected, code = await refused.connect()
        assert (connected, code) == (False, 4403)
        await refused.disconnect()
        connected, _ = await accepted.connect()
        assert connected
        await accepted.disconnect()

    run(scenario)


def test_member_sees_status_and_reply_on_own_request(socket_for, flush_layer, ticket, agent):
    communicator = socket_for(ticket.requester)

    async def scenario():
        await flush_layer()
        connected, _ = await communicator.connect()
        assert connected
        await communicator.send_json_to({"watch": "ticket", "id": ticket.pk})
        answer = await communicator.receive_json_from()
        assert answer == {"type": "watching", "watch": "ticket", "id": ticket.pk, "version": 1}

        await database_sync_to_async(actions.claim_ticket)(ticket, by=agent)
        heard = [await communicator.receive_json_from() for _ in range(2)]
        by_type = {message["type"]: message for message in heard}
        assert by_type["ticket.event"]["kind"] == "assigned"
        assert by_type["ticket.event"]["state"] == "open"
        words = by_type["notification"]["notification"]["i18n"]
        assert words["en"]["text"] == f"Now handled by {agent.first_name}"
        assert words["fr"]["about"] == f"{ticket.reference} {ticket.subject}"

        await database_sync_to_async(actions.add_reply)(ticket, by=agent, body="Bonjour")
        heard = [await communicator.receive_json_from() for _ in range(2)]
        assert {m["type"] for m in heard} == {"ticket.event", "notification"}
        assert all("Bonjour" not in str(m) for m in heard)  # ids and states, not content
        await communicator.disconnect()

    run(scenario)


def test_foreign_request_cannot_be_watched(socket_for, flush_layer, ticket, other_member, agent):
    communicator = socket_for(other_member)

    async def scenario():
        await flush_layer()
        await communicator.connect()
        await communicator.send_json_to({"watch": "ticket", "id": ticket.pk})
        answer = await communicator.receive_json_from()
        assert answer["type"] == "error" and answer["error"] == "not found"

        await database_sync_to_async(actions.claim_ticket)(ticket, by=agent)
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    run(scenario)


def test_internal_note_reaches_team_page_but_not_member_page(
    socket_for, flush_layer, ticket, agent, other_agent
):
    member_socket = socket_for(ticket.requester)
    staff_socket = socket_for(other_agent)

    async def scenario():
        await flush_layer()
        await watch_ticket(ticket, member_socket, staff_socket)

        await database_sync_to_async(actions.add_note)(ticket, by=agent, body="Client connu")
        heard = [await staff_socket.receive_json_from() for _ in range(2)]
        assert {m["type"] for m in heard} == {"ticket.event", "notification"}
        assert await member_socket.receive_nothing(timeout=0.3)
        for communicator in (member_socket, staff_socket):
            await communicator.disconnect()

    run(scenario)


def test_agent_who_filed_with_another_team_hears_no_internal_note(
    socket_for, flush_layer, category, agent, outside_agent
):
    """On a request he filed with another team, an agent is that team's member: its notes
    stay with the team, live as on the page."""
    ticket = actions.create_ticket(requester=outside_agent, category=category,
                                   subject="Relire mon contrat", body="Merci")
    filer, handler = socket_for(outside_agent), socket_for(agent)

    async def scenario():
        await flush_layer()
        await watch_ticket(ticket, filer, handler)

        await database_sync_to_async(actions.add_note)(ticket, by=agent, body="Client connu")
        heard = await handler.receive_json_from()
        assert heard["type"] == "ticket.event" and heard["kind"] == "note"
        assert await filer.receive_nothing(timeout=0.3)
        for communicator in (filer, handler):
            await communicator.disconnect()

    run(scenario)


def test_transfer_closes_the_old_teams_open_pages(
    socket_for, flush_layer, ticket, agent, other_agent, outside_agent, other_category
):
    """An agent of the old team who has the request open is told it is gone, and hears
    nothing of it afterwards; the member goes on following it."""
    member_socket, colleague = socket_for(ticket.requester), socket_for(other_agent)

    async def scenario():
        await flush_layer()
        await watch_ticket(ticket, member_socket, colleague)

        await database_sync_to_async(actions.transfer_ticket)(
            ticket, by=agent, to_team=other_category.team, to_category=other_category,
            reason="C'est un litige",
        )
        assert await colleague.receive_json_from() == {
            "type": "gone", "watch": "ticket", "id": ticket.pk
        }
        heard = [await member_socket.receive_json_from() for _ in range(2)]
        event = next(m for m in heard if m["type"] == "ticket.event")
        assert event["kind"] == "transferred" and "recheck" not in event

        await database_sync_to_async(actions.add_note)(ticket, by=outside_agent, body="Vu")
        await database_sync_to_async(actions.add_reply)(ticket, by=outside_agent, body="Bonjour")
        assert await colleague.receive_nothing(timeout=0.3)
        for communicator in (member_socket, colleague):
            await communicator.disconnect()

    run(scenario)


def test_team_queue_only_for_its_agents(socket_for, flush_layer, team, agent, outside_agent,
                                        member, category):
    inside, outside, stranger = socket_for(agent), socket_for(outside_agent), socket_for(member)

    async def scenario():
        await flush_layer()
        for communicator in (inside, outside, stranger):
            await communicator.connect()
            await communicator.send_json_to({"watch": "team", "id": team.pk})
        assert (await inside.receive_json_from())["type"] == "watching"
        assert (await outside.receive_json_from())["error"] == "not found"
        assert (await stranger.receive_json_from())["error"] == "not found"

        await database_sync_to_async(actions.create_ticket)(
            requester=member, category=category, subject="Relance", body="Merci"
        )
        heard = [await inside.receive_json_from() for _ in range(2)]
        assert {m["type"] for m in heard} == {"ticket.event", "notification"}
        assert await outside.receive_nothing(timeout=0.3)
        assert await stranger.receive_nothing(timeout=0.1)
        for communicator in (inside, outside, stranger):
            await communicator.disconnect()

    run(scenario)


def test_reconnecting_client_catches_up_without_writing(socket_for, flush_layer, ticket, agent):
    member = ticket.requester
    actions.claim_ticket(ticket, by=agent)
    seen = Notification.objects.filter(recipient=member).latest("pk").pk
    # While the member is offline: two more steps.
    actions.add_reply(ticket, by=agent, body="Une question", then="wait")
    actions.resolve_ticket(ticket, by=agent)

    communicator = socket_for(member)

    async def scenario():
        await flush_layer()
        await communicator.connect()
        await communicator.send_json_to({"since": seen})
        answer = await communicator.receive_json_from()
        assert answer["type"] == "notifications" and answer["catch_up"] is True
        assert [item["i18n"]["en"]["text"] for item in answer["items"]] == [
            "A question for you: the team needs your answer", "Request resolved"
        ]
        assert answer["unread"] == 3
        await communicator.send_json_to({"since": None})
        latest = await communicator.receive_json_from()
        assert [item["kind"] for item in latest["items"]] == ["assigned", "waiting", "resolved"]
        await communicator.disconnect()

    with CaptureQueriesContext(connection) as queries:
        run(scenario)
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    print(statements)
    assert statements and set(statements) <= {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK"}


def test_bad_messages_are_answered_not_fatal(socket_for, flush_layer, member):
    communicator = socket_for(member)

    async def scenario():
        await flush_layer()
        await communicator.connect()
        for bad in ("not json", "[1]", '{"since": "x"}', '{"watch": "ticket", "id": "1"}'):
            await communicator.send_to(text_data=bad)
            assert (await communicator.receive_json_from())["type"] == "error"
        await communicator.send_json_to({"since": None})
        assert (await communicator.receive_json_from())["type"] == "notifications"
        await communicator.disconnect()

    run(scenario)


def test_emptying_the_cache_leaves_the_sockets_groups(socket_for, flush_layer, member):
    """Every test starts with an empty cache. With REDIS_URL the cache and the channel layer
    share one Redis database, and cache.clear() empties all of it (FLUSHDB): the groups
    of every socket on that database (a daphne, `python -m bench.live`, another test run)
    went with it, and those sockets heard nothing more until they reconnected."""
    communicator = socket_for(member)

    async def scenario():
        await flush_layer()
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(empty_cache)()
        await get_channel_layer().group_send(
            notify.user_group(member.pk), {"type": "live.message", "text": '{"type": "hello"}'}
        )
        assert await communicator.receive_json_from() == {"type": "hello"}
        await communicator.disconnect()

    run(scenario)
