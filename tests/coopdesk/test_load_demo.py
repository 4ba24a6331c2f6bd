"""What load_demo prints: the logins in one language (French, as the demo's data), and no
system-check warning that asks nothing of the person loading it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from notifications.models import Notification

from coopdesk.management.commands.load_demo import Command
from coopdesk.models import OutboxEmail, OutboxStatus
from helpdesk.models import TicketEvent


def test_the_logins_are_printed_in_french_only():
    out = io.StringIO()
    Command(stdout=out).print_logins()
    text = out.getvalue()
    assert "Comptes de démonstration" in text
    for english in ("(advisor)", "(team lead)", "Demo logins", "password", "Staff log in"):
        assert english not in text, english
    # French typography: a space before the colon (and semicolon) that ends a phrase.
    assert not re.search(r"\w[:;] ", text)


@pytest.mark.django_db
def test_sqlite_is_not_warned_of_the_postgresql_covering_indexes():
    if connection.vendor != "sqlite":
        pytest.skip("the warning is SQLite's")
    err = io.StringIO()
    # Only the warnings are read: the test settings fail other checks on purpose (no REDIS_URL).
    call_command("check", databases=["default"], fail_level="CRITICAL", stdout=err, stderr=err)
    assert "W040" not in err.getvalue()


@pytest.mark.django_db
def test_the_demo_dates_its_notifications_like_their_steps_and_mails_none_of_the_past():
    before = timezone.now()
    call_command("load_demo", stdout=io.StringIO())
    past = Notification.objects.filter(timestamp__lt=before)
    assert past.count() > 50  # the back-dated history, told when it happened
    for notification in past.filter(verb="task_done")[:20]:
        assert notification.timestamp == notification.action_object.created_at
    assert not past.filter(emailed=False).exists()  # no daily summary of it either
    assert not OutboxEmail.objects.filter(
        notification__timestamp__lt=before, status=OutboxStatus.PENDING
    ).exists()
    assert not Notification.objects.filter(timestamp__gt=timezone.now()).exists()
    # "Closed automatically 7 days after its resolution" is told a week after it.
    auto = TicketEvent.objects.get(kind="closed", data__automatic=True)
    resolved = auto.ticket.events.get(kind="resolved")
    assert auto.created_at - resolved.created_at >= timedelta(days=7)
    assert Notification.objects.filter(verb="closed", timestamp=auto.created_at).exists()


@pytest.mark.django_db
def test_the_demo_team_days_count_the_requests_the_help_centre_avoided():
    from helpdesk import health
    from helpdesk.models import Team, TeamDay
    from kb.models import Deflection

    call_command("load_demo", stdout=io.StringIO())
    avoided = Deflection.objects.filter(category__isnull=False).count()
    assert avoided
    assert sum(TeamDay.objects.values_list("avoided", flat=True)) == avoided
    teams = list(Team.objects.all())
    assert sum(row["avoided"] for row in health.by_team(teams, weeks=4)) == avoided
