"""One authenticated websocket per browser tab. It relays; it never writes.

The client sends {"watch": "ticket", "id": 42} or {"watch": "team", "id": 3} for the
objects on screen; we join their group only after the same permission check as the page.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from coopdesk import notify


@database_sync_to_async
def allowed_groups(user, kind: str, object_id: int) -> list[str]:
    from helpdesk.models import Team, Ticket

    if kind == "ticket":
        ticket = Ticket.objects.visible_to(user).filter(pk=object_id).first()
        if ticket is None:
            return []
        groups = [notify.ticket_group(ticket.pk)]
        if user.is_support_staff:
            groups.append(notify.ticket_group(ticket.pk, staff=True))
        return groups
    if kind == "team" and user.is_support_staff:
        teams = Team.objects.all() if user.role == "admin" else user.teams.all()
        if teams.filter(pk=object_id).exists():
            return [notify.team_group(object_id)]
    return []


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.groups_joined: set[str] = set()
        await self._join(notify.user_group(user.pk))
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        kind, object_id = content.get("watch"), content.get("id")
        if kind not in {"ticket", "team"} or not isinstance(object_id, int):
            await self.send_json({"error": "bad request"})
            return
        groups = await allowed_groups(self.scope["user"], kind, object_id)
        if not groups:
            await self.send_json({"error": "not found", "watch": kind, "id": object_id})
            return
        for group in groups:
            await self._join(group)
        await self.send_json({"watching": kind, "id": object_id})

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.add(group)

    async def ticket_event(self, event: dict) -> None:
        await self.send_json(event)

    async def collection_event(self, event: dict) -> None:
        await self.send_json(event)

    async def kb_event(self, event: dict) -> None:
        await self.send_json(event)
