"""An unpaid invoice's steps go through coopdesk.notify like every domain's."""

from datetime import date, timedelta

from django.utils import timezone, translation
from notifications.models import Notification

from coopdesk import notify
from helpdesk import actions


def open_case(agent, member, team):
    return actions.open_collection_case(
        by=agent, member=member, team=team, client_name="Agence Horizon",
        invoice_number="F-31", amount="1850.00", due_date=date(2026, 10, 1),
    )


def test_a_collection_step_reaches_the_backup_covering_the_member(
    agent, member, advisor, backup_advisor, team
):
    advisor.backup_advisor = backup_advisor
    advisor.away_from = timezone.localdate() - timedelta(days=1)
    advisor.save()
    open_case(agent, member, team)
    told = {n.recipient for n in Notification.objects.filter(verb="collection.opened")}
    assert told == {member, advisor, backup_advisor}


def test_a_collection_step_names_the_invoice_in_the_readers_language(
    agent, member, team, django_capture_on_commit_callbacks, pushed
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(agent, member, team)
        actions.propose_next_step(case, by=agent)
    latest = Notification.objects.filter(recipient=member).order_by("-pk").first()
    with translation.override("en"):
        assert notify.label(latest) == "Step announced: First reminder"
        assert notify.about(latest) == "Invoice F-31 – Agence Horizon"
    with translation.override("fr"):
        assert notify.label(latest) == "Étape annoncée\u00a0: Première relance"
        assert notify.about(latest) == "Facture F-31 – Agence Horizon"
    messages = [body for group, body in pushed if group == notify.user_group(member.pk)]
    assert {body["type"] for body in messages} == {"notification"}  # no collection.event
    assert messages[-1]["notification"]["i18n"]["en"]["about"] == "Invoice F-31 – Agence Horizon"
    assert messages[-1]["notification"]["page"] == case.get_absolute_url()
