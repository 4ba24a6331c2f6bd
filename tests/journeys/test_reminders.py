"""Reminders go out through notify, from the worker, and each one exactly once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from notifications.models import Notification

from coopdesk import notify, outbox
from coopdesk.accounts.models import Role
from coopdesk.models import Delivery, OutboxEmail, OutboxKind
from journeys import actions
from journeys.actions.reminders import _send_once
from journeys.models import JourneyTask, Reminder, TaskState
from tests.concurrency import needs_postgresql, run_together
from tests.factories import UserFactory
from tests.journeys.conftest import future


def notes(verb, person=None):
    queryset = Notification.objects.filter(verb=verb)
    return queryset.filter(recipient=person) if person else queryset


def set_due(task, days):
    JourneyTask.objects.filter(pk=task.pk).update(due_date=timezone.localdate() + timedelta(days))


def test_task_due_soon_reminds_the_member_once(journey, member):
    task = journey.tasks.get()
    set_due(task, 2)
    assert actions.send_task_reminders() == 1
    assert actions.send_task_reminders() == 0
    assert notes("task_due", member).count() == 1
    reminder = Reminder.objects.get()
    assert (reminder.recipient, reminder.task_id) == (member, task.pk)
    assert "Noter vos questions" in reminder.message


def test_tasks_due_later_or_done_are_not_reminded(cape_journey, member):
    for task in cape_journey.tasks.all():
        set_due(task, 10)
    done = cape_journey.tasks.get(key="journees-accueil")
    set_due(done, 1)
    actions.complete_task(done, by=member)
    assert actions.send_task_reminders() == 0


def test_advisor_and_team_tasks_go_to_who_does_them(cape_journey, advisor, legal_agent, member):
    set_due(cape_journey.tasks.get(key="accompagnement"), 1)
    set_due(cape_journey.tasks.get(key="rc-pro"), 0)
    JourneyTask.objects.filter(journey=cape_journey).exclude(
        key__in=["accompagnement", "rc-pro"]).update(due_date=timezone.localdate() + timedelta(9))
    assert actions.send_task_reminders() == 2
    assert notes("task_due", advisor).count() == 1
    assert notes("task_due", legal_agent).count() == 1
    assert not notes("task_due", member).exists()


def test_team_tasks_remind_the_team_not_every_admin(cape_journey, legal_agent):
    """Admins may act for any team; they are not reminded of every team's tasks."""
    admin = UserFactory(role=Role.ADMIN)
    set_due(cape_journey.tasks.get(key="rc-pro"), 0)
    JourneyTask.objects.filter(journey=cape_journey).exclude(key="rc-pro").update(
        due_date=timezone.localdate() + timedelta(9))
    actions.send_task_reminders()
    assert notes("task_due", legal_agent).count() == 1
    assert not notes("task_due", admin).exists()


def test_cape_ending_in_30_then_7_days_to_member_and_advisor(cape_journey, member, advisor):
    end = timezone.localdate() + timedelta(days=25)
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(cape_end=end)
    assert actions.send_cape_reminders() == 2
    assert actions.send_cape_reminders() == 0
    assert notes("cape_ending", member).count() == 1
    assert notes("cape_ending", advisor).count() == 1
    later = timezone.now() + timedelta(days=19)  # 6 days before the end
    assert actions.send_cape_reminders(now=later) == 2
    assert actions.send_cape_reminders(now=later) == 0
    assert notes("cape_ending", member).count() == 2
    assert set(Reminder.objects.values_list("key", flat=True)) == {
        f"cape_ending:30:{cape_journey.pk}:{end.isoformat()}",
        f"cape_ending:7:{cape_journey.pk}:{end.isoformat()}",
    }


def test_cape_ending_reaches_the_backup_of_an_away_advisor(cape_journey, advisor, backup_advisor):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate()
    advisor.save()
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(
        cape_end=timezone.localdate() + timedelta(days=5))
    assert actions.send_cape_reminders() == 3
    assert notes("cape_ending", backup_advisor).count() == 1


def test_cape_far_from_its_end_is_not_reminded(cape_journey):
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(
        cape_end=timezone.localdate() + timedelta(days=45))
    assert actions.send_cape_reminders() == 0


def test_a_renewed_cape_is_reminded_for_its_new_end(cape_journey, advisor):
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(
        cape_end=timezone.localdate() + timedelta(days=5))
    cape_journey.refresh_from_db()
    assert actions.send_cape_reminders() == 2
    actions.renew_cape(cape_journey, by=advisor,
                       end=cape_journey.cape_end + timedelta(days=40))
    assert actions.send_cape_reminders(now=timezone.now() + timedelta(days=20)) == 2


def test_meeting_tomorrow_reminds_registered_people_and_host(advisor, prospect_factory, path):
    meeting = actions.create_meeting(by=advisor, starts_at=future(1, 18), place="Lyon",
                                     capacity=1)
    came, waiting = prospect_factory("A"), prospect_factory("B")
    actions.register_for_meeting(meeting, journey=came, by=came.member)
    actions.register_for_meeting(meeting, journey=waiting, by=waiting.member)
    assert actions.send_meeting_reminders() == 2
    assert actions.send_meeting_reminders() == 0
    assert notes("meeting_tomorrow", came.member).count() == 1
    assert notes("meeting_tomorrow", advisor).count() == 1
    assert not notes("meeting_tomorrow", waiting.member).exists()


def test_meeting_in_two_days_is_not_reminded_yet(meeting):
    assert actions.send_meeting_reminders() == 0


def test_the_unique_key_stops_a_second_send(member):
    kwargs = {"key": "x:1", "kind": "task_due", "recipient": member, "message": "m"}
    assert _send_once(**kwargs) is True
    assert _send_once(**kwargs) is False
    assert notes("task_due", member).count() == 1


def test_reminders_are_written_in_the_recipients_language(journey, member):
    member.language = "en"
    member.save()
    set_due(journey.tasks.get(), 1)
    actions.send_task_reminders()
    assert Reminder.objects.get().message.startswith("Reminder:")


def test_the_worker_sends_each_reminder_once(cape_journey, member, advisor):
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(
        cape_end=timezone.localdate() + timedelta(days=20))
    set_due(cape_journey.tasks.get(key="journees-accueil"), 1)
    call_command("worker", once=True)
    first = Notification.objects.filter(verb__in=["cape_ending", "task_due"]).count()
    call_command("worker", once=True)
    assert first == 3
    assert Notification.objects.filter(verb__in=["cape_ending", "task_due"]).count() == first


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(path):
    """Two workers racing on the same reminders: the unique key lets exactly one through."""
    advisor = UserFactory(role=Role.ADVISOR)
    for name in "ABC":
        person = UserFactory(first_name=name, role=Role.MEMBER, advisor=advisor)
        journey = actions.start_journey(member=person, by=person)
        JourneyTask.objects.filter(journey=journey).update(
            due_date=timezone.localdate() + timedelta(days=1))
    totals = []
    assert run_together(lambda: totals.append(actions.send_task_reminders()), [()] * 2) == []
    assert sum(totals) == 3
    assert Reminder.objects.count() == 3
    assert Notification.objects.filter(verb="task_due").count() == 3
    assert JourneyTask.objects.filter(state=TaskState.OPEN).count() == 3


# --- by e-mail: as each person chose (the defaults each app registers), once -------------------


def local_path(url: str, site: str) -> str:
    assert url.startswith(site)
    return url.removeprefix(site)


def link_in(body: str, site: str) -> str:
    return next(line.strip() for line in body.splitlines() if line.strip().startswith(site))


def test_cape_ending_emails_the_member_at_once_and_the_advisor_next_morning(
    cape_journey, member, advisor, client, mailoutbox, settings
):
    settings.SITE_URL, settings.DIGEST_HOUR = "https://coop.example", 7
    outbox.send_pending()  # the path's own steps, told to the member as they happened
    mailoutbox.clear()
    end = timezone.localdate() + timedelta(days=25)
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(cape_end=end)

    assert actions.send_cape_reminders() == 2
    assert actions.send_cape_reminders() == 0
    assert outbox.send_pending() == 1
    assert outbox.send_pending(now=timezone.now() + timedelta(minutes=5)) == 0
    [mail] = mailoutbox
    assert mail.to == [member.email]
    assert mail.subject == "Le contrat CAPE se termine bientôt – Votre parcours"
    assert "se termine le" in mail.body and "dans 25 jours" in mail.body  # in French
    url = link_in(mail.body, "https://coop.example/")
    assert url == "https://coop.example" + reverse("journeys:journey-mine")
    client.force_login(member)
    assert client.get(local_path(url, settings.SITE_URL)).status_code == 200

    # The advisor chose nothing: the summary of the next morning, once.
    assert not OutboxEmail.objects.filter(recipient=advisor, kind=OutboxKind.EVENT).exists()
    morning = timezone.localtime().replace(hour=8) + timedelta(days=1)
    assert outbox.queue_digests(now=morning) == 1
    assert outbox.queue_digests(now=morning) == 0
    outbox.send_pending(now=morning)
    [digest] = [mail for mail in mailoutbox if mail.to == [advisor.email]]
    assert f"Parcours de {member.get_full_name()}" in digest.body
    assert "Le contrat CAPE de" in digest.body
    url = "https://coop.example" + cape_journey.get_absolute_url()
    assert url in digest.body
    client.force_login(advisor)
    assert client.get(local_path(url, settings.SITE_URL)).status_code == 200


def test_a_reminder_chosen_in_the_app_only_sends_no_email(cape_journey, member, mailoutbox):
    notify.save_preferences(member, {"reminder": Delivery.APP})
    OutboxEmail.objects.all().delete()
    type(cape_journey).objects.filter(pk=cape_journey.pk).update(
        cape_end=timezone.localdate() + timedelta(days=5))
    assert actions.send_cape_reminders() == 2
    note = notes("cape_ending", member).get()
    assert note.emailed and note.data["delivery"] == Delivery.APP
    assert not OutboxEmail.objects.filter(recipient=member).exists()
    outbox.send_pending()
    assert member.email not in [address for mail in mailoutbox for address in mail.to]


def test_task_reminders_go_to_the_member_at_once_and_to_the_team_next_morning(
    cape_journey, member, legal_agent
):
    OutboxEmail.objects.all().delete()
    set_due(cape_journey.tasks.get(key="journees-accueil"), 1)
    set_due(cape_journey.tasks.get(key="rc-pro"), 1)
    assert actions.send_task_reminders() == 2
    assert OutboxEmail.objects.get().recipient == member
    assert notes("task_due", legal_agent).get().data["delivery"] == Delivery.DIGEST


def test_team_task_reminder_links_the_agent_to_the_team_tasks(cape_journey, legal_agent,
                                                              mailoutbox, settings):
    settings.SITE_URL = "https://coop.example"
    notify.save_preferences(legal_agent, {"reminder": Delivery.EMAIL})
    set_due(cape_journey.tasks.get(key="rc-pro"), 1)
    actions.send_task_reminders()
    outbox.send_pending()
    [mail] = [mail for mail in mailoutbox if mail.to == [legal_agent.email]]
    assert "Assurance RC Pro" in mail.body
    assert "https://coop.example" + reverse("journeys:team-tasks") in mail.body
