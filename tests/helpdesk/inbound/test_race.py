"""The same e-mail arriving twice at once (the pipe and the mailbox, two workers): posted once.

Run for real on PostgreSQL (a thread per delivery, each with its own connection, released
together); SQLite has no concurrent writers to race.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from helpdesk import inbound
from helpdesk.inbound import Outcome
from helpdesk.models import InboundEmail, Message
from tests.helpdesk.inbound.conftest import message
from tests.helpdesk.test_concurrency import in_thread

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real race needs PostgreSQL: run with DATABASE_URL=postgres://...",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_deliveries_at_once_post_one_reply(ticket, member, round_):
    raw = message("gmail_fr.eml", sender=member, ticket=ticket)
    barrier = threading.Barrier(3)
    outcomes: list[Outcome] = []

    def deliver():
        barrier.wait()
        outcomes.append(inbound.process(raw).outcome)

    threads = [in_thread(deliver) for _ in range(3)]
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted([Outcome.POSTED, Outcome.DUPLICATE, Outcome.DUPLICATE])
    assert Message.objects.filter(ticket=ticket, author=member).count() == 1
    assert InboundEmail.objects.count() == 1
