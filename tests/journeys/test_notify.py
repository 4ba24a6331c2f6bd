"""Journey events fan out through coopdesk.notify: stored notifications inside the action's
transaction, a push to the people's groups after commit, relayed by the live socket."""

from datetime import timedelta
from unittest import mock

from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from notifications.models import Notification

from coopdesk import notify
from coopdesk.consumers import LiveConsumer
from journeys import actions
from journeys.models import EventKind


def test_event_is_pushed_to_member_and_advisor_after_commit(
    journey, member, advisor, django_capture_on_commit_callbacks
):
    with mock.patch.object(notify, "push") as push:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            actions.request_adaptation(journey, by=member, message="Nouvelle activité")
        push.assert_not_called()  # nothing leaves before the commit
        for callback in callbacks:
            callback()
    (messages,) = push.call_args.args
    groups, payload = [group for group, _ in messages], messages[0][1]
    assert groups == [notify.user_group(advisor.pk)]  # the member did it: only the advisor
    assert payload["type"] == "journey.event" and payload["kind"] == EventKind.ADAPTATION_ASKED


def test_covering_backup_hears_of_events(journey, member, advisor, backup_advisor):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate() - timedelta(days=1)
    advisor.save()
    actions.request_adaptation(journey, by=member, message="x")
    assert Notification.objects.filter(recipient=backup_advisor, verb="adaptation_asked").exists()


def test_the_live_socket_relays_journey_events(member):
    async def scenario():
        communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
        communicator.scope["user"] = member
        connected, _ = await communicator.connect()
        assert connected
        group = notify.user_group(member.pk)
        await sync_to_async(notify.push)([(group, {"type": "journey.event", "journey": 1,
                                                    "kind": "x"})])
        message = await communicator.receive_json_from(timeout=3)
        await sync_to_async(notify.push)([(group, {"type": "journey.reminder",
                                                    "kind": "task_due"})])
        reminder = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return message, reminder

    message, reminder = async_to_sync(scenario)()
    assert message["type"] == "journey.event" and reminder["kind"] == "task_due"
