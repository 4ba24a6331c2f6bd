"""Journey events fan out through coopdesk.notify: stored notifications inside the action's
transaction, a push to the people's groups after commit, relayed by the live socket."""

from datetime import timedelta
from unittest import mock

from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import timezone, translation
from notifications.models import Notification

from coopdesk import notify, outbox
from coopdesk.accounts.models import Role
from coopdesk.consumers import LiveConsumer
from coopdesk.models import Delivery, OutboxEmail, OutboxStatus
from journeys import actions, notices
from journeys.models import EventKind
from tests.factories import UserFactory
from tests.journeys.conftest import to_salaried


def test_event_is_pushed_to_member_and_advisor_after_commit(
    journey, member, advisor, django_capture_on_commit_callbacks
):
    with mock.patch.object(notify.push, "push") as push:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            actions.request_adaptation(journey, by=member, message="Nouvelle activité")
        push.assert_not_called()  # nothing leaves before the commit
        for callback in callbacks:
            callback()
    (messages,) = push.call_args.args
    groups, payload = [group for group, _ in messages], messages[0][1]
    assert groups == [notify.user_group(advisor.pk)]  # the member did it: only the advisor
    # The header's message, as for a request: badge and menu update live, object named.
    assert payload["type"] == "notification"
    item = payload["notification"]
    assert item["kind"] == EventKind.ADAPTATION_ASKED
    assert item["i18n"]["en"] == {
        "text": "Asked for the path to be adapted",
        "about": f"Path of {member.get_full_name()} · Information meeting",
    }
    # The page that shows the path takes the new version when it is on screen (live.js).
    assert item["page"] == journey.get_absolute_url()


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
        await sync_to_async(notify.push.push)([(group, {"type": "notification", "journey": 1,
                                                         "kind": "x"})])
        message = await communicator.receive_json_from(timeout=3)
        await sync_to_async(notify.push.push)([(group, {"type": "notification",
                                                         "kind": "task_due"})])
        reminder = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return message, reminder

    message, reminder = async_to_sync(scenario)()
    assert message["type"] == "notification" and reminder["kind"] == "task_due"


# --- by e-mail ---------------------------------------------------------------------------------


def test_member_hears_of_their_path_by_email_and_a_new_mentor_gets_their_own_link(
    diagnosis_journey, member, advisor, mailoutbox, settings
):
    settings.SITE_URL = "https://coop.example"
    OutboxEmail.objects.all().delete()
    mentor = UserFactory(first_name="Hugo", role=Role.MEMBER)
    actions.volunteer_as_mentor(member=mentor, is_active=True)
    actions.assign_mentor(diagnosis_journey, by=advisor, mentor=mentor)
    assert outbox.send_pending() == 2
    told = {mail.to[0]: mail for mail in mailoutbox}
    assert "https://coop.example" + reverse("journeys:journey-mine") in told[member.email].body
    for_mentor = told[mentor.email]
    assert for_mentor.subject.startswith("Parrain ou marraine attribué·e : Hugo")
    assert "– Parcours de Camille" in for_mentor.subject
    assert "https://coop.example" + reverse("journeys:mentor-volunteer") in for_mentor.body


def test_email_about_a_path_the_advisor_no_longer_follows_is_not_sent(
    journey, member, advisor, other_member, mailoutbox
):
    notify.save_preferences(advisor, {"journey": Delivery.EMAIL})
    actions.request_adaptation(journey, by=member, message="Nouvelle activité")
    member.advisor = other_member.advisor
    member.save()
    outbox.send_pending()
    assert mailoutbox == []
    row = OutboxEmail.objects.get(recipient=advisor)
    assert row.status == OutboxStatus.FAILED and "no longer see" in row.last_error


# --- the same path as every domain: named, worded when read, pushed --------------------------


def test_a_path_step_is_worded_in_the_readers_language_when_read(journey, member, advisor):
    actions.advance_journey(journey, by=advisor)
    told = Notification.objects.get(recipient=member, verb=EventKind.ADVANCED)
    assert told.data["stage"] == "diagnosis" and told.description == ""
    with translation.override("en"):
        assert (notify.label(told), notify.about(told)) == (
            "Moved on to the next stage", "Your path · Diagnosis"
        )
    with translation.override("fr"):
        assert notify.about(told) == "Votre parcours · Diagnostic"


def test_a_held_follow_up_is_named_in_the_readers_language(
    journey, member, advisor, mailoutbox
):
    """The follow-up's stored title is English (a msgid): the bell, the list and the
    e-mail's subject say it in the reader's language, as the path's history does."""
    journey = to_salaried(journey, advisor)
    OutboxEmail.objects.all().delete()
    actions.complete_task(journey.tasks.get(is_followup=True), by=advisor)
    told = Notification.objects.get(recipient=member, verb=EventKind.TASK_DONE)
    with translation.override("en"):
        assert notify.label(told) == "Task done: Yearly follow-up meeting"
    with translation.override("fr"):
        assert notify.label(told) == "Tâche faite\u00a0: Rendez-vous de suivi annuel"
    outbox.send_pending()
    assert [mail.subject.split(" – ")[0] for mail in mailoutbox] == [
        "Tâche faite : Rendez-vous de suivi annuel"
    ]
    reminder = {"task": "Yearly follow-up meeting", "followup": True}
    with translation.override("fr"):
        assert notices.reminder_about(reminder, member.pk) == "Rendez-vous de suivi annuel"


def test_a_reminder_is_pushed_to_the_header_with_its_object_named(
    cape_journey, member, django_capture_on_commit_callbacks
):
    end = timezone.localdate() + timedelta(days=25)
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(cape_end=end)
    with mock.patch.object(notify.push, "push") as push:
        with django_capture_on_commit_callbacks(execute=True):
            assert actions.send_cape_reminders() >= 1
    bodies = [body for call in push.call_args_list for group, body in call.args[0]
              if group == notify.user_group(member.pk)]
    assert bodies and {body["type"] for body in bodies} == {"notification"}
    words = bodies[0]["notification"]["i18n"]["en"]
    assert words["text"] == "The CAPE contract ends soon"
    assert words["about"] == "Your path · CAPE contract"
