"""Issue 11, hole 4: a Redis that hangs holds a state change about a second, not 30 s.

The push after commit runs inside the request. It goes through the "push" channel layer
(a short socket timeout) and gives up after PUSH_DEADLINE whatever the layer does; the
state change, its notifications and e-mails are stored either way.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time

import pytest
from channels.layers import BaseChannelLayer
from django.conf import settings as django_settings
from notifications.models import Notification

from coopdesk.models import OutboxEmail
from coopdesk.notify import push as push_module
from coopdesk.settings import redis_layer
from helpdesk import actions
from helpdesk.models import State

GENEROUS = 5.0  # seconds: far below the 30 s a hung Redis cost, far above the deadline


class HangingLayer(BaseChannelLayer):
    """A layer whose Redis accepted the connection and never answers."""

    async def group_send(self, group: str, message: dict) -> None:
        await asyncio.sleep(60)


@pytest.fixture
def hung_redis():
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def reply_and_resolve(ticket, agent, capture) -> float:
    started = time.monotonic()
    with capture(execute=True):
        actions.add_reply(ticket, by=agent, body="Nous relançons", then="resolve")
    return time.monotonic() - started


def assert_stored(ticket, member) -> None:
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED
    assert Notification.objects.filter(recipient=member, verb="resolved").exists()
    assert OutboxEmail.objects.filter(recipient=member).exists()


def test_a_hanging_layer_costs_the_action_the_deadline_only(
    ticket, member, agent, settings, caplog, django_capture_on_commit_callbacks
):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
        "push": {"BACKEND": f"{__name__}.HangingLayer"},
    }
    with caplog.at_level(logging.WARNING, logger="coopdesk.notify"):
        took = reply_and_resolve(ticket, agent, django_capture_on_commit_callbacks)
    assert took < GENEROUS
    assert_stored(ticket, member)
    assert "live push skipped" in caplog.text


def test_a_redis_that_never_answers_costs_about_a_second(
    ticket, member, agent, settings, caplog, hung_redis, django_capture_on_commit_callbacks
):
    settings.CHANNEL_LAYERS = {
        "default": redis_layer(hung_redis, socket_timeout=30),
        "push": redis_layer(hung_redis, socket_timeout=1),
    }
    with caplog.at_level(logging.WARNING, logger="coopdesk.notify"):
        took = reply_and_resolve(ticket, agent, django_capture_on_commit_callbacks)
    assert took < GENEROUS
    assert_stored(ticket, member)
    assert "live push skipped" in caplog.text


def test_the_push_goes_through_the_short_timeout_layer(monkeypatch, settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
        "push": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    }
    used = []
    monkeypatch.setattr(push_module, "get_channel_layer", lambda alias: used.append(alias))
    push_module.push([("user.1", {"type": "notification"})])
    assert used == ["push"]
    assert push_module.PUSH_DEADLINE <= 1.0


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="the Redis settings need REDIS_URL")
def test_with_redis_the_request_path_has_a_short_timeout_and_consumers_a_long_one():
    push_host = django_settings.CHANNEL_LAYERS["push"]["CONFIG"]["hosts"][0]
    default_host = django_settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    assert push_host["socket_timeout"] <= 1 and push_host["socket_connect_timeout"] <= 1
    assert default_host["socket_timeout"] > 5  # channels-redis' blocking read lasts 5 s
    assert push_host["address"] == default_host["address"]
