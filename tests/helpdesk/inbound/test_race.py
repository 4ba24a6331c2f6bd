"""The same e-mail arriving twice at once (the pipe and the mailbox, two workers): posted once.

Run for real on PostgreSQL (a thread per delivery, each with its own connection, released
together); SQLite has no concurrent writers to race.
"""

from __future__ import annotations

import pytest

from helpdesk import inbound
from helpdesk.inbound import Outcome
from helpdesk.models import InboundEmail, Message
from tests.concurrency import needs_postgresql, run_together
from tests.helpdesk.inbound.conftest import message


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_deliveries_at_once_post_one_reply(ticket, member, round_):
    raw = message("gmail_fr.eml", sender=member, ticket=ticket)
    outcomes: list[Outcome] = []

    def deliver():
        outcomes.append(inbound.process(raw).outcome)

    assert run_together(deliver, [()] * 3) == []
    assert sorted(outcomes) == sorted([Outcome.POSTED, Outcome.DUPLICATE, Outcome.DUPLICATE])
    assert Message.objects.filter(ticket=ticket, author=member).count() == 1
    assert InboundEmail.objects.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_first_e_mails_to_a_team_at_once_make_one_category(team, member, round_):
    from helpdesk.models import Category, Ticket
    from tests.helpdesk.inbound.test_hostile import mail

    team.email = "recouvrement@coop.example"
    team.save()
    outcomes: list[Outcome] = []

    def deliver(n):
        outcomes.append(inbound.process(mail(member.email, team.email, msgid=f"<r{n}@x>")).outcome)

    assert run_together(deliver, [(n,) for n in range(2)]) == []
    assert outcomes == [Outcome.OPENED, Outcome.OPENED]
    assert Category.objects.filter(team=team, by_email=True).count() == 1
    assert Ticket.objects.filter(category__by_email=True).count() == 2


def test_a_second_by_email_category_is_refused_and_the_first_one_used(team, member):
    from unittest import mock

    from django.db import IntegrityError, transaction

    from helpdesk.actions.tickets import _by_email_category
    from helpdesk.models import Category

    first = _by_email_category(team)
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(team=team, label="x", by_email=True)
    from django.db.models.query import QuerySet

    real_first, looked = QuerySet.first, []

    def first_look_misses_the_winner(queryset):
        if not looked:  # the other delivery had not committed yet when this one looked
            looked.append(queryset)
            return None
        return real_first(queryset)

    # The race's loser: it saw none, its insert fails on the constraint, it takes the winner's.
    with mock.patch.object(QuerySet, "first", first_look_misses_the_winner):
        assert _by_email_category(team) == first
    assert looked
