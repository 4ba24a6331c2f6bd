"""The fan-out: who is told of each step, how (preferences, follow, mute), and when."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone, translation
from notifications.models import Notification

from coopdesk import notify
from coopdesk.accounts.models import Role
from coopdesk.models import (
    Delivery,
    NotificationPreference,
    OutboxEmail,
    Subscription,
    TicketSubscription,
)
from helpdesk import actions
from helpdesk.models import State
from tests.factories import UserFactory


def told(ticket, verb: str) -> set[str]:
    rows = Notification.objects.filter(target_object_id=str(ticket.pk), verb=verb)
    return {n.recipient.first_name for n in rows.select_related("recipient")}


def test_new_request_tells_advisor_and_every_team_agent_not_the_author(
    member, advisor, agent, other_agent, outside_agent, category
):
    ticket = actions.create_ticket(requester=member, category=category, subject="Impayé", body="…")
    assert told(ticket, "created") == {advisor.first_name, agent.first_name, other_agent.first_name}


def test_once_claimed_only_the_assignee_hears_for_the_team(ticket, member, advisor, agent,
                                                           other_agent):
    actions.claim_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=member, body="Voici la facture.")
    assert told(ticket, "assigned") == {member.first_name, advisor.first_name}
    assert told(ticket, "replied") == {advisor.first_name, agent.first_name}


def test_internal_note_never_reaches_member_or_advisor(ticket, member, advisor, agent,
                                                       other_agent):
    # Even when they asked to follow the request, and when the member is a colleague.
    notify.set_subscription(user=advisor, ticket=ticket, mode=Subscription.FOLLOW)
    notify.set_subscription(user=member, ticket=ticket, mode=Subscription.FOLLOW)
    actions.add_note(ticket, by=agent, body="Client déjà en contentieux ailleurs.")
    assert told(ticket, "note") == {other_agent.first_name}
    assert not OutboxEmail.objects.filter(recipient__in=[member, advisor],
                                          notification__verb="note").exists()


def test_internal_note_skips_a_requester_who_is_staff(team, category, agent, other_agent):
    actions_ticket = actions.create_ticket(
        requester=other_agent, category=category, subject="Ma note de frais", body="…"
    )
    actions.add_note(actions_ticket, by=agent, body="Vérifier le plafond")
    assert told(actions_ticket, "note") == set()


def test_muted_member_is_told_nothing_but_others_are(ticket, member, advisor, agent):
    notify.set_subscription(user=member, ticket=ticket, mode=Subscription.MUTE)
    actions.claim_ticket(ticket, by=agent)
    assert told(ticket, "assigned") == {advisor.first_name}
    notify.set_subscription(user=member, ticket=ticket, mode="default")
    assert not TicketSubscription.objects.exists()
    actions.resolve_ticket(ticket, by=agent)
    assert told(ticket, "resolved") == {member.first_name, advisor.first_name}


def test_follower_is_told_only_while_they_may_see_the_request(ticket, agent, lead,
                                                              outside_agent, team):
    actions.claim_ticket(ticket, by=agent)
    notify.set_subscription(user=lead, ticket=ticket, mode=Subscription.FOLLOW)
    notify.set_subscription(user=outside_agent, ticket=ticket, mode=Subscription.FOLLOW)
    actions.add_reply(ticket, by=agent, body="Relance envoyée")
    assert lead.first_name in told(ticket, "replied")
    assert outside_agent.first_name not in told(ticket, "replied")
    team.agents.remove(lead)
    actions.resolve_ticket(ticket, by=agent)
    assert lead.first_name not in told(ticket, "resolved")


def test_member_defaults_email_for_waiting_and_resolved_only(ticket, member, agent):
    actions.acknowledge_ticket(ticket, by=agent)
    actions.add_reply(ticket, by=agent, body="Quel est le montant ?", then="wait")
    actions.resolve_ticket(ticket, by=agent)
    mails = OutboxEmail.objects.filter(recipient=member)
    assert sorted(mails.values_list("notification__verb", flat=True)) == ["resolved", "waiting"]
    assert sorted(Notification.objects.filter(recipient=member).values_list("verb", flat=True)) == [
        "acknowledged", "resolved", "waiting"  # Nadia took it by answering: the answer says it
    ]


def test_advisor_defaults_to_daily_summary_and_agent_to_email_when_given_a_request(
    ticket, advisor, agent, lead
):
    actions.assign_ticket(ticket, by=lead, to=agent)
    advisor_note = Notification.objects.get(recipient=advisor, verb="assigned")
    assert advisor_note.data["delivery"] == Delivery.DIGEST and not advisor_note.emailed
    assert OutboxEmail.objects.filter(recipient=agent, notification__verb="assigned").exists()
    assert not OutboxEmail.objects.filter(recipient=advisor).exists()


def test_own_choice_beats_the_default(ticket, member, agent):
    notify.save_preferences(member, {"waiting": Delivery.APP, "acknowledged": Delivery.EMAIL})
    actions.acknowledge_ticket(ticket, by=agent)
    actions.wait_for_member(ticket, by=agent)
    assert list(OutboxEmail.objects.filter(recipient=member).values_list(
        "notification__verb", flat=True)) == ["acknowledged"]
    # Choosing the default again stores nothing.
    notify.save_preferences(member, {"waiting": Delivery.EMAIL})
    assert set(NotificationPreference.objects.values_list("kind", flat=True)) == {"acknowledged"}


def test_preferences_page_choices_depend_on_role(member, agent):
    assert "note" not in dict(notify.kinds_for(member))
    assert "note" in dict(notify.kinds_for(agent))
    assert notify.preferences_for(member)["waiting"] == Delivery.EMAIL
    assert notify.preferences_for(agent)["assigned"] == Delivery.EMAIL
    assert notify.default_delivery(UserFactory(role=Role.ADVISOR), "resolved") == Delivery.DIGEST


def test_nothing_is_stored_when_the_action_rolls_back(ticket, member, agent):
    before = Notification.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.add_reply(ticket, by=agent, body="Brouillon", then="wait")
        raise RuntimeError("the request failed after the action")
    ticket.refresh_from_db()
    assert ticket.state == State.NEW
    assert Notification.objects.count() == before
    assert not OutboxEmail.objects.exists()


def test_push_waits_for_commit_and_carries_the_notification(
    ticket, member, agent, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(notify.user_group(member.pk), channel)
    with django_capture_on_commit_callbacks() as callbacks:
        actions.claim_ticket(ticket, by=agent)
    assert len(callbacks) == 1  # nothing pushed before the commit
    callbacks[0]()
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "live.message"
    assert '"type": "notification"' in message["text"]
    assert f'"ticket": {ticket.pk}' in message["text"]
    async_to_sync(layer.flush)()


def test_redis_down_commits_stores_and_logs(ticket, member, agent, settings, caplog,
                                            django_capture_on_commit_callbacks):
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:9/0",  # nothing listens there
                              "socket_connect_timeout": 1}]},
    }}
    with caplog.at_level(logging.WARNING, logger="coopdesk.notify"):
        with django_capture_on_commit_callbacks(execute=True):
            actions.add_reply(ticket, by=agent, body="Nous relançons", then="resolve")
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED
    assert Notification.objects.filter(recipient=member, verb="resolved").exists()
    assert OutboxEmail.objects.filter(recipient=member).exists()
    assert "live push skipped" in caplog.text


def test_fan_out_cost_does_not_grow_with_recipients(ticket, agent, team,
                                                    django_assert_max_num_queries):
    for _ in range(15):
        team.agents.add(UserFactory(role=Role.AGENT))
    with django_assert_max_num_queries(13):  # 12, + deleting the writer's draft of the note
        actions.add_note(ticket, by=agent, body="À surveiller")
    assert Notification.objects.filter(verb="note").count() == 15


def test_marking_read_tells_the_other_tabs(ticket, member, agent,
                                           django_capture_on_commit_callbacks):
    actions.claim_ticket(ticket, by=agent)
    actions.resolve_ticket(ticket, by=agent)
    first = Notification.objects.filter(recipient=member).order_by("pk").first()
    with django_capture_on_commit_callbacks() as callbacks:
        assert notify.mark_read(member, [first.pk]) == 1
    assert len(callbacks) == 1
    assert notify.unread_count(member) == 1
    assert notify.mark_read(member, [first.pk]) == 0  # nothing to say twice
    assert notify.mark_read(member) == 1
    assert notify.unread_count(member) == 0


def test_words_follow_the_reader(ticket, member, advisor, agent):
    actions.assign_ticket(ticket, by=agent, to=agent)
    assigned = Notification.objects.get(recipient=member, verb="assigned")
    assert notify.describe(assigned).endswith(agent.first_name)
    actions.add_reply(ticket, by=agent, body="Quel montant ?", then="wait")
    for_member = Notification.objects.get(recipient=member, verb="waiting")
    for_advisor = Notification.objects.get(recipient=advisor, verb="waiting")
    with translation.override("en"):
        assert notify.label(for_member) == "A question for you: the team needs your answer"
        assert notify.label(for_advisor) == "Waiting for the member's answer"


def test_the_advisor_of_today_is_told_and_the_backup_while_they_are_away(
    ticket, member, advisor, backup_advisor, agent
):
    member.advisor = backup_advisor
    member.save()
    actions.claim_ticket(ticket, by=agent)
    assert told(ticket, "assigned") == {member.first_name, backup_advisor.first_name}

    member.advisor = advisor
    member.save()
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate() - timedelta(days=1)
    advisor.save()
    actions.add_reply(ticket, by=agent, body="Question", then="wait")
    assert told(ticket, "waiting") == {member.first_name, advisor.first_name,
                                       backup_advisor.first_name}
    advisor.away_until = timezone.localdate() - timedelta(days=1)  # back at work
    advisor.save()
    actions.resolve_ticket(ticket, by=agent)
    assert told(ticket, "resolved") == {member.first_name, advisor.first_name}


# --- every message pushed has a reader in static/js/live.js ----------------------------------


def live_js_handles() -> set[str]:
    import re
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static/js/live.js").read_text()
    return set(re.findall(r'case "([\w.]+)":', script))


def test_every_pushed_message_type_has_a_handler_in_live_js(
    ticket, member, agent, django_capture_on_commit_callbacks, pushed
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.claim_ticket(ticket, by=agent)
        actions.add_reply(ticket, by=agent, body="Quel montant ?", then="wait")
        notify.mark_read(member)
    types = {body["type"] for _group, body in pushed}
    assert types == {"notification", "ticket.event", "read"}
    assert types <= live_js_handles()


def test_the_notification_centre_names_the_object_in_the_readers_language(
    client, ticket, member, agent
):
    actions.add_reply(ticket, by=agent, body="Quel montant ?", then="wait")
    client.force_login(member)
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A question for you: the team needs your answer" in page
    assert ticket.reference in page and ticket.subject in page
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Une question pour vous" in page
