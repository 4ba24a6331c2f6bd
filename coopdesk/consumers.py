"""One authenticated websocket per browser tab. It relays; it never writes.

The browser sends:
- {"since": <last notification id seen, or null>} on every (re)connect: we answer with
  what it missed (or the latest few) and the unread count (a read, never a write);
- {"watch": "ticket", "id": 42} or {"watch": "team", "id": 3} for the objects on screen:
  we join their group only after the same permission check as the page.

The watch kinds, and who may watch what, come from the apps (coopdesk/notify/registry.py).
Everything else arrives from coopdesk/notify through the channel layer, already encoded, and
is relayed as it is.

What the browser sends is checked before anything else. A mere bad request (not JSON, a
wrong type, an unknown kind: a bug in a page) is answered {"type": "error"} and the socket
stays. A hostile frame closes that socket, and only it, without a traceback: bigger than
MAX_FRAME (TOO_BIG, 4009), nested deeper than our flat objects can be, binary, or more than
RATE_LIMIT frames in RATE_WINDOW seconds (POLICY, 4008). The socket leaves its groups before
it closes, so a close that fails still leaves no dead channel behind in them. Every frame
costs a database query, so the rate limit counts them all, watch requests included.
"""

from __future__ import annotations

import json
import time
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from coopdesk import notify
from coopdesk.accounts.middleware import must_set_up_two_factor
from coopdesk.converters import LARGEST
from coopdesk.notify.registry import registry

MAX_WATCHED = 20
MENU_SIZE = 10
CATCH_UP_LIMIT = 50
# Our frames are flat objects of a few dozen bytes: {"watch": "ticket", "id": 42}.
MAX_FRAME = 1024
# An upper bound on nesting, counted without parsing: json.loads recurses once per level and
# raised RecursionError on a frame of a thousand "[".
MAX_BRACKETS = 4
# A page sends two or three frames per (re)connect; a flood is a script.
RATE_LIMIT = 30
RATE_WINDOW = 10.0

# Close codes of our own, in the application range (4000-4999, beside 4401 and 4403), echoing
# RFC 6455's 1009 and 1008: a server may not send those, and daphne (autobahn) raised on
# them, so the client saw 1011 and disconnect() never ran.
TOO_BIG = 4009
POLICY = 4008


def is_id(value: object) -> bool:
    """A row id as JSON gives it: an integer (bool is an int in Python: `true` is not 1)
    that a 64-bit column can hold."""
    return type(value) is int and 0 < value <= LARGEST


@database_sync_to_async
def allowed_groups(user, kind: str, object_id: int) -> tuple[list[str], int | None]:
    """The groups the page for this object would let the person see, and its version: the
    app that owns the kind answers (registered in coopdesk/notify/registry.py)."""
    return registry.watches[kind](user, object_id)


@database_sync_to_async
def missed_notifications(user, since: int | None) -> dict:
    from notifications.models import Notification

    mine = Notification.objects.filter(recipient=user).order_by("-pk")
    if since is None:
        latest = list(mine[:MENU_SIZE])
    else:
        latest = list(mine.filter(pk__gt=since)[:CATCH_UP_LIMIT])
    return {
        "type": "notifications",
        "catch_up": since is not None,
        "items": [notify.serialize(n) for n in reversed(latest)],
        "unread": notify.unread_count(user),
    }


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        if await database_sync_to_async(must_set_up_two_factor)(user):
            await self.close(code=4403)  # as the pages: nothing until two-factor is set up
            return
        self.groups_joined: set[str] = set()
        self.recent_frames: deque[float] = deque(maxlen=RATE_LIMIT)
        await self._join(notify.user_group(user.pk))
        await self.accept()

    async def dispatch(self, message: dict) -> None:
        # Channels 4.3 hops to a thread (aclose_old_connections) before every handler, in
        # case it uses the ORM. Relaying never does, and at a thousand sockets that hop
        # made fan-out several times slower (DESIGN.md, bench/live.py): skip it here.
        if message["type"] == "live.message":
            ticket_id = message.get("recheck")
            if ticket_id is None or await self._may_still_watch(ticket_id):
                await self.send(text_data=message["text"])
            return
        await super().dispatch(message)

    async def _may_still_watch(self, ticket_id: int) -> bool:
        """Asked after a transfer: leave the request's groups this person may no longer join,
        and tell the page when none is left. The same event comes once per group joined."""
        joined = {
            notify.ticket_group(ticket_id), notify.ticket_group(ticket_id, staff=True)
        } & self.groups_joined
        if not joined:
            return False
        allowed, _version = await allowed_groups(self.scope["user"], "ticket", ticket_id)
        for group in joined - set(allowed):
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined.discard(group)
        if not allowed:
            await self.send_json({"type": "gone", "watch": "ticket", "id": ticket_id})
            return False
        return True

    async def disconnect(self, code: int) -> None:
        await self._leave_groups()

    async def _leave_groups(self) -> None:
        joined = getattr(self, "groups_joined", set())
        while joined:
            await self.channel_layer.group_discard(joined.pop(), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        hostile = self._hostile(text_data)
        if hostile:
            # Leave first: if the close fails, disconnect() may never run.
            await self._leave_groups()
            await self.close(code=hostile)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "error": "bad request"})
            return
        await self.receive_json(content)

    def _hostile(self, text_data: str | None) -> int | None:
        """The close code for a frame no page of ours sends, or None."""
        if text_data is None:  # binary
            return POLICY
        if len(text_data) > MAX_FRAME:
            return TOO_BIG
        if text_data.count("[") + text_data.count("{") > MAX_BRACKETS:
            return POLICY
        now = time.monotonic()
        if len(self.recent_frames) == RATE_LIMIT and now - self.recent_frames[0] < RATE_WINDOW:
            return POLICY
        self.recent_frames.append(now)
        return None

    async def receive_json(self, content: dict, **kwargs) -> None:
        if content.keys() == {"since"}:
            since = content["since"]
            if since is not None and not (type(since) is int and 0 <= since <= LARGEST):
                await self.send_json({"type": "error", "error": "bad request"})
                return
            await self.send_json(await missed_notifications(self.scope["user"], since))
            return
        kind, object_id = content.get("watch"), content.get("id")
        if (content.keys() != {"watch", "id"} or not isinstance(kind, str)
                or kind not in registry.watches or not is_id(object_id)):
            await self.send_json({"type": "error", "error": "bad request"})
            return
        if len(self.groups_joined) >= MAX_WATCHED:
            await self.send_json({"type": "error", "error": "too many"})
            return
        groups, version = await allowed_groups(self.scope["user"], kind, object_id)
        if not groups:
            await self.send_json(
                {"type": "error", "error": "not found", "watch": kind, "id": object_id}
            )
            return
        for group in groups:
            await self._join(group)
        await self.send_json(
            {"type": "watching", "watch": kind, "id": object_id, "version": version}
        )

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.add(group)
