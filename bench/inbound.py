"""Answer by e-mail: the time to process one typical reply through the one inbound path.

    python -m bench inbound

Prints {"page": "inbound_email", "db": ..., "median_ms": ..., "queries": ...}: the median of
20 runs, after 3 warm-ups, of helpdesk.inbound.process() on a Gmail reply (quoted history,
an HTML alternative) by a member to her request's reply address; every run posts the reply
for real (its own Message-ID) and fans it out (notification, e-mail queued), inside one
transaction rolled back at the end, so the seeded data the other lines read stays as seeded.
Process start-up (what `manage.py inbound_email` adds once per message) is left out.
Target: 50 ms.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench import harness

FIXTURE = (
    Path(__file__).resolve().parent.parent / "tests/helpdesk/inbound/messages/gmail_fr.eml"
)
DOMAIN = "reply.bench.coopdesk.test"


def people():
    from coopdesk.accounts.models import Role, User
    from helpdesk import actions
    from helpdesk.models import Category, Team

    team, _ = Team.objects.get_or_create(
        slug="bench-inbound", defaults={"name": "Bench inbound", "email": "in@bench.test"}
    )
    category, _ = Category.objects.get_or_create(team=team, label="Bench inbound")
    agent, _ = User.objects.get_or_create(
        email="agent-inbound@bench.coopdesk.test",
        defaults={"first_name": "Nadia", "role": Role.AGENT},
    )
    team.agents.add(agent)
    member, _ = User.objects.get_or_create(
        email="member-inbound@bench.coopdesk.test",
        defaults={"first_name": "Camille", "role": Role.MEMBER},
    )
    ticket = actions.create_ticket(
        requester=member, category=category, subject="Facture impayée F-12",
        body="Mon client ne paie pas.",
    )
    actions.claim_ticket(ticket, by=agent)
    return member, ticket


def main() -> None:
    harness.setup()
    from django.db import transaction

    with transaction.atomic():
        measure()
        transaction.set_rollback(True)


def measure() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coopdesk import replies
    from helpdesk import inbound
    from helpdesk.inbound import Outcome

    settings.REPLY_DOMAIN = DOMAIN
    settings.INBOUND_MAX_PER_HOUR = 10_000
    member, ticket = people()
    template = FIXTURE.read_bytes()
    for key, value in {
        "FROM": member.email,
        "REPLY": replies.reply_address("t", ticket.pk, member),
        "ROOT": replies.thread_id("t", ticket.pk),
        "DOMAIN": DOMAIN,
    }.items():
        template = template.replace(f"%%{key}%%".encode(), value.encode())
    stamp = time.time_ns()

    def one(n: int) -> None:
        raw = template.replace(b"<CAF=kq8gmail1fr", f"<bench{stamp}.{n}.".encode())
        result = inbound.process(raw)
        assert result.outcome == Outcome.POSTED, result

    harness.progress("measuring inbound_email")
    for n in range(harness.WARMUPS):
        one(n)
    timings = []
    for n in range(harness.WARMUPS, harness.WARMUPS + harness.RUNS):
        start = time.perf_counter()
        one(n)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        one(harness.WARMUPS + harness.RUNS)
    harness.emit(page="inbound_email", db=harness.vendor(),
                 median_ms=round(statistics.median(timings), 2),
                 queries=len(captured.captured_queries))
