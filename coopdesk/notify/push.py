"""The live side: channel-layer groups and the push after commit.

If the push fails (Redis down, or too slow), the state change, the notifications and the
e-mails are already stored: only the push is skipped, logged, and browsers catch up from
their last seen notification when they reconnect. Nothing outside this package sends to the
layer.

The push runs inside the request, after its commit: it goes through the "push" layer when
settings define one (Redis with a 1 s socket timeout; the consumers' layer keeps 30 s for
its blocking read), and gives up after PUSH_DEADLINE whatever Redis does, so a hung Redis
costs a state change about a second, not thirty.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)

PUSH_LAYER = "push"
PUSH_DEADLINE = 1.0  # seconds, for all the messages of one commit


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def ticket_group(ticket_id: int, *, staff: bool = False) -> str:
    return f"ticket.{ticket_id}.staff" if staff else f"ticket.{ticket_id}"


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


def push_on_commit(messages: list[tuple[str, dict]]) -> None:
    if messages:
        transaction.on_commit(lambda: push(messages), robust=True)


def push(messages: list[tuple[str, dict]]) -> None:
    """Send to the channel layer; a failure is logged and forgotten, never raised.

    Each message is encoded once here, and consumers relay the text as it is. `at` is the
    time of the commit, which the benchmark measures from.
    """
    alias = PUSH_LAYER if PUSH_LAYER in settings.CHANNEL_LAYERS else DEFAULT_CHANNEL_LAYER
    layer = get_channel_layer(alias)
    if layer is None or not messages:
        return
    at = time.time()
    encoded = []
    for group, body in messages:
        message = {"type": "live.message"}
        if body.get("recheck"):  # for the consumer, not for the browser
            body = {key: value for key, value in body.items() if key != "recheck"}
            message["recheck"] = body["ticket"]
        message["text"] = json.dumps({**body, "at": at}, cls=DjangoJSONEncoder)
        encoded.append((group, message))
    try:
        async_to_sync(_send_all)(layer, encoded)
    except Exception as error:  # the layer is an optimisation: stored state is the truth
        logger.warning("live push skipped for %d group(s): %r", len(encoded), error)


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    async with asyncio.timeout(PUSH_DEADLINE):
        # One after the other: concurrent group_sends on channels-redis were much slower.
        for group, message in messages:
            await layer.group_send(group, message)
